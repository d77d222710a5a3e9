"""Fixtures for dispatch and receipt: carriers of unit U whose distribution scope reaches unit X,
the secrecy office of X as recipient, a named person of X, an approval for carrying abroad."""

import pytest
from django.utils import timezone

from common.levels import Level
from personnel import roles
from tests.factories import PersonFactory, register


@pytest.fixture
def outbound(org):
    """Three Secret carriers held by U's secretary, in scope for unit X."""
    return [
        register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                 scope_units=[org.other_unit], title=f"发往乙单位的文件{i}")
        for i in (1, 2, 3)
    ]


@pytest.fixture
def x_staff(org):
    """A core staff member of unit X, not in the secrecy office."""
    return PersonFactory(user__username="x_staff", department=org.xd, unit=org.other_unit, secrecy_post="core",
                         roles=[roles.STAFF], full_name="x_staff-name").user


@pytest.fixture
def abroad_approval(org):
    """An approved, unused request for carrying Secret carriers abroad, of unit U."""
    from approvals.models import ApprovalRequest

    return ApprovalRequest.objects.create(
        kind="carrying_abroad", requester=org.staff_core, unit=org.unit, department=org.res, level=Level.SECRET,
        title="携带出境：合作谈判材料", purpose="赴境外合作谈判", status=ApprovalRequest.Status.APPROVED,
        submitted_at=timezone.now(), decided_at=timezone.now(), approved_quantity=5,
    )
