"""Fixtures for the alerts: carriers of unit U held by the secretary and by staff, helpers to
make a deadline due, and the checks runner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carriers.models import Carrier
from common.levels import Level
from tests.factories import register


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def carriers(org):
    """Four Secret carriers registered by the secretary (holder), in the cabinet."""
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}", copies_total=4,
                     title=f"绝密标题不应外泄{i}") for i in range(1, 5)]


@pytest.fixture
def expire():
    def _expire(carrier, on):
        Carrier.objects.filter(pk=carrier.pk).update(expires_on=on)
        carrier.refresh_from_db()
        return carrier

    return _expire


@pytest.fixture
def run():
    from alerts import services

    return lambda only=None, **kw: services.run_checks(only=only, **kw)


@pytest.fixture
def ended(carriers, expire, today):
    """carriers[0]'s secrecy period ended ten days ago."""
    return expire(carriers[0], today - timedelta(days=10))
