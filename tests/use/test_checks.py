"""The overdue-loan check: due and not yet due; the return (and an approved extension) resolve it
at once."""

from datetime import timedelta

from django.utils import timezone

from alerts import services as alerts
from alerts.models import Alert
from carriers.use import services
from carriers.use.models import Loan


def overdue(loan, days):
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=days))
    loan.refresh_from_db()
    return loan


def active():
    return Alert.objects.filter(kind="loan_overdue", status__in=["open", "acknowledged"])


def test_loan_overdue_due_and_not_yet_due(org, docs, flow):
    late = overdue(flow.on_loan(docs[0]), 1)
    flow.on_loan(docs[1])  # due in the future: not yet due
    today = flow.on_loan(docs[2])
    Loan.objects.filter(pk=today.pk).update(due_on=timezone.localdate())  # due today: still in time
    requested = flow.request(docs[0], org.staff_important)
    overdue(requested, 5)  # only asked for, never lent: nothing is out
    assert alerts.run_checks(only="loan_overdue")["loan_overdue"] == {"created": 1, "resolved": 0}
    alert = active().get()
    assert (alert.target_type, alert.target_id, alert.responsible_id) == ("use.loan", late.pk, org.staff_core.pk)
    assert docs[0].registry_number in alert.target_label and docs[0].title not in alert.target_label
    assert (alert.unit_id, alert.level, alert.due_on) == (org.unit.pk, docs[0].level, late.due_on)
    assert list(alert.recipients.values_list("pk", flat=True)) == [org.secretary.pk]
    # running again creates nothing twice
    assert alerts.run_checks(only="loan_overdue")["loan_overdue"] == {"created": 0, "resolved": 0}


def test_returned_but_not_taken_back_is_still_out(org, doc, flow):
    loan = flow.on_loan(doc)
    flow.give_back(loan)
    overdue(loan, 2)
    assert alerts.run_checks(only="loan_overdue")["loan_overdue"]["created"] == 1


def test_the_return_resolves_the_alert_at_once(org, doc, flow):
    loan = overdue(flow.on_loan(doc), 3)
    alerts.run_checks(only="loan_overdue")
    flow.give_back(loan)
    assert active().count() == 1  # still the borrower's until the lender signs
    flow.take_back(loan)
    alert = Alert.objects.get(kind="loan_overdue")
    assert alert.status == "resolved" and alert.resolution_reason == "returned"


def test_an_approved_extension_resolves_the_alert(org, doc, flow):
    from approvals import services as approvals

    loan = overdue(flow.on_loan(doc), 1)
    alerts.run_checks(only="loan_overdue")
    extension = services.request_extension(actor=org.staff_core, loan_id=loan.pk,
                                           due_on=timezone.localdate() + timedelta(days=3), reason="延期")
    approvals.decide(actor=org.head_res, request_id=extension.approval_id, outcome="approve", password=org.password)
    assert Alert.objects.get(kind="loan_overdue").status == "resolved"
    assert alerts.run_checks(only="loan_overdue")["loan_overdue"] == {"created": 0, "resolved": 0}
