"""Each check: a due and a not-yet-due case; idempotent runs; cleared conditions resolve."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import services
from alerts.checks import REGISTRY
from alerts.models import Alert
from carriers.models import Carrier
from common.errors import ValidationFailed
from common.levels import Level


def active(kind):
    return Alert.objects.filter(kind=kind, status__in=["open", "acknowledged"])


def test_every_kind_runs_on_an_empty_registry(org, run):
    results = run()
    assert set(results) == set(REGISTRY)
    assert all(r.get("created", 0) == 0 and not r.get("failed") for r in results.values())


def test_secrecy_expiring_within_the_window(org, carriers, expire, today, run, settings):
    settings.REGISTRY = {**settings.REGISTRY, "SECRECY_EXPIRY_WINDOW_DAYS": 30}
    due = expire(carriers[0], today + timedelta(days=30))
    expire(carriers[1], today + timedelta(days=31))  # not yet within the window
    expire(carriers[2], today - timedelta(days=1))  # ended: another kind
    assert run("secrecy_expiring") == {"secrecy_expiring": {"created": 1, "resolved": 0}}
    alert = active("secrecy_expiring").get()
    assert (alert.target_id, alert.target_label, alert.due_on) == (due.pk, due.registry_number, due.expires_on)
    assert (alert.unit_id, alert.responsible_id, alert.level, alert.severity) == (org.unit.pk, org.secretary.pk,
                                                                                  Level.SECRET, "info")


def test_secrecy_ended_not_for_declassified_or_destroyed(org, carriers, expire, today, run):
    expire(carriers[0], today - timedelta(days=1))
    expire(carriers[1], today)  # ends today: still within its period
    gone = expire(carriers[2], today - timedelta(days=5))
    from carriers.services import transition

    transition(carrier=gone, to_status="declassified", actor=org.secretary, reason="period ended")
    assert run("secrecy_ended")["secrecy_ended"]["created"] == 1
    assert list(active("secrecy_ended").values_list("target_id", flat=True)) == [carriers[0].pk]


def test_running_twice_creates_nothing_twice(org, ended, run):
    assert run()["secrecy_ended"] == {"created": 1, "resolved": 0}
    first = active("secrecy_ended").get()
    assert run()["secrecy_ended"] == {"created": 0, "resolved": 0}
    again = active("secrecy_ended").get()
    assert again.pk == first.pk and again.last_seen_at > first.last_seen_at


def test_the_database_refuses_a_second_active_alert(org, ended, run):
    from django.db import IntegrityError, transaction

    run("secrecy_ended")
    alert = active("secrecy_ended").get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind=alert.kind, target_type=alert.target_type, target_id=alert.target_id,
                             target_label="x", opened_at=timezone.now(), last_seen_at=timezone.now())


def test_cleared_condition_is_resolved_on_the_next_run(org, ended, expire, today, run):
    run("secrecy_ended")
    expire(ended, today + timedelta(days=3650))  # period extended
    assert run("secrecy_ended")["secrecy_ended"] == {"created": 0, "resolved": 1}
    alert = Alert.objects.get(kind="secrecy_ended")
    assert alert.status == "resolved" and alert.resolved_at and alert.resolution_reason
    # arising again later opens a new alert (the resolved one leaves the constraint)
    expire(ended, today - timedelta(days=1))
    assert run("secrecy_ended")["secrecy_ended"]["created"] == 1
    assert Alert.objects.filter(kind="secrecy_ended").count() == 2


def test_resolve_for_target_at_once(org, ended, run):
    run("secrecy_ended")
    assert services.resolve_for_target(kind="secrecy_ended", target=ended, reason="declassified") == 1
    assert Alert.objects.get().status == "resolved"


def test_dispatch_not_received_after_n_days(org, carriers, run, settings):
    from carriers.transmission.models import Dispatch
    from tests.transmission.helpers import send

    settings.REGISTRY = {**settings.REGISTRY, "DISPATCH_MAX_DAYS": 7}
    for c in carriers[:2]:
        c.scope_units.add(org.other_unit)
    old = send(org, [carriers[0]])
    send(org, [carriers[1]])  # dispatched today: not yet due
    Dispatch.objects.filter(pk=old.pk).update(dispatched_at=timezone.now() - timedelta(days=8))
    assert run("dispatch_not_received")["dispatch_not_received"]["created"] == 1
    alert = active("dispatch_not_received").get()
    assert (alert.target_id, alert.target_label, alert.responsible_id) == (old.pk, old.number, org.other_secretary.pk)
    assert list(alert.recipients.values_list("pk", flat=True)) == [org.secretary.pk]


def test_discrepancy_unresolved(org, carriers, run):
    from carriers.transmission.models import DispatchDiscrepancy
    from tests.transmission.helpers import send

    carriers[0].scope_units.add(org.other_unit)
    dispatch = send(org, [carriers[0]])
    open_one = DispatchDiscrepancy.objects.create(dispatch=dispatch, kind="count", expected_count=1, counted_count=0,
                                                  recorded_by=org.other_secretary, recorded_at=timezone.now())
    DispatchDiscrepancy.objects.create(dispatch=dispatch, kind="unexpected", recorded_by=org.other_secretary,
                                       recorded_at=timezone.now(), resolution="returned",
                                       resolved_by=org.other_secretary, resolved_at=timezone.now())
    assert run("discrepancy_unresolved")["discrepancy_unresolved"]["created"] == 1
    alert = active("discrepancy_unresolved").get()
    assert alert.target_id == open_one.pk and alert.unit_id == org.other_unit.pk
    assert dispatch.number in alert.target_label


def test_approval_step_waiting_longer_than_n_days(org, run, settings):
    from approvals.models import ApprovalRequest, RequestStep

    settings.REGISTRY = {**settings.REGISTRY, "APPROVAL_STEP_MAX_DAYS": 3}

    def step(days):
        request = ApprovalRequest.objects.create(
            kind="copying", requester=org.staff_core, unit=org.unit, department=org.res, level=Level.SECRET,
            title="复制申请标题", purpose="p", status=ApprovalRequest.Status.IN_REVIEW, submitted_at=timezone.now(),
        )
        return RequestStep.objects.create(request=request, order=1, approver_role="department_head",
                                          approver_unit=org.res, status="open",
                                          opened_at=timezone.now() - timedelta(days=days))

    late, _ = step(4), step(2)
    assert run("approval_step_waiting")["approval_step_waiting"]["created"] == 1
    alert = active("approval_step_waiting").get()
    assert alert.target_id == late.pk and alert.target_label == f"#{late.request_id} / 1"
    assert "复制" not in alert.target_label
    RequestStep.objects.filter(pk=late.pk).update(status="approved", closed_at=timezone.now())
    assert run("approval_step_waiting")["approval_step_waiting"]["resolved"] == 1


def test_intermediate_materials_use_the_production_selector(org, carriers, run, monkeypatch, today):
    from carriers.production import selectors as production

    calls = []

    def overdue(*, today, user=None):
        calls.append(today)
        return Carrier.objects.filter(pk=carriers[3].pk).annotate()

    monkeypatch.setattr(production, "intermediate_overdue", overdue)
    result = run("intermediate_overdue")["intermediate_overdue"]
    assert result["created"] == 1 and calls == [today]


def test_intermediate_materials_not_yet_due(org, carriers, run):
    # the real production selector: nothing is marked for destruction, nothing is due
    assert run("intermediate_overdue")["intermediate_overdue"] == {"created": 0, "resolved": 0}


def test_intermediate_check_skipped_without_the_production_stage(org, run, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "carriers.production.selectors", None)
    assert run("intermediate_overdue") == {"intermediate_overdue": {"skipped": True}}


def test_audit_chain_broken_raises_a_critical_alert_then_resolves(org, run, monkeypatch):
    from audit import selectors as audit_selectors
    from audit.selectors import ChainReport

    assert run("audit_chain_broken")["audit_chain_broken"]["created"] == 0  # the chain holds
    monkeypatch.setattr(audit_selectors, "verify_since_last_point", lambda: ChainReport(False, 4, "h", 5, "broken"))
    assert run("audit_chain_broken")["audit_chain_broken"]["created"] == 1
    alert = active("audit_chain_broken").get()
    assert alert.severity == "critical" and alert.unit_id is None and "5" in alert.target_label
    told = set(alert.recipients.values_list("username", flat=True))
    assert {"auditor", "secretary", "other_secretary"} <= told and "staff_core" not in told
    assert run("audit_chain_broken")["audit_chain_broken"]["created"] == 0
    monkeypatch.setattr(audit_selectors, "verify_since_last_point", lambda: ChainReport(True, 4, "h"))
    # the check never closes it itself: only an auditor's signed acknowledgement does
    assert run("audit_chain_broken")["audit_chain_broken"]["resolved"] == 0
    from alerts import services as alert_services
    from audit.models import Signature
    from common.errors import Refused, ValidationFailed
    from tests.factories import PASSWORD

    with pytest.raises(Refused):
        alert_services.acknowledge(actor=org.secretary, alert_id=alert.pk, password=PASSWORD)
    with pytest.raises(ValidationFailed):
        alert_services.acknowledge(actor=org.auditor, alert_id=alert.pk, comment="seen")
    assert active("audit_chain_broken").exists()
    alert_services.acknowledge(actor=org.auditor, alert_id=alert.pk, comment="restored from backup", password=PASSWORD)
    assert not active("audit_chain_broken").exists()
    assert Signature.objects.filter(target_type="alerts.alert", target_id=str(alert.pk), signer=org.auditor).exists()


def test_a_failing_check_is_logged_and_the_others_go_on(org, ended, run, monkeypatch, caplog):
    from alerts import checks

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(checks.REGISTRY, "secrecy_expiring", checks.REGISTRY["secrecy_expiring"].__class__(
        "secrecy_expiring", "x", "info", "carriers.carrier", boom))
    results = run()
    assert results["secrecy_expiring"] == {"failed": True}
    assert results["secrecy_ended"]["created"] == 1
    assert "secrecy_expiring failed" in caplog.text


def test_unknown_kind_is_refused(org, run):
    with pytest.raises(ValidationFailed):
        run("no_such_check")


def test_management_command(org, ended):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("run_checks", "--only", "secrecy_ended", stdout=out)
    assert "secrecy_ended: 1 created, 0 resolved" in out.getvalue()
    out = StringIO()
    call_command("run_checks", stdout=out)
    assert "secrecy_ended: 0 created, 0 resolved" in out.getvalue()


def test_one_query_set_per_check_whatever_the_number_of_due_carriers(org, carriers, expire, today, run,
                                                                    django_assert_max_num_queries):
    for c in carriers:
        expire(c, today - timedelta(days=2))
    with django_assert_max_num_queries(12):
        assert run("secrecy_ended")["secrecy_ended"]["created"] == 4


def test_digest_one_mail_per_person_registry_numbers_only(org, ended, run, mailoutbox):
    run("secrecy_ended")
    org.secretary.email = "sec@example.org"
    org.secretary.save()
    org.staff_core.email = "staff@example.org"  # sees nothing: no mail
    org.staff_core.save()
    assert services.send_daily_digest() == {"sent": 1}
    assert services.send_daily_digest() == {"sent": 0}  # delivered twice: mailed once
    [message] = mailoutbox
    assert message.to == ["sec@example.org"]
    assert "/" in message.subject and "1" in message.subject
    assert ended.registry_number in message.body
    assert "绝密标题" not in message.body and ended.title not in message.body


def test_a_broken_chain_alert_is_closed_in_the_page_only_by_the_auditor_signing(org, run, monkeypatch, client):
    """Issue 16, item 5, in the UI too: the alerts page asks the auditor for the password to sign;
    without it the alert stays open (400), with it the alert is resolved and the signature made."""
    from django.urls import reverse

    from audit import selectors as audit_selectors
    from audit.models import Signature
    from audit.selectors import ChainReport
    from tests.factories import PASSWORD

    monkeypatch.setattr(audit_selectors, "verify_since_last_point", lambda: ChainReport(False, 4, "h", 5, "broken"))
    run("audit_chain_broken")
    alert = active("audit_chain_broken").get()
    client.force_login(org.auditor)
    page = client.get(reverse("alerts:list")).content.decode()
    assert 'name="password"' in page and "Sign and close" in page
    url = reverse("alerts:acknowledge", args=[alert.pk])
    refused = client.post(url, {"comment": "seen"})
    assert refused.status_code == 400 and active("audit_chain_broken").exists()
    done = client.post(url, {"comment": "restored from backup", "password": PASSWORD})
    assert done.status_code == 302 and not active("audit_chain_broken").exists()
    assert Signature.objects.filter(target_type="alerts.alert", target_id=str(alert.pk), signer=org.auditor).exists()


def test_a_broken_chain_alert_is_closed_through_the_api_only_with_the_auditors_password(org, run, monkeypatch):
    from audit import selectors as audit_selectors
    from audit.selectors import ChainReport
    from tests.factories import PASSWORD
    from tests.registers.test_exports import api_as

    monkeypatch.setattr(audit_selectors, "verify_since_last_point", lambda: ChainReport(False, 4, "h", 5, "broken"))
    run("audit_chain_broken")
    alert = active("audit_chain_broken").get()
    url = f"/api/v1/alerts/{alert.pk}/acknowledge/"
    client = api_as(org.auditor)
    assert client.post(url, {"comment": "seen"}, format="json").status_code == 400
    assert active("audit_chain_broken").exists()
    done = client.post(url, {"comment": "restored", "password": PASSWORD}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "resolved" and not active("audit_chain_broken").exists()
