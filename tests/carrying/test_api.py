"""/api/v1/carry-out-requests/: create, list, retrieve, check-out, accept, check-in and its
acceptance; refusals with their reasons (400/403/404/409), never 500, nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.selectors import verify_chain
from carriers.carrying.models import CarryOutRequest
from carriers.models import Carrier

from .conftest import approve_all

URL = "/api/v1/carry-out-requests/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(carriers, **extra):
    data = {"carriers": [c.pk for c in carriers], "purpose": "赴外单位汇报", "destination": "上海某所",
            "scope": "domestic", "protective_measures": "密码箱，专人专车", "briefed": True,
            "expected_return": (timezone.localdate() + timedelta(days=2)).isoformat()}
    data.update(extra)
    return data


def test_the_whole_round_trip_over_the_api(org, out):
    staff, office = client_for(org.staff_core), client_for(org.secretary)
    resp = staff.post(URL, body(out[:2], scope="abroad"), format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["status"] == "submitted" and data["approval"]["kind"] == "carrying_abroad"
    assert data["carrier_count"] == 2 and data["level"] == "SECRET" and data["number"] == f"CO-{data['id']}"
    pk = data["id"]
    # abroad without its approval: refused with the reason, nothing changes
    resp = office.post(f"{URL}{pk}/check-out/", {"declared_count": 2, "password": org.password}, format="json")
    assert resp.status_code == 403 and "abroad" in resp.json()["detail"]
    approve_all(org, CarryOutRequest.objects.get(pk=pk))
    resp = office.post(f"{URL}{pk}/check-out/", {"declared_count": 2, "password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "checking_out" and resp.json()["check_out"]["giver_signature"]["printed_name"] == "secretary-name"
    resp = staff.post(f"{URL}{pk}/accept/", {"counted_count": 2, "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "carried_out"
    assert {c["status"] for c in resp.json()["carriers"]} == {"carried_out"}
    resp = staff.post(f"{URL}{pk}/check-in/", {"declared_count": 2, "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "checking_in"
    resp = office.post(f"{URL}{pk}/check-in/accept/",
                       {"counted_count": 2, "container": org.cabinet.pk, "password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "returned" and data["check_in"]["taker_signature"]["meaning"] == "received"
    assert Carrier.objects.get(pk=out[0].pk).holder == org.secretary
    assert [r["id"] for r in staff.get(URL).json()["results"]] == [pk]
    assert staff.get(f"{URL}?status=returned").json()["count"] == 1
    assert staff.get(f"{URL}?status=nonsense").status_code == 400
    assert verify_chain().ok


@pytest.mark.parametrize("change,status", [
    (dict(carrier_person="staff_general"), 400),  # not among the people offered: does not exist
    (dict(briefed=False), 400),
    (dict(expected_return="2000-01-01"), 400),
    (dict(scope="moon"), 400),
    (dict(protective_measures=""), 400),
    (dict(carriers=[]), 400),
    (dict(carriers=[2**63]), 400),
    (dict(unknown="x"), 400),
    (dict(purpose="a\x00b"), 400),
])
def test_bad_input_is_refused_with_nothing_written(org, out, audit_count, change, status):
    data = body(out[:1])
    data.update(change)
    if "carrier_person" in change:
        data["carrier_person"] = org.departed.pk
    before = audit_count()
    resp = client_for(org.staff_core).post(URL, data, format="json")
    assert resp.status_code == status, resp.content
    assert audit_count() == before and not CarryOutRequest.objects.exists()


def test_clearance_and_scope_of_the_person_carrying(org, out, audit_count):
    before = audit_count()
    resp = client_for(org.secretary).post(URL, body(out[:1], carrier_person=org.head_gen.pk), format="json")
    assert resp.status_code == 403 and "distribution scope" in resp.json()["detail"]
    resp = client_for(org.secretary).post(URL, body(out[:1], carrier_person=org.staff_general.pk), format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "person_clearance"
    assert audit_count() == before


def test_others_get_404_and_the_wrong_person_403(org, out, audit_count):
    pk = client_for(org.staff_core).post(URL, body(out[:1]), format="json").json()["id"]
    for user in (org.staff_general, org.other_secretary):
        client = client_for(user)
        assert client.get(f"{URL}{pk}/").status_code == 404
        assert client.post(f"{URL}{pk}/check-out/", {"declared_count": 1, "password": org.password},
                           format="json").status_code == 404
    approve_all(org, CarryOutRequest.objects.get(pk=pk))
    client_for(org.secretary).post(f"{URL}{pk}/check-out/", {"declared_count": 1, "password": org.password},
                                   format="json")
    before = audit_count()
    resp = client_for(org.secretary).post(f"{URL}{pk}/accept/", {"counted_count": 1, "password": org.password},
                                          format="json")
    assert resp.status_code == 403
    resp = client_for(org.staff_core).post(f"{URL}{pk}/accept/", {"counted_count": 1, "password": "wrong"},
                                           format="json")
    assert resp.status_code == 400 and "password" in resp.json()
    resp = client_for(org.staff_core).post(f"{URL}{pk}/check-in/", {"declared_count": 1, "password": org.password},
                                           format="json")
    assert resp.status_code == 409
    assert audit_count() == before
    assert client_for(org.staff_core).get(f"{URL}999999/").status_code == 404
    assert client_for(org.staff_core).get(f"{URL}abc/").status_code == 404


def test_idempotent_create(org, out):
    client = client_for(org.staff_core)
    first = client.post(URL, body(out[:1]), format="json", HTTP_IDEMPOTENCY_KEY="co-1")
    again = client.post(URL, body(out[:1]), format="json", HTTP_IDEMPOTENCY_KEY="co-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert CarryOutRequest.objects.count() == 1
