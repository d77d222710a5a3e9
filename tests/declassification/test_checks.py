"""The declassification_review_due check: a condition met and awaiting review past the review
period is due; recorded recently, or reviewed, it is not."""

from datetime import timedelta

from alerts import services as alert_services
from alerts.models import Alert
from carriers.declassification import services
from carriers.declassification.models import ConditionMet

from .conftest import approve_all, carrier, propose


def active():
    return Alert.objects.filter(kind="declassification_review_due", status__in=["open", "acknowledged"])


def test_due_and_not_yet_due(org, today, settings):
    settings.REGISTRY = {**settings.REGISTRY, "DECLASSIFICATION_REVIEW_DAYS": 30}
    old = carrier(org, declassification_condition="条件一", copy_number="000001")
    new = carrier(org, declassification_condition="条件二", copy_number="000002")
    late = services.record_condition_met(actor=org.staff_core, carrier=old, note="已满足",
                                         met_on=today - timedelta(days=30))
    services.record_condition_met(actor=org.staff_core, carrier=new, note="刚满足", met_on=today - timedelta(days=29))
    result = alert_services.run_checks(only="declassification_review_due")
    assert result["declassification_review_due"] == {"created": 1, "resolved": 0}
    alert = active().get()
    assert (alert.target_id, alert.target_label, alert.due_on) == (late.pk, old.registry_number, today)
    assert alert.unit_id == org.unit.pk and alert.responsible_id is None
    assert list(alert.recipients.values_list("pk", flat=True)) == [org.staff_core.pk]


def test_applying_a_review_resolves_it_at_once(org, today):
    target = carrier(org, declassification_condition="条件一")
    record = services.record_condition_met(actor=org.staff_core, carrier=target, note="已满足",
                                           met_on=today - timedelta(days=40))
    alert_services.run_checks(only="declassification_review_due")
    assert active().count() == 1
    review = propose(org, target, outcome="declassify")
    assert active().count() == 1  # proposed, not yet reviewed
    approve_all(org, review)
    assert active().count() == 0
    assert ConditionMet.objects.get(pk=record.pk).closed_by_id == review.pk
    assert alert_services.run_checks(only="declassification_review_due")["declassification_review_due"]["created"] == 0


def test_period_alerts_resolved_when_a_review_extends(org, today):
    ended = carrier(org, ends_in_days=-2)
    alert_services.run_checks(only="secrecy_ended")
    assert Alert.objects.filter(kind="secrecy_ended", target_id=ended.pk, status="open").exists()
    approve_all(org, propose(org, ended, outcome="extend", new_secrecy_years=15))
    assert not Alert.objects.filter(kind="secrecy_ended", target_id=ended.pk, status="open").exists()
