"""The API of holds: list (the office only), place (bad input 400 per field, nothing written), lift
with the password, and hold every carrier of a loss incident."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from carriers.holds.models import Hold
from incidents import services as incidents
from tests.factories import api_token

HOLDS = "/api/v1/holds/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_listing_and_reading_holds(org, held):
    body = api_as(org.secretary).get(HOLDS).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["number"] for r in rows] == [held.hold.number]
    assert rows[0]["carriers"] == sorted(c.registry_number for c in held.papers[:2])
    staff = api_as(org.staff_core)
    rows = staff.get(HOLDS).json()
    assert not (rows["results"] if isinstance(rows, dict) else rows)
    assert staff.get(f"{HOLDS}{held.hold.pk}/").status_code == 404


def test_placing_through_the_api(org, held, audit_count):
    client = api_as(org.secretary)
    before = (audit_count(), Hold.objects.count())
    for bad, field in (({"kind": "whim"}, "kind"), ({"reason": ""}, "reason"), ({"carriers": []}, "carriers"),
                       ({"carriers": [999999]}, "carriers"), ({"kind": "incident"}, "incident")):
        data = {"kind": "other", "reason": "核查", "carriers": [held.free.pk], **bad}
        resp = client.post(HOLDS, data, format="json")
        assert resp.status_code == 400 and field in str(resp.json()), (bad, resp.json())
    assert (audit_count(), Hold.objects.count()) == before
    assert api_as(org.staff_core).post(HOLDS, {"kind": "other", "reason": "x", "carriers": [held.free.pk]},
                                       format="json").status_code == 403
    resp = client.post(HOLDS, {"kind": "legal", "reason": "证据保全", "carriers": [held.free.pk]}, format="json")
    assert resp.status_code == 201 and resp.json()["carriers"] == [held.free.registry_number]


def test_lifting_and_holding_an_incidents_carriers_through_the_api(org, held):
    client = api_as(org.clerk)
    resp = client.post(f"{HOLDS}{held.hold.pk}/lift/", {"reason": "核查完毕", "password": "wrong"}, format="json")
    assert resp.status_code == 400 and Hold.objects.get(pk=held.hold.pk).is_active
    resp = client.post(f"{HOLDS}{held.hold.pk}/lift/", {"reason": "核查完毕", "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["lifted_at"]
    assert client.post(f"{HOLDS}{held.hold.pk}/lift/", {"reason": "x", "password": org.password},
                       format="json").status_code == 409
    loss = incidents.report_incident(actor=org.staff_core, kind="loss", summary="遗失", carriers=[held.free])
    resp = client.post(f"{HOLDS}from-incident/", {"incident": loss.pk, "reason": "遗失调查"}, format="json")
    assert resp.status_code == 201 and resp.json()["incident"] == loss.number
    assert api_as(org.other_secretary).post(f"{HOLDS}from-incident/", {"incident": loss.pk, "reason": "x"},
                                            format="json").status_code == 404


def test_the_list_reads_the_carriers_of_a_page_of_holds_at_once(org, held):
    """A list never does a query per row: a second and third hold cost no more queries."""
    from .conftest import place

    client = APIClient()
    client.force_authenticate(org.secretary)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/holds/").status_code == 200
    place(org, [held.free], reason="第二次")
    place(org, held.papers[:1], reason="第三次")
    with CaptureQueriesContext(connection) as three:
        answer = client.get("/api/v1/holds/")
    assert answer.status_code == 200 and answer.json()["count"] == 3
    assert len(three.captured_queries) == len(one.captured_queries)
