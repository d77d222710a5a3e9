"""The scheduled checks of personnel: training due (R14) and disengagement ending (R12), each with
a due and a not-yet-due case."""

from datetime import timedelta

from alerts import services as alert_services
from alerts.models import Alert
from personnel import services
from personnel.models import Departure, Person
from tests.factories import PASSWORD


def active(kind):
    return Alert.objects.filter(kind=kind, status__in=["open", "acknowledged"])


def train(org, user, days_ago):
    from django.utils import timezone

    services.record_training(actor=org.secretary, person=user.person, course="年度保密培训",
                             held_on=timezone.localdate() - timedelta(days=days_ago), result="passed", hours=4)


def test_training_due_and_not_yet_due(org, settings, today):
    settings.REGISTRY = {**settings.REGISTRY, "TRAINING_INTERVAL_DAYS": 365, "TRAINING_REMINDER_DAYS": 30}
    train(org, org.staff_core, days_ago=340)  # due in 25 days: within the reminder window
    train(org, org.staff_important, days_ago=300)  # due in 65 days: not yet
    Person.objects.filter(user=org.staff_general).update(post_since=today - timedelta(days=3))  # never trained
    result = alert_services.run_checks(only="training_due")["training_due"]
    assert not result.get("failed")
    due = {a.target_id: a for a in active("training_due")}
    core = org.staff_core.person
    assert core.pk in due and due[core.pk].due_on == today - timedelta(days=340) + timedelta(days=365)
    assert due[core.pk].responsible_id == org.staff_core.pk and due[core.pk].target_label == core.employee_number
    assert org.staff_important.person.pk not in due
    general = org.staff_general.person
    assert general.pk in due and due[general.pk].due_on == today - timedelta(days=3)  # due since taking the post
    assert org.head_res.person.pk not in due  # nothing on file: not tracked
    assert org.staff_none.person.pk not in due  # not secret-related
    assert org.departed.person.pk not in due  # left the post
    # trained now: resolved on the next run
    train(org, org.staff_core, days_ago=0)
    alert_services.run_checks(only="training_due")
    assert core.pk not in set(active("training_due").values_list("target_id", flat=True))


def test_disengagement_ending_due_and_not_yet_due(org, settings, today):
    settings.REGISTRY = {**settings.REGISTRY, "DISENGAGEMENT_ENDING_DAYS": 30}
    services.record_departure(actor=org.secretary, person=org.staff_general.person)
    services.record_departure(actor=org.secretary, person=org.staff_important.person)
    soon = Departure.objects.get(person__user=org.staff_general)
    later = Departure.objects.get(person__user=org.staff_important)
    Departure.objects.filter(pk=soon.pk).update(disengagement_ends_on=today + timedelta(days=30))
    Departure.objects.filter(pk=later.pk).update(disengagement_ends_on=today + timedelta(days=31))
    result = alert_services.run_checks(only="disengagement_ending")["disengagement_ending"]
    assert result == {"created": 1, "resolved": 0}
    alert = active("disengagement_ending").get()
    assert (alert.target_id, alert.due_on, alert.unit_id) == (soon.pk, today + timedelta(days=30), org.unit.pk)
    assert set(alert.recipients.values_list("username", flat=True)) >= {"secretary", "clerk"}
    # ended and recorded as ended: resolved
    Departure.objects.filter(pk=soon.pk).update(disengagement_ends_on=today - timedelta(days=1))
    services.end_disengagement(actor=org.secretary, departure_id=soon.pk, password=PASSWORD)
    assert alert_services.run_checks(only="disengagement_ending")["disengagement_ending"] == {"created": 0,
                                                                                                "resolved": 1}
