"""R13: anyone reports a leak, loss or violation (their own or someone else's, also anonymously);
remedial measures and the report upward are recorded; the secrecy office tracks it to closure;
reporting and each step are audited and alerted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from audit.models import AuditEvent, Signature
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from incidents import services
from incidents.models import Incident, IncidentStep
from tests.factories import PASSWORD, audit_count_but_security, register

URL = "/api/v1/incidents/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def counts():
    return Incident.objects.count(), IncidentStep.objects.count(), audit_count_but_security(), Alert.objects.count()


@pytest.fixture
def carrier(org):
    return register(org.secretary, container=org.safe, level=Level.SECRET, title="会议纪要")


def test_anyone_reports_and_the_secrecy_office_is_alerted_at_once(org, carrier):
    response = api(org.staff_core).post(URL, {
        "kind": "loss", "summary": "Left on the train", "carriers": [],
        "last_seen": "Tuesday, meeting room 3",
    }, format="json")
    # a loss names what was lost
    assert response.status_code == 400 and "carriers" in response.json()
    response = api(org.staff_core).post(URL, {
        "kind": "violation", "summary": "A colleague photographed a classified page", "concerns": org.staff_general.pk,
        "remedial_measures": "Asked them to delete it in front of me",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("INC-U-") and body["status"] == "reported"
    assert body["reporter"]["id"] == org.staff_core.pk and body["concerns"]["id"] == org.staff_general.pk
    incident = Incident.objects.get(pk=body["id"])
    alert = Alert.objects.get(kind="incident_open", target_id=incident.pk)
    assert alert.status == "open" and alert.severity == "critical" and alert.unit_id == incident.unit_id
    assert set(alert.recipients.values_list("pk", flat=True)) >= {org.secretary.pk, org.clerk.pk}
    event = AuditEvent.objects.filter(action="incident.reported").latest("seq")
    assert event.actor_id == org.staff_core.pk and event.details["concerns"] == org.staff_general.pk
    # the reporter and the unit's office see it; another unit and other staff do not
    assert api(org.secretary).get(f"{URL}{incident.pk}/").status_code == 200
    assert api(org.auditor).get(f"{URL}{incident.pk}/").status_code == 200
    assert api(org.staff_core).get(f"{URL}{incident.pk}/").status_code == 200
    assert api(org.staff_general).get(f"{URL}{incident.pk}/").status_code == 404
    assert api(org.other_secretary).get(f"{URL}{incident.pk}/").status_code == 404


def test_a_lost_carrier_records_who_held_it_and_its_level(org, carrier):
    response = api(org.secretary).post(URL, {"kind": "loss", "summary": "Not in the safe at the check",
                                             "carriers": [carrier.pk], "last_seen": "2026-11-20, safe S1"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["carriers"] == [carrier.registry_number] and body["level"] == "SECRET"
    assert body["last_holder"]["id"] == org.secretary.pk


def test_anonymous_reports_name_nobody_anywhere(org):
    response = api(org.staff_general).post(URL, {"kind": "leak", "summary": "Heard a plan discussed on the phone",
                                                 "anonymous": True}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "number", "anonymous"}
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.reporter_id is None and incident.anonymous
    event = AuditEvent.objects.filter(action="incident.reported").latest("seq")
    assert event.actor_id is None and event.details["anonymous"] is True
    # the secrecy office sees it without a name; the reporter cannot find it again
    assert api(org.secretary).get(f"{URL}{incident.pk}/").json()["reporter"] is None
    assert api(org.staff_general).get(f"{URL}{incident.pk}/").status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"kind": "fire", "summary": "x"}, "kind"),
    ({"kind": "leak", "summary": "  "}, "summary"),
    ({"kind": "leak", "summary": "x", "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ({"kind": "leak", "summary": "x", "carriers": [999999999]}, "carriers"),
    ({"kind": "leak", "summary": "x", "carriers": ["abc"]}, "carriers"),
    ({"kind": "leak", "summary": "x", "surprise": 1}, "surprise"),
])
def test_bad_reports_are_refused_and_change_nothing(org, payload, field):
    before = counts()
    response = api(org.staff_core).post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert counts() == before


def test_a_carrier_the_reporter_may_not_see_is_not_found(org):
    secret_of_x = register(org.other_secretary, container=org.other_safe, level=Level.SECRET)
    before = counts()
    response = api(org.staff_core).post(URL, {"kind": "loss", "summary": "x", "carriers": [secret_of_x.pk]},
                                        format="json")
    assert response.status_code == 400 and "carriers" in response.json()
    assert counts() == before


def test_tracked_to_closure_by_the_secrecy_office_only(org, carrier):
    carrier.scope_departments.add(org.res)  # the reporter may open the carrier they report (or not see the incident)
    incident = services.report_incident(actor=org.staff_core, kind="loss", summary="Lost", carriers=[carrier])
    url = f"{URL}{incident.pk}/"
    # the reporter may read it but not handle it; other units do not see it at all
    before = counts()
    assert api(org.staff_core).post(url + "steps/", {"kind": "note", "text": "x"}, format="json").status_code == 403
    assert api(org.other_secretary).post(url + "steps/", {"kind": "note", "text": "x"}, format="json").status_code == 404
    # closing before the remedy and the report upward are on record is refused
    response = api(org.secretary).post(url + "close/", {"conclusion": "Done", "password": PASSWORD}, format="json")
    assert response.status_code == 400 and "remedial measures" in str(response.json())
    assert counts() == before
    assert api(org.secretary).post(url + "steps/", {"kind": "remedy", "text": "Searched the office; changed the safe code"},
                                   format="json").status_code == 200
    response = api(org.secretary).post(url + "close/", {"conclusion": "Done", "password": PASSWORD}, format="json")
    assert response.status_code == 400 and "reported to" in str(response.json())
    body = api(org.secretary).post(url + "steps/", {"kind": "report", "text": "City secrecy bureau, by phone"},
                                   format="json").json()
    assert body["status"] == "in_hand" and body["reported_to"] == "City secrecy bureau, by phone"
    assert [s["kind"] for s in body["steps"]] == ["remedy", "report"]
    closing = {"conclusion": "Carrier not found; holder disciplined"}
    for unsigned in (closing, {**closing, "password": "not-the-password"}):  # issue 17: closing is signed
        before = counts()
        response = api(org.secretary).post(url + "close/", unsigned, format="json")
        assert response.status_code == 400 and "password" in response.json(), response.content
        assert counts() == before and Incident.objects.get(pk=incident.pk).status == "in_hand"
    response = api(org.secretary).post(url + "close/", {**closing, "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert list(Signature.objects.filter(target_type="incidents.incident", target_id=str(incident.pk))
                .values_list("signer_id", "meaning")) == [(org.secretary.pk, "witnessed")]
    assert Alert.objects.get(kind="incident_open", target_id=incident.pk).status == "resolved"
    actions = list(AuditEvent.objects.filter(target_type="incidents.incident", target_id=str(incident.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["incident.reported", "incident.step_recorded", "incident.step_recorded", "signature.made",
                       "incident.closed"]
    # closed is closed
    before = counts()
    response = api(org.secretary).post(url + "steps/", {"kind": "note", "text": "late"}, format="json")
    assert response.status_code == 409
    assert counts() == before


def test_service_rules(org, carrier):
    with pytest.raises(ValidationFailed):
        services.report_incident(actor=org.staff_core, kind="leak", summary="x",
                                 occurred_at=timezone.now() + timedelta(hours=1))
    incident = services.report_incident(actor=None, kind="loss", summary="Missing at the inventory", carriers=[carrier],
                                        source="inventory:1")
    assert incident.unit_id == carrier.unit_id and incident.reporter_id is None and incident.source == "inventory:1"
    with pytest.raises(Refused):
        services.record_step(actor=org.auditor, incident_id=incident.pk, kind="note", text="x")
    services.record_step(actor=org.secretary, incident_id=incident.pk, kind="remedy", text="Searched")
    services.record_step(actor=org.secretary, incident_id=incident.pk, kind="report", text="Bureau")
    services.close_incident(actor=org.secretary, incident_id=incident.pk, conclusion="Closed", password=PASSWORD)
    with pytest.raises(Conflict):
        services.close_incident(actor=org.secretary, incident_id=incident.pk, conclusion="Again", password=PASSWORD)


def test_report_page_and_detail(client, org, carrier):
    client.force_login(org.staff_core)
    assert client.get("/incidents/report/").status_code == 200
    response = client.post("/incidents/report/", {"kind": "loss", "summary": "Lost", "carriers": "NOPE-1"})
    assert response.status_code == 400 and "NOPE-1" in response.content.decode()
    response = client.post("/incidents/report/", {"kind": "violation", "summary": "Seen a copy on a desk overnight"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    client.force_login(org.secretary)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert incident.number in page and "Close the incident" in page
    response = client.post(f"/incidents/{incident.pk}/close/", {"conclusion": "x", "password": PASSWORD})
    assert response.status_code == 400 and "remedial measures" in response.content.decode()
    client.force_login(org.other_secretary)
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404
