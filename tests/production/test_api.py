"""The production API: /api/v1/production-places/, /api/v1/enterprises/,
/api/v1/production-requests/ (+ run, intermediates). Every refusal answers 400/403/404/409 with a
readable message and writes nothing; bad input never answers 500; a retried run with the same
Idempotency-Key creates nothing twice."""

import json

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalRequest
from carriers.models import Carrier
from carriers.production.models import Enterprise, ProductionPlace, ProductionRequest, ProductionRun
from tests.factories import api_token, audit_count_but_security

from .conftest import approve

PLACES = "/api/v1/production-places/"
ENTERPRISES = "/api/v1/enterprises/"
REQUESTS = "/api/v1/production-requests/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def counts():
    return (ProductionPlace.objects.count(), Enterprise.objects.count(), ProductionRequest.objects.count(),
            ApprovalRequest.objects.count(), ProductionRun.objects.count(), Carrier.objects.count(),
            audit_count_but_security())


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def request_payload(org, sites, **overrides) -> dict:
    data = {
        "title": "关于2027年度科研计划的通知", "kind": "paper", "level": "SECRET", "secrecy_years": 10,
        "copies": 4, "purpose": "下发各处室执行", "place": sites.place.pk, "scope_departments": [org.res.pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


@pytest.fixture
def submitted(org, sites):
    response = api_as(org.staff_core).post(REQUESTS, request_payload(org, sites), format="json")
    assert response.status_code == 201, response.content
    return ProductionRequest.objects.get(pk=response.json()["id"])


@pytest.fixture
def approved_api(org, submitted):
    approve(org, submitted)
    submitted.refresh_from_db()
    return submitted


def run_payload(org, **overrides):
    return {"container": org.cabinet.pk, "password": org.password, **overrides}


# --- places and enterprises ------------------------------------------------------------------------


def test_secrecy_office_registers_a_place_and_an_enterprise(org):
    client = api_as(org.secretary)
    place = client.post(PLACES, {"name_zh": "印制室", "name_en": "Print room", "approval_reference": "保密〔2026〕3号",
                                 "max_level": "SECRET", "valid_from": "2026-01-01", "valid_until": "2030-12-31"},
                        format="json")
    assert place.status_code == 201, place.content
    assert place.json()["max_level"] == "SECRET" and place.json()["unit"] == org.unit.pk
    enterprise = client.post(ENTERPRISES, {"name": "甲印刷厂", "licence_number": "JM-1", "licensed_level": "SECRET",
                                           "licence_valid_until": "2030-12-31"}, format="json")
    assert enterprise.status_code == 201, enterprise.content
    assert enterprise.json()["is_individual"] is False
    assert [p["id"] for p in client.get(PLACES).json()["results"]] == [place.json()["id"]]
    assert client.get(f"{ENTERPRISES}{enterprise.json()['id']}/").status_code == 200
    # another unit's secrecy office sees neither
    other = api_as(org.other_secretary)
    assert other.get(PLACES).json()["results"] == []
    assert other.get(f"{PLACES}{place.json()['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"name_zh": "甲", "name_en": "A", "max_level": "SECRET", "valid_from": "2026-01-01",
          "valid_until": "2025-01-01"}, 400, "valid_until"),
        ({"name_zh": "甲", "name_en": "A", "max_level": "ULTRA", "valid_from": "2026-01-01",
          "valid_until": "2027-01-01"}, 400, "max_level"),
        ({"name_zh": "甲\x00", "name_en": "A", "max_level": "SECRET", "valid_from": "2026-01-01",
          "valid_until": "2027-01-01"}, 400, "name_zh"),
        ({"name_zh": "甲", "name_en": "A", "max_level": "SECRET", "valid_from": "2026-01-01",
          "valid_until": "2027-01-01", "unit": 1}, 400, "unit"),
        ({"name_zh": "甲", "name_en": "A", "max_level": 10**30, "valid_from": "99999-01-01",
          "valid_until": "2027-01-01"}, 400, "max_level"),
    ],
    ids=["period-backwards", "unknown-level", "nul-byte", "unknown-field", "huge-values"],
)
def test_bad_places_are_400(org, payload, status, field):
    before = counts()
    response = api_as(org.secretary).post(PLACES, payload, format="json")
    assert response.status_code == status and field in response.json(), response.content
    assert counts() == before


def test_only_the_secrecy_office_registers_places_and_enterprises(org):
    before = counts()
    for url in (PLACES, ENTERPRISES):
        response = api_as(org.staff_core).post(url, {"name": "x"}, format="json")
        assert response.status_code == 403
        assert "Only the secrecy office" in response.json()["detail"]
    assert counts() == before


# --- requests --------------------------------------------------------------------------------------


def test_a_request_is_created_and_sent_for_approval(org, sites):
    response = api_as(org.staff_core).post(REQUESTS, request_payload(org, sites), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == "SECRET" and body["marking_zh"] == "机密★10年" and body["copies"] == 4
    assert body["status"] == "submitted" and body["run"] is None
    assert body["approval"]["status"] == "submitted" and body["approval"]["approved_quantity"] == 4
    # the approver sees it (and its approval); someone of another department does not
    assert api_as(org.head_res).get(f"{REQUESTS}{body['id']}/").status_code == 200
    assert api_as(org.staff_general).get(f"{REQUESTS}{body['id']}/").status_code == 404
    assert api_as(org.head_gen).get(f"{REQUESTS}{body['id']}/").status_code == 404
    assert api_as(org.other_secretary).get(f"{REQUESTS}{body['id']}/").status_code == 404
    assert [r["id"] for r in api_as(org.secretary).get(REQUESTS).json()["results"]] == [body["id"]]
    assert api_as(org.secretary).get(REQUESTS, {"status": "approved"}).json()["results"] == []
    assert api_as(org.secretary).get(REQUESTS, {"status": "bogus"}).status_code == 400


@pytest.mark.parametrize(
    ("where", "status", "phrase"),
    [
        ("unapproved_place", 403, "not approved for producing"),
        ("expired_place", 403, "expired"),
        ("low_place", 403, "approved only up to"),
    ],
)
def test_a_request_at_a_place_not_approved_is_refused(org, sites, where, status, phrase):
    before = counts()
    response = api_as(org.staff_core).post(REQUESTS, request_payload(org, sites, place=getattr(sites, where).pk),
                                           format="json")
    assert response.status_code == status and phrase in response.json()["detail"], response.content
    assert counts() == before


@pytest.mark.parametrize(
    ("who", "phrase"),
    [("individual", "self-employed individual"), ("unlicensed", "no licence"), ("expired_enterprise", "expired")],
)
def test_a_request_to_an_enterprise_without_licence_is_refused(org, sites, who, phrase):
    before = counts()
    response = api_as(org.staff_core).post(
        REQUESTS, request_payload(org, sites, place=..., enterprise=getattr(sites, who).pk), format="json"
    )
    assert response.status_code == 403 and phrase in response.json()["detail"], response.content
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"copies": 10**30}, "copies"),
        ({"copies": 0}, "copies"),
        ({"copies": "many"}, "copies"),
        ({"place": 10**30}, "place"),
        ({"place": -1}, "place"),
        ({"place": True}, "place"),
        ({"place": "1 OR 1=1"}, "place"),
        ({"scope_departments": [10**20]}, "scope_departments"),
        ({"scope_units": [10**20]}, "scope_units"),
        ({"secrecy_years": 10**30}, "secrecy_years"),
        ({"title": "x\x00y"}, "title"),
        ({"purpose": "\x00"}, "purpose"),
        ({"level": "TOP SECRET"}, "level"),
        ({"kind": "rocket"}, "kind"),
        ({"approved_quantity": 99}, "approved_quantity"),
        ({"status": "approved"}, "status"),
        ({"secrecy_years": 30}, "secrecy_years"),
        ({"place": ..., "enterprise": ...}, "place"),
    ],
)
def test_bad_request_payloads_are_400_never_500(org, sites, overrides, field):
    before = counts()
    response = api_as(org.staff_core).post(REQUESTS, request_payload(org, sites, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.content
    assert counts() == before


def test_another_units_place_does_not_exist_for_the_caller(org, sites):
    response = api_as(org.staff_core).post(REQUESTS, request_payload(org, sites, place=sites.other_unit_place.pk),
                                           format="json")
    assert response.status_code == 400 and "does not exist" in text(response)


def test_not_json_and_not_an_object_are_400(org):
    client = api_as(org.staff_core)
    assert client.post(REQUESTS, "{not json", content_type="application/json").status_code == 400
    assert client.post(REQUESTS, [1, 2], format="json").status_code == 400
    assert client.post(REQUESTS, "null", content_type="application/json").status_code == 400


def test_unknown_and_huge_ids_are_404(org, submitted):
    client = api_as(org.secretary)
    for url in (f"{REQUESTS}999999999/", f"{REQUESTS}{'9' * 30}/", f"{REQUESTS}999999999/intermediates/", f"{PLACES}999999999/", f"{ENTERPRISES}0/"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    assert client.post(f"{REQUESTS}999999999/run/", run_payload(org), format="json").status_code == 404
    assert client.post(f"{REQUESTS}{'9' * 30}/run/", run_payload(org), format="json").status_code == 404


# --- run -----------------------------------------------------------------------------------------


def test_run_makes_the_copies_and_a_second_run_is_409(org, approved_api):
    client = api_as(org.secretary)
    response = client.post(f"{REQUESTS}{approved_api.pk}/run/", run_payload(org), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["copies_made"] == 4
    assert [c["copy_number"] for c in body["copies"]] == ["000001", "000002", "000003", "000004"]
    assert {c["marking_zh"] for c in body["copies"]} == {"机密★10年"}
    assert {c["copies_total"] for c in body["copies"]} == {4}
    assert {c["production_run"] for c in body["copies"]} == {body["id"]}
    assert all(c["holder"]["id"] == org.secretary.pk and c["status"] == "in_custody" for c in body["copies"])
    assert "password" not in json.dumps(body)
    detail = client.get(f"{REQUESTS}{approved_api.pk}/").json()
    assert detail["status"] == "produced" and detail["run"]["copies_made"] == 4
    assert detail["approval"]["consumed_at"] is not None

    before = counts()
    again = client.post(f"{REQUESTS}{approved_api.pk}/run/", run_payload(org), format="json")
    assert again.status_code == 409 and "already been produced" in again.json()["detail"]
    more = client.post(f"{REQUESTS}{approved_api.pk}/run/", run_payload(org, quantity=5), format="json")
    assert more.status_code == 409
    assert counts() == before


def test_run_refusals(org, submitted, sites):
    client = api_as(org.secretary)
    url = f"{REQUESTS}{submitted.pk}/run/"
    before = counts()
    not_approved = client.post(url, run_payload(org), format="json")
    assert not_approved.status_code == 403 and "not been approved" in not_approved.json()["detail"]
    assert counts() == before
    approve(org, submitted)
    before = counts()
    cases = [
        (api_as(org.staff_core), run_payload(org), 403, "Only the secrecy office"),
        (api_as(org.head_res), {}, 403, "Only the secrecy office"),
        (api_as(org.other_secretary), run_payload(org, container=org.other_safe.pk), 404, "Not found"),
        (client, run_payload(org, quantity=5), 403, "over-production"),
        (client, run_payload(org, quantity=3), 400, "exactly the approved 4"),
        (client, run_payload(org, quantity=10**30), 400, "quantity"),
        (client, run_payload(org, password="wrong"), 400, "password"),
        (client, run_payload(org, container=org.ordinary.pk), 400, "may not hold"),
        (client, run_payload(org, container=org.other_safe.pk), 400, "does not exist"),
        (client, run_payload(org, container=10**30), 400, "does not exist"),
        (client, run_payload(org, copies=99), 400, "Unknown field"),
        (client, {"container": org.cabinet.pk}, 400, "password"),
        (client, run_payload(org, password="a\x00b"), 400, "password"),
    ]
    for who, payload, status, phrase in cases:
        response = who.post(url, payload, format="json")
        assert response.status_code == status, (payload, response.content)
        assert phrase in text(response), (payload, response.content)
        assert counts() == before
    assert client.post(url, run_payload(org), format="json").status_code == 201


def test_idempotent_retry_of_the_run_creates_nothing_twice(org, approved_api):
    client = api_as(org.secretary)
    url = f"{REQUESTS}{approved_api.pk}/run/"
    first = client.post(url, run_payload(org), format="json", HTTP_IDEMPOTENCY_KEY="run-42")
    assert first.status_code == 201
    after_first = counts()
    retry = client.post(url, run_payload(org), format="json", HTTP_IDEMPOTENCY_KEY="run-42")
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry["Idempotent-Replay"] == "true"
    assert counts() == after_first
    other_body = client.post(url, run_payload(org, quantity=4), format="json", HTTP_IDEMPOTENCY_KEY="run-42")
    assert other_body.status_code == 422
    assert counts() == after_first
    assert Carrier.objects.filter(production_run__request=approved_api).count() == 4


def test_idempotent_retry_of_the_request_creates_one_request(org, sites):
    client = api_as(org.staff_core)
    first = client.post(REQUESTS, request_payload(org, sites), format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    before = counts()
    retry = client.post(REQUESTS, request_payload(org, sites), format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    assert (first.status_code, retry.status_code) == (201, 201) and retry.json()["id"] == first.json()["id"]
    assert counts() == before


def test_a_refused_run_may_be_corrected_and_retried_with_the_same_key(org, approved_api):
    client = api_as(org.secretary)
    url = f"{REQUESTS}{approved_api.pk}/run/"
    before = counts()
    wrong = client.post(url, run_payload(org, password="wrong"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert wrong.status_code == 400 and counts() == before  # a refusal records nothing, not even the key
    first = client.post(url, run_payload(org), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 201
    after = counts()
    replay = client.post(url, run_payload(org), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert replay.status_code == 201 and replay.json() == first.json() and counts() == after
    # a new key is a new attempt: the approval is used up
    assert client.post(url, run_payload(org), format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 409


# --- intermediates -----------------------------------------------------------------------------------


def test_intermediates_over_the_api(org, approved_api):
    client = api_as(org.secretary)
    url = f"{REQUESTS}{approved_api.pk}/intermediates/"
    before_run = client.post(url, {"intermediate_kind": "draft", "disposition": "keep", "password": org.password},
                             format="json")
    assert before_run.status_code == 409 and "not been produced" in before_run.json()["detail"]
    assert client.get(url).json() == []
    client.post(f"{REQUESTS}{approved_api.pk}/run/", run_payload(org), format="json")

    kept = client.post(url, {"intermediate_kind": "proof", "disposition": "keep", "description": "清样",
                             "container": org.room.pk, "password": org.password}, format="json")
    assert kept.status_code == 201, kept.content
    assert kept.json()["status"] == "in_custody" and kept.json()["marking_zh"] == "机密★10年"
    assert kept.json()["intermediate_kind"] == "proof" and kept.json()["dispose_by"] is None
    waste = client.post(url, {"intermediate_kind": "waste", "disposition": "destroy", "password": org.password},
                        format="json", HTTP_IDEMPOTENCY_KEY="w1")
    assert waste.status_code == 201 and waste.json()["status"] == "pending_destruction"
    assert waste.json()["dispose_by"] is not None
    before = counts()
    replay = client.post(url, {"intermediate_kind": "waste", "disposition": "destroy", "password": org.password},
                         format="json", HTTP_IDEMPOTENCY_KEY="w1")
    assert replay.status_code == 201 and replay.json()["id"] == waste.json()["id"]
    assert counts() == before
    assert [c["intermediate_kind"] for c in client.get(url).json()] == ["proof", "waste"]

    for payload, status in [
        ({"intermediate_kind": "book", "disposition": "keep", "password": org.password}, 400),
        ({"intermediate_kind": "draft", "disposition": "sell", "password": org.password}, 400),
        ({"intermediate_kind": "draft", "disposition": "keep", "password": org.password, "level": "CONFIDENTIAL"}, 400),
        ({"intermediate_kind": "draft", "disposition": "keep", "password": org.password, "description": "\x00"}, 400),
        ({"intermediate_kind": "draft", "disposition": "keep", "password": org.password, "container": 10**30}, 400),
        ({"intermediate_kind": "draft", "disposition": "keep", "password": "nope"}, 400),
    ]:
        response = client.post(url, payload, format="json")
        assert response.status_code == status, (payload, response.content)
        assert counts() == before
    refused = api_as(org.staff_core).post(url, {"intermediate_kind": "draft", "disposition": "keep",
                                                "password": org.password}, format="json")
    assert refused.status_code == 403
    assert api_as(org.other_secretary).get(url).status_code == 404
    assert counts() == before


def test_the_schema_lists_the_production_endpoints(org):
    response = api_as(org.secretary).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in ("/api/v1/production-places/", "/api/v1/enterprises/", "/api/v1/production-requests/",
                 "/api/v1/production-requests/{id}/run/", "/api/v1/production-requests/{id}/intermediates/"):
        assert path in paths, path
