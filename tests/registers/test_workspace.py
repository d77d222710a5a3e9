"""The auditor's workspace: the trail filtered by actor, action, carrier and time; a carrier's full
history; a signature with what it signed and whether it holds; verify the chain in the
background, which after tampering shows BROKEN at the sequence number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Signature
from common.levels import Level
from registers import services
from registers.models import ChainVerification, JobStatus
from tests.factories import register

from .test_exports import api_as


@pytest.fixture
def tamper():
    """SQL against the audit table with its append-only triggers off, inside this test's
    transaction only (as tests/audit/test_chain.py does)."""

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_change")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_truncate")

    return run


@pytest.fixture
def trail(org):
    first = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="甲文件")
    second = register(org.clerk, container=org.cabinet, level=Level.CONFIDENTIAL, title="乙文件")
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密文件")
    return first, second, top


def test_api_filters_actor_action_carrier_and_time(org, trail):
    first, second, _top = trail
    client = api_as(org.auditor)
    url = reverse("api:audit-event-list")

    def seqs(**params):
        body = client.get(url, params).json()
        return [event["seq"] for event in body["results"]]

    by_clerk = seqs(actor=org.clerk.pk)
    assert by_clerk and all(AuditEvent.objects.get(seq=s).actor_id == org.clerk.pk for s in by_clerk)
    registered = seqs(action="carrier.registered")
    assert len(registered) == 3
    about_first = seqs(carrier=first.registry_number)
    assert about_first and all(
        AuditEvent.objects.get(seq=s).target_id == str(first.pk) for s in about_first)
    assert seqs(carrier=str(first.pk)) == about_first
    today = timezone.localdate()
    assert len(seqs(since=today.isoformat(), until=today.isoformat())) >= 3
    assert seqs(until=(today - timedelta(days=1)).isoformat()) == []
    assert client.get(url, {"since": "yesterday"}).status_code == 400
    assert seqs(carrier="NO-SUCH-NUMBER") == []
    nul = client.get(url, {"carrier": "U-\x00-1"})
    assert nul.status_code == 400 or nul.json()["results"] == []
    assert client.get(reverse("api:audit-carrier-history", kwargs={"carrier_id": 2**63})).status_code == 404


def test_trail_page_filters_and_links(client, org, trail):
    first, _second, _top = trail
    client.force_login(org.auditor)
    page = client.get(reverse("audit:events"), {"carrier": first.registry_number})
    html = page.content.decode()
    assert page.status_code == 200 and first.registry_number in html and "乙文件" not in html
    assert reverse("audit:carrier-history", kwargs={"carrier_id": first.pk}) in html
    signature = Signature.objects.get(target_type="carriers.carrier", target_id=str(first.pk))
    assert reverse("audit:signature", kwargs={"pk": signature.pk}) in html
    assert client.get(reverse("audit:events"), {"since": "not-a-date"}).status_code == 400


def test_carrier_history_page_and_api(client, org, trail):
    first, _second, top = trail
    from carriers import services as carrier_services

    carrier_services.transition(carrier=first, to_status="lost", actor=org.secretary, reason="test: reported lost")
    client.force_login(org.auditor)
    page = client.get(reverse("audit:carrier-history", kwargs={"carrier_id": first.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "甲文件" in html and "乙文件" not in html
    actions = [e["action"] for e in api_as(org.auditor).get(
        reverse("api:audit-carrier-history", kwargs={"carrier_id": first.pk})).json()]
    assert actions[0] == "carrier.registered" and "carrier.status_changed" in actions
    # a carrier the reader may not see (top secret, cleared to Secret: the clerk) is as missing as none
    client.force_login(org.clerk)
    assert client.get(reverse("audit:carrier-history", kwargs={"carrier_id": top.pk})).status_code == 404
    assert api_as(org.clerk).get(reverse("api:audit-carrier-history", kwargs={"carrier_id": top.pk})).status_code == 404
    client.force_login(org.staff_core)
    assert client.get(reverse("audit:carrier-history", kwargs={"carrier_id": first.pk})).status_code == 403


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_signature_check_holds_then_not_after_tampering(client, org, trail, tamper):
    first, _second, _top = trail
    signature = Signature.objects.get(target_type="carriers.carrier", target_id=str(first.pk))
    client.force_login(org.auditor)
    url = reverse("audit:signature", kwargs={"pk": signature.pk})
    html = client.get(url).content.decode()
    assert "The signature holds" in html and first.registry_number in html and signature.content_hash in html
    api = api_as(org.auditor).get(reverse("api:audit-signature", kwargs={"pk": signature.pk})).json()
    assert api["holds"] is True and api["event_seq"] == signature.event.seq and api["problems"] == []
    tamper("UPDATE audit_auditevent SET actor_name = 'forged' WHERE seq = %s", [signature.event.seq])
    html = client.get(url).content.decode()
    assert "does not hold" in html and "altered" in html
    api = api_as(org.auditor).get(reverse("api:audit-signature", kwargs={"pk": signature.pk})).json()
    assert api["holds"] is False and api["problems"]
    assert client.get(reverse("audit:signature", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_verify_the_chain_in_the_background_shows_broken_at_n(client, org, trail, tamper, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    started = []
    monkeypatch.setattr(services, "_start_in_background", lambda name, fn, **kw: started.append((name, kw)))
    client.force_login(org.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verification-start"))
    job = ChainVerification.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audit:verification", kwargs={"pk": job.pk})
    assert started == [("registers.tasks.verify_chain_in_background", {"verification_id": job.pk})]
    page = client.get(response["Location"]).content.decode()
    assert reverse("audit:verification-status", kwargs={"pk": job.pk}) in page and "<progress" in page
    services.run_chain_verification(verification_id=job.pk)
    job.refresh_from_db()
    head = AuditEvent.objects.order_by("-seq").exclude(action="audit.chain_verified").first()
    from audit.models import ChainLink

    # the chain's head is the event's link (decision 0022)
    assert job.status == JobStatus.DONE and job.ok is True and job.head == ChainLink.objects.get(event_id=head.seq).hash
    page = client.get(reverse("audit:verification", kwargs={"pk": job.pk})).content.decode()
    assert "OK" in page and job.head in page
    assert AuditEvent.objects.filter(action="audit.chain_verified", details__verification=job.pk).exists()

    tamper("UPDATE audit_auditevent SET target_label = 'forged' WHERE seq = 4")
    response = api_as(org.auditor).post(reverse("api:audit-verification-list"))
    assert response.status_code == 202
    broken_id = response.json()["id"]
    services.run_chain_verification(verification_id=broken_id)
    body = api_as(org.auditor).get(reverse("api:audit-verification-detail", kwargs={"pk": broken_id})).json()
    assert body["status"] == "done" and body["ok"] is False and body["broken_seq"] == 4 and body["count"] == 3
    page = client.get(reverse("audit:verification", kwargs={"pk": broken_id})).content.decode()
    assert "BROKEN at 4" in page and body["head"] in page
    status = client.get(reverse("audit:verification-status", kwargs={"pk": broken_id})).json()
    assert status["finished"] and status["broken_seq"] == 4
    # someone else's verification: 404
    assert api_as(org.secretary).get(reverse("api:audit-verification-detail", kwargs={"pk": broken_id})).status_code == 404
    client.force_login(org.staff_core)
    assert client.post(reverse("audit:verification-start")).status_code == 403
