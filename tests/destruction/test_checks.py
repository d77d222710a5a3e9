"""The scheduled check: an approved destruction not carried out DESTRUCTION_MAX_DAYS after its
approval raises an alert for the unit; not yet due, none; destroyed, it is resolved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert

from .conftest import execute

pytestmark = pytest.mark.django_db
KIND = "destruction_overdue"


def test_due_and_not_yet_due(org, approved, settings):
    settings.REGISTRY = {**settings.REGISTRY, "DESTRUCTION_MAX_DAYS": 30}
    now = timezone.now()
    assert alert_services.run_checks(only=KIND, now=now + timedelta(days=29))[KIND]["created"] == 0
    assert alert_services.run_checks(only=KIND, now=now + timedelta(days=31))[KIND]["created"] == 1
    alert = Alert.objects.get(kind=KIND)
    assert alert.target_id == approved.pk and alert.level == approved.level and alert.unit_id == org.unit.pk
    assert alert.responsible_id == org.secretary.pk
    # carried out: the next run resolves it
    execute(org, approved)
    alert_services.run_checks(only=KIND, now=now + timedelta(days=32))
    alert.refresh_from_db()
    assert alert.status not in ("open", "acknowledged")


def test_a_request_still_waiting_for_approval_is_not_due(org, papers, head_sec):
    from .conftest import submit

    submit(org, papers)
    assert alert_services.run_checks(only=KIND, now=timezone.now() + timedelta(days=400))[KIND]["created"] == 0
