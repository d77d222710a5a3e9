"""The carry_out_overdue check: due after the expected return, not before; resolved at once by
check-in."""

from datetime import timedelta

from alerts import services as alert_services
from alerts.models import Alert
from carriers.carrying.models import CarryOutRequest

from .conftest import carried_out, checked_in


def active():
    return Alert.objects.filter(kind="carry_out_overdue", status__in=["open", "acknowledged"])


def test_overdue_and_not_yet_due(org, out, today):
    late = carried_out(org, out[:1])
    on_time = carried_out(org, out[1:2], expected_return=today)  # due back today: not late yet
    CarryOutRequest.objects.filter(pk=late.pk).update(expected_return=today - timedelta(days=1))
    result = alert_services.run_checks(only="carry_out_overdue")
    assert result["carry_out_overdue"] == {"created": 1, "resolved": 0}
    alert = active().get()
    assert (alert.target_id, alert.target_label, alert.responsible_id) == (late.pk, f"CO-{late.pk}", org.staff_core.pk)
    assert alert.due_on == today - timedelta(days=1) and alert.unit_id == org.unit.pk
    assert list(alert.recipients.values_list("pk", flat=True)) == [org.secretary.pk]
    assert on_time.pk not in active().values_list("target_id", flat=True)


def test_approved_but_not_carried_out_is_not_due(org, out, today):
    from .conftest import approve_all, submit

    carry = approve_all(org, submit(org, out[:1]))
    CarryOutRequest.objects.filter(pk=carry.pk).update(expected_return=today - timedelta(days=5))
    assert alert_services.run_checks(only="carry_out_overdue")["carry_out_overdue"]["created"] == 0


def test_check_in_resolves_the_alert_at_once(org, out, today):
    carry = carried_out(org, out[:1])
    CarryOutRequest.objects.filter(pk=carry.pk).update(expected_return=today - timedelta(days=1))
    alert_services.run_checks(only="carry_out_overdue")
    assert active().count() == 1
    checked_in(org, carry)
    assert active().count() == 0
    alert = Alert.objects.get(kind="carry_out_overdue")
    assert alert.status == "resolved" and alert.resolution_reason == "checked back in"
