"""Holds fixtures: Secret papers held by the secretary in the scope of Research, and a helper to
place a hold through the service."""

from types import SimpleNamespace

import pytest

from carriers.holds import services
from common.levels import Level
from tests.destruction.conftest import head_sec  # noqa: F401  (the destruction approvals' department head)
from tests.factories import register


@pytest.fixture
def held(org):
    """Three Secret papers of unit U in Research's scope; the first two under one hold."""
    papers = [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                       title=f"冻结测试{i}", scope_departments=[org.res]) for i in (1, 2, 3)]
    hold = services.place_hold(actor=org.secretary, carriers=papers[:2], kind="inspection",
                               reason="保密检查发现登记不符，待核查")
    return SimpleNamespace(papers=papers, hold=hold, free=papers[2])


def place(org, carriers, *, actor=None, kind="other", reason="待核查", **extra):
    return services.place_hold(actor=actor or org.secretary, carriers=carriers, kind=kind, reason=reason, **extra)
