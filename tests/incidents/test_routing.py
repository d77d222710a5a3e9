"""Issue 19, item 8: a report that names a member of the secrecy office as involved (the person
concerned, or the holder the reporter names) is hidden from that member and routed to the head of
the unit, who handles it; the rest of the office still reads it but no longer handles it. A report
naming anyone else stays with the secrecy office."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from alerts.models import Alert
from audit.models import AuditEvent
from common import access
from common.errors import Refused
from common.levels import Level
from incidents import services
from incidents.models import Incident
from tests.factories import PASSWORD, register

URL = "/api/v1/incidents/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def naming_clerk(org):
    """A staff member reports the clerk of the secrecy office taking classified files home."""
    response = api(org.staff_core).post(URL, {
        "kind": "violation", "summary": "The clerk took classified files home", "concerns": org.clerk.pk,
    }, format="json")
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"]), None


def test_hidden_from_the_member_it_names(org, naming_clerk):
    incident, carrier = naming_clerk
    assert incident.routed_to_head and list(incident.hidden_from.all()) == [org.clerk]
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and incident.number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{incident.pk}/").status_code == 404
    assert page(org.clerk).get(f"/incidents/{incident.pk}/").status_code == 404
    assert incident.number not in page(org.clerk).get("/incidents/?status=").content.decode()
    # nor its alert, nor its audit events
    alert = Alert.objects.get(kind="incident_open", target_id=incident.pk)
    assert not access.restrict(Alert.objects.filter(pk=alert.pk), org.clerk).exists()
    events = AuditEvent.objects.filter(target_type="incidents.incident", target_id=str(incident.pk))
    assert events.exists() and not access.restrict(events, org.clerk).exists()
    # writing to it: as if it did not exist
    assert api(org.clerk).post(f"{URL}{incident.pk}/steps/", {"kind": "note", "text": "x"},
                               format="json").status_code == 404


def test_routed_to_the_head_of_the_unit_who_handles_it(org, naming_clerk):
    incident, _carrier = naming_clerk
    alert = Alert.objects.get(kind="incident_open", target_id=incident.pk)
    told = set(alert.recipients.values_list("pk", flat=True))
    assert org.unit_head.pk in told and org.clerk.pk not in told and org.secretary.pk not in told
    assert access.restrict(Alert.objects.filter(pk=alert.pk), org.unit_head).exists()
    # the head sees it on the list and on its page, and handles it
    assert incident.number in api(org.unit_head).get(URL).content.decode()
    html = page(org.unit_head).get(f"/incidents/{incident.pk}/")
    assert html.status_code == 200 and html.context["may_handle"] is True
    assert "The head of the unit" in html.content.decode()
    url = f"{URL}{incident.pk}/"
    assert api(org.unit_head).post(url + "steps/", {"kind": "remedy", "text": "File recovered"},
                                   format="json").status_code == 200
    assert api(org.unit_head).post(url + "steps/", {"kind": "report", "text": "Municipal secrecy bureau"},
                                   format="json").status_code == 200
    assert api(org.unit_head).post(url + "close/", {"conclusion": "Warning given", "password": PASSWORD}, format="json").status_code == 200
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_by == org.unit_head


def test_the_rest_of_the_office_reads_but_does_not_handle_it(org, naming_clerk, audit_count):
    incident, _carrier = naming_clerk
    assert api(org.secretary).get(f"{URL}{incident.pk}/").status_code == 200
    assert page(org.secretary).get(f"/incidents/{incident.pk}/").context["may_handle"] is False
    before = audit_count()
    response = api(org.secretary).post(f"{URL}{incident.pk}/steps/", {"kind": "note", "text": "x"}, format="json")
    assert response.status_code == 403
    assert "head of the unit" in response.content.decode()
    assert audit_count() == before and incident.steps.count() == 0
    with pytest.raises(Refused):
        services.close_incident(actor=org.secretary, incident_id=incident.pk, conclusion="x")


def test_a_report_naming_someone_else_stays_with_the_secrecy_office(org):
    incident = services.report_incident(actor=org.staff_core, kind="violation", summary="Photographed a page",
                                        concerns=org.staff_general)
    assert not incident.routed_to_head and not incident.hidden_from.exists()
    assert not access.restrict(Incident.objects.filter(pk=incident.pk), org.unit_head).exists()
    told = set(Alert.objects.get(kind="incident_open", target_id=incident.pk).recipients.values_list("pk", flat=True))
    assert {org.secretary.pk, org.clerk.pk} <= told and org.unit_head.pk not in told


def test_an_office_member_who_reports_their_own_act_no_longer_sees_it(org):
    incident = services.report_incident(actor=org.secretary, kind="violation", summary="I left the safe open",
                                        concerns=org.secretary)
    assert incident.routed_to_head
    assert not access.restrict(Incident.objects.filter(pk=incident.pk), org.secretary).exists()
    assert access.restrict(Incident.objects.filter(pk=incident.pk), org.clerk).exists()
    assert access.restrict(Incident.objects.filter(pk=incident.pk), org.unit_head).exists()


def test_naming_the_holder_from_the_office_routes_it_too(org):
    carrier = register(org.secretary, container=org.safe, level=Level.SECRET, title="遗失件")
    incident = services.report_incident(actor=None, kind="loss", summary="Missing at the inventory",
                                        carriers=[carrier], last_holder=org.clerk, source="inventory")
    assert incident.routed_to_head and list(incident.hidden_from.all()) == [org.clerk]
    # the carrier's holder filled in by the registry (nobody named them) routes nothing
    plain = services.report_incident(actor=org.staff_core, kind="loss", summary="Not found", carriers=[carrier])
    assert plain.last_holder == org.secretary and not plain.routed_to_head


def test_the_head_needs_the_clearance_for_its_carriers(org):
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密件")
    org.unit_head.person.secrecy_post = "important"  # cleared for Secret
    org.unit_head.person.save(update_fields=["secrecy_post"])
    incident = services.report_incident(actor=org.staff_core, kind="loss", summary="Missing", carriers=[carrier],
                                        concerns=org.clerk)
    assert incident.routed_to_head
    assert not access.restrict(Incident.objects.filter(pk=incident.pk), org.unit_head).exists()


def test_a_hold_for_it_does_not_name_it_to_the_member_it_hides_from(org, naming_clerk):
    from carriers.holds import services as holds

    incident, _ = naming_clerk
    paper = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="held for an incident")
    hold = holds.place_hold(actor=org.secretary, carriers=[paper], kind="incident", reason="while it is handled",
                            incident_id=incident.pk)
    # the office member who may see it reads its number; the one it is hidden from sees the hold only
    assert api(org.secretary).get(f"/api/v1/holds/{hold.pk}/").json()["incident"] == incident.number
    answer = api(org.clerk).get(f"/api/v1/holds/{hold.pk}/")
    assert answer.status_code == 200 and answer.json()["incident"] is None
    for path in ("/api/v1/holds/", "/holds/", f"/holds/{hold.pk}/"):
        client = api(org.clerk) if path.startswith("/api/") else page(org.clerk)
        response = client.get(path)
        assert response.status_code == 200, path
        assert incident.number not in response.content.decode(), path
    assert incident.number in page(org.secretary).get(f"/holds/{hold.pk}/").content.decode()
