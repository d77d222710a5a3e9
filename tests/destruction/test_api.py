"""The destruction API: /api/v1/destruction-requests/ (create, list, retrieve, execute, handover,
receive, certificate) and /api/v1/destruction-facilities/. Every refusal answers 400/403/404/409
with a readable reason and writes nothing; bad input never answers 500."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from carriers.destruction.models import (
    DestructionCertificate,
    DestructionFacility,
    DestructionRequest,
)
from carriers.models import Carrier
from tests.factories import api_token, audit_count_but_security

from .conftest import approve_all, submit

pytestmark = pytest.mark.django_db
REQUESTS = "/api/v1/destruction-requests/"
FACILITIES = "/api/v1/destruction-facilities/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def counts():
    return (DestructionRequest.objects.count(), DestructionFacility.objects.count(),
            DestructionCertificate.objects.count(), audit_count_but_security(),
            tuple(Carrier.objects.order_by("pk").values_list("status", flat=True)))


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def execute_body(org, destroyer=None, supervisor=None, **extra):
    body = {"destroyer": (destroyer or org.secretary).pk, "destroyer_password": org.password,
            "supervisor": (supervisor or org.clerk).pk, "supervisor_password": org.password}
    body.update(extra)
    return body


def test_create_list_retrieve(org, papers, head_sec):
    client = api_as(org.secretary)
    response = client.post(REQUESTS, {"carriers": [c.pk for c in papers], "reason": "超过保存期限",
                                      "method": "shredding"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["level"] == "SECRET" and data["status"] == "submitted" and data["route"] == "in_house"
    assert data["carriers"] == sorted(c.registry_number for c in papers)
    assert data["approval"]["status"] == "submitted"
    listed = client.get(REQUESTS).json()
    assert [r["id"] for r in listed["results"]] == [data["id"]]
    assert client.get(f"{REQUESTS}{data['id']}/").json()["method"] == "shredding"
    assert client.get(REQUESTS, {"status": "nonsense"}).status_code == 400
    # another unit's secrecy office: 404 as if missing
    assert api_as(org.other_secretary).get(f"{REQUESTS}{data['id']}/").status_code == 404


def test_unfit_method_is_400_naming_the_carrier(org, media):
    before = counts()
    response = api_as(org.secretary).post(REQUESTS, {"carriers": [media.optical.pk, media.paper.pk],
                                                     "reason": "x", "method": "burning"}, format="json")
    assert response.status_code == 400
    assert media.optical.registry_number in response.json()["method"][0]
    assert counts() == before


def test_carrier_on_loan_is_409(org, papers):
    from carriers import services as carrier_services

    carrier_services.transition(carrier=papers[0], to_status="on_loan", actor=org.secretary, reason="t")
    before = counts()
    response = api_as(org.secretary).post(REQUESTS, {"carriers": [papers[0].pk], "reason": "x",
                                                     "method": "shredding"}, format="json")
    assert response.status_code == 409 and papers[0].registry_number in text(response)
    assert counts() == before


@pytest.mark.parametrize("body", [
    {},
    {"carriers": [], "reason": "x", "method": "shredding"},
    {"carriers": ["abc"], "reason": "x", "method": "shredding"},
    {"carriers": [10**30], "reason": "x", "method": "shredding"},
    {"carriers": [1], "reason": "x\x00", "method": "shredding"},
    {"carriers": [1], "reason": "x", "method": "sell_as_waste"},
    {"carriers": [1], "reason": "x", "method": "shredding", "route": "waste"},
    {"carriers": [1], "reason": "x", "method": "shredding", "surprise": 1},
    {"carriers": [1], "reason": "x", "method": "shredding", "facility": "x"},
])
def test_bad_input_is_400(org, papers, body):
    before = counts()
    response = api_as(org.secretary).post(REQUESTS, body, format="json")
    assert response.status_code == 400, response.content
    assert counts() == before


def test_execute_with_both_signatures(org, approved, papers):
    response = api_as(org.secretary).post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org), format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "destroyed"
    assert data["destroyer"]["id"] == org.secretary.pk and data["supervisor"]["id"] == org.clerk.pk
    assert data["destroyer_signature"]["printed_name"] == "secretary-name"
    assert data["supervisor_signature"]["printed_name"] == "clerk-name"
    assert set(Carrier.objects.filter(pk__in=[c.pk for c in papers]).values_list("status", flat=True)) == {"destroyed"}


def test_same_person_as_destroyer_and_supervisor_is_refused(org, approved):
    before = counts()
    response = api_as(org.clerk).post(f"{REQUESTS}{approved.pk}/execute/",
                                      execute_body(org, destroyer=org.clerk, supervisor=org.clerk), format="json")
    assert response.status_code == 400
    assert "two different people" in response.json()["supervisor"][0]
    assert counts() == before


def test_execute_without_approval_is_403(org, papers, head_sec):
    request = submit(org, papers)
    before = counts()
    response = api_as(org.secretary).post(f"{REQUESTS}{request.pk}/execute/", execute_body(org), format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_approved"
    assert counts() == before


@pytest.mark.parametrize("body", [
    {"destroyer_password": "wrong"},
    {"supervisor_password": "wrong"},
    {"supervisor": 10**30},
    {"destroyer": "me"},
    {"supervisor_password": ""},
    {"destroyer_otp": "1" * 40},
    {"extra": True},
])
def test_execute_bad_input_is_400(org, approved, body):
    before = counts()
    response = api_as(org.secretary).post(f"{REQUESTS}{approved.pk}/execute/", {**execute_body(org), **body},
                                          format="json")
    assert response.status_code == 400, response.content
    assert counts() == before


def test_execute_uncleared_or_other_unit_signer(org, approved):
    before = counts()
    client = api_as(org.secretary)
    response = client.post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org, supervisor=org.staff_general),
                           format="json")
    assert response.status_code == 403 and "not cleared" in response.json()["detail"]
    # a person of another unit is not among the users the caller may name: "does not exist"
    response = client.post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org, supervisor=org.other_secretary),
                           format="json")
    assert response.status_code == 400
    assert counts() == before


def test_execute_twice_is_409(org, approved):
    client = api_as(org.secretary)
    assert client.post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org), format="json").status_code == 200
    before = counts()
    response = client.post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org), format="json")
    assert response.status_code == 409
    assert counts() == before


def test_execute_invisible_is_404(org, approved):
    response = api_as(org.other_secretary).post(f"{REQUESTS}{approved.pk}/execute/", execute_body(org), format="json")
    assert response.status_code == 404
    assert api_as(org.secretary).post(f"{REQUESTS}999999/execute/", execute_body(org), format="json").status_code == 404


def test_facility_route_end_to_end(org, papers, facilities, head_sec):
    client = api_as(org.secretary)
    response = client.post(REQUESTS, {"carriers": [c.pk for c in papers], "reason": "批量销毁", "method": "pulping",
                                      "route": "facility", "facility": facilities.good.pk}, format="json")
    assert response.status_code == 201, response.content
    request = approve_all(org, DestructionRequest.objects.get(pk=response.json()["id"]), head_sec)
    url = f"{REQUESTS}{request.pk}/"
    # in house is refused for a facility request
    assert client.post(f"{url}execute/", execute_body(org), format="json").status_code == 409
    response = client.post(f"{url}handover/", {"courier": org.clerk.pk, "declared_count": 3,
                                               "password": org.password}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "handed_over" and response.json()["handover"]["status"] == "pending"
    courier = api_as(org.clerk)
    response = courier.post(f"{url}receive/", {"counted_count": 3, "password": org.password}, format="json")
    assert response.status_code == 200, response.content
    before = counts()
    response = courier.post(f"{url}certificate/", {
        "number": "XH-0001", "issued_on": timezone.localdate().isoformat(), "received_by": "张接收",
        "carriers": [papers[0].registry_number], "password": org.password}, format="json")
    assert response.status_code == 400 and papers[1].registry_number in text(response)
    assert counts() == before
    response = courier.post(f"{url}certificate/", {
        "number": "XH-0001", "issued_on": timezone.localdate().isoformat(), "received_by": "张接收",
        "carriers": [c.registry_number for c in papers], "password": org.password}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "destroyed" and data["certificate"]["number"] == "XH-0001"
    assert data["certificate"]["signature"]["printed_name"] == "clerk-name"


def test_facilities(org, facilities):
    client = api_as(org.secretary)
    names = [f["name"] for f in client.get(FACILITIES).json()["results"]]
    assert "定点销毁中心" in names and "乙销毁中心" not in names
    response = client.post(FACILITIES, {"name": "新销毁中心", "licence_number": "XH-NEW", "address": "某地",
                                        "valid_until": "2030-12-31"}, format="json")
    assert response.status_code == 201
    before = counts()
    response = api_as(org.head_res).post(FACILITIES, {"name": "x", "licence_number": "y", "address": "z",
                                                      "valid_until": "2030-12-31"}, format="json")
    assert response.status_code == 403
    response = client.post(FACILITIES, {"name": "x", "licence_number": "y", "address": "z",
                                        "valid_until": "not a date"}, format="json")
    assert response.status_code == 400
    assert counts() == before
    assert client.get(f"{FACILITIES}{facilities.other_unit.pk}/").status_code == 404
