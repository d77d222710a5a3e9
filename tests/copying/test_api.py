"""The copying API: /api/v1/copy-licences/, /api/v1/copy-requests/ (+ execute),
/api/v1/derivations/ (+ preview, make), /api/v1/carriers/{id}/lineage/. Every refusal answers
400/403/404/409 with a readable message and writes nothing; bad input never answers 500."""

import json

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalRequest
from carriers.copying.models import CopyLicence, CopyRequest, Derivation
from carriers.models import Carrier
from tests.factories import api_token, audit_count_but_security

from .conftest import approve_all, approved_copy

LICENCES = "/api/v1/copy-licences/"
COPIES = "/api/v1/copy-requests/"
DERIVATIONS = "/api/v1/derivations/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def counts():
    return (CopyLicence.objects.count(), CopyRequest.objects.count(), Derivation.objects.count(),
            ApprovalRequest.objects.count(), Carrier.objects.count(), audit_count_but_security())


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def test_licences_list_and_create(org):
    office = api_as(org.secretary)
    body = {"unit": org.unit.pk, "licensed_on": "2026-01-01", "granted_by": "国家保密局", "licence_number": "FZ-1"}
    before = counts()
    assert api_as(org.staff_core).post(LICENCES, body, format="json").status_code == 403
    assert office.post(LICENCES, {**body, "unit": org.other_unit.pk}, format="json").status_code == 400
    assert office.post(LICENCES, {**body, "bogus": 1}, format="json").status_code == 400
    assert counts() == before
    created = office.post(LICENCES, body, format="json")
    assert created.status_code == 201, text(created)
    assert created.json()["is_current"] is True and created.json()["unit"]["id"] == org.unit.pk
    assert api_as(org.staff_general).get(LICENCES).json()["count"] == 1
    assert api_as(org.other_secretary).get(f"{LICENCES}{created.json()['id']}/").status_code == 404


def test_copy_request_end_to_end(org, licence, src):
    created = api_as(org.staff_core).post(COPIES, {"source": src.secret.pk, "copies": 2, "purpose": "讨论"},
                                          format="json")
    assert created.status_code == 201, text(created)
    data = created.json()
    assert data["status"] == "submitted" and data["level"] == "SECRET" and data["source"]["id"] == src.secret.pk
    approve_all(data["approval"]["id"], org.password)
    office = api_as(org.secretary)
    done = office.post(f"{COPIES}{data['id']}/execute/", {"container": org.cabinet.pk, "password": org.password},
                       format="json")
    assert done.status_code == 201, text(done)
    made = done.json()["copies_made"]
    assert [c["copy_number"] for c in made] == ["000001", "000002"]
    assert all(c["level"] == "SECRET" and c["expires_on"] == "2036-01-01" and c["sources"] == [src.secret.pk]
               for c in made)
    assert api_as(org.staff_core).get(f"{COPIES}?status=executed").json()["count"] == 1
    assert api_as(org.staff_core).get(f"{COPIES}?status=nonsense").status_code == 400


@pytest.mark.parametrize("case, status", [
    ("unlicensed", 403), ("no_approval", 403), ("over_quantity", 403), ("not_office", 403),
    ("bad_password", 400), ("weak_container", 400), ("other_unit", 404), ("missing", 404),
])
def test_copy_execute_refusals_change_nothing(org, src, case, status):
    from carriers.copying import services

    if case != "unlicensed":
        services.record_licence(actor=org.secretary, unit=org.unit, licensed_on=src.secret.period_start,
                                granted_by="局")
    if case == "no_approval":
        request_id = api_as(org.staff_core).post(COPIES, {"source": src.secret.pk, "copies": 1, "purpose": "p"},
                                                 format="json").json()["id"]
    else:
        request_id = approved_copy(org, src.top if case == "weak_container" else src.secret, copies=2).pk
    body = {"container": org.cabinet.pk, "password": org.password}
    user = org.secretary
    if case == "over_quantity":
        body["quantity"] = 3
    elif case == "not_office":
        user = org.staff_core
    elif case == "bad_password":
        body["password"] = "nope"
    elif case == "other_unit":
        user, body["container"] = org.other_secretary, org.other_safe.pk
    elif case == "missing":
        request_id = 999999
    before = counts()
    response = api_as(user).post(f"{COPIES}{request_id}/execute/", body, format="json")
    assert response.status_code == status, text(response)
    assert counts() == before


@pytest.mark.parametrize("body", [
    {}, {"source": "x", "copies": 1, "purpose": "p"}, {"source": 10**30, "copies": 1, "purpose": "p"},
    {"source": None, "copies": -1, "purpose": "p"}, {"source": 1, "copies": 10**9, "purpose": "p"},
    {"source": 1, "copies": 1, "purpose": "p\x00"}, [], "text",
])
def test_bad_copy_requests_are_400(org, src, body):
    before = counts()
    response = api_as(org.staff_core).post(COPIES, body, format="json")
    assert response.status_code == 400
    assert counts() == before


def test_invisible_source_is_as_if_missing(org, src):
    before = counts()
    response = api_as(org.staff_general).post(COPIES, {"source": src.secret.pk, "copies": 1, "purpose": "p"},
                                              format="json")
    assert response.status_code == 400 and "source" in response.json()
    assert counts() == before


def test_extract_and_its_refusals(org, src):
    office = api_as(org.secretary)
    base = {"kind": "extract", "sources": [src.secret.pk, src.later.pk], "title": "摘录", "purpose": "报告",
            "container": org.safe.pk, "password": org.password}
    before = counts()
    for bad, field in [({"level": "CONFIDENTIAL"}, "level"), ({"secrecy_years": 3}, "secrecy_years"),
                       ({"sources": [src.conditional.pk], "declassification_condition": "另定"},
                        "declassification_condition"),
                       ({"password": ""}, "password"), ({"container": None}, "container")]:
        response = office.post(DERIVATIONS, {**base, **bad}, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, text(response))
    assert api_as(org.staff_core).post(DERIVATIONS, base, format="json").status_code == 403
    assert counts() == before
    made = office.post(DERIVATIONS, {**base, "level": "TOP_SECRET"}, format="json")
    assert made.status_code == 201, text(made)
    assert made.json()["carrier"]["level"] == "TOP_SECRET" and made.json()["carrier"]["expires_on"] == "2036-01-01"
    assert made.json()["status"] == "made"


def test_preview_shows_inherited_terms_and_writes_nothing(org, src):
    before = counts()
    response = api_as(org.staff_core).post(f"{DERIVATIONS}preview/", {
        "kind": "extract", "sources": [src.secret.pk, src.conditional.pk], "level": "CONFIDENTIAL"}, format="json")
    assert response.status_code == 200, text(response)
    data = response.json()
    assert data["inherited"]["level"] == "SECRET" and data["inherited"]["expires_on"] is None
    assert data["inherited"]["declassification_condition"] == "项目验收后解密"
    assert data["allowed"] is False and "level" in data["errors"]
    assert counts() == before


def test_compilation_needs_approval_then_makes(org, src):
    created = api_as(org.staff_core).post(DERIVATIONS, {
        "kind": "compilation", "sources": [src.secret.pk, src.later.pk], "title": "汇编", "purpose": "归档"},
        format="json")
    assert created.status_code == 201, text(created)
    data = created.json()
    assert data["status"] == "submitted" and data["level"] == "SECRET" and data["expires_on"] == "2036-01-01"
    office = api_as(org.secretary)
    body = {"container": org.safe.pk, "password": org.password}
    before = counts()
    refused = office.post(f"{DERIVATIONS}{data['id']}/make/", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_approved"
    assert counts() == before
    approve_all(data["approval"]["id"], org.password)
    made = office.post(f"{DERIVATIONS}{data['id']}/make/", body, format="json")
    assert made.status_code == 201, text(made)
    assert made.json()["carrier"]["level"] == "SECRET"
    again = office.post(f"{DERIVATIONS}{data['id']}/make/", body, format="json")
    assert again.status_code == 409
    assert api_as(org.staff_core).get(f"{DERIVATIONS}?kind=compilation&status=made").json()["count"] == 1
    assert api_as(org.other_secretary).get(f"{DERIVATIONS}{data['id']}/").status_code == 404


def test_lineage_endpoint(org, licence, src):
    request = approved_copy(org, src.secret, copies=1)
    office = api_as(org.secretary)
    copy_id = office.post(f"{COPIES}{request.pk}/execute/", {"container": org.cabinet.pk, "password": org.password},
                          format="json").json()["copies_made"][0]["id"]
    down = office.get(f"/api/v1/carriers/{src.secret.pk}/lineage/").json()
    assert [(c["id"], c["depth"], c["made_how"]) for c in down["descendants"]] == [(copy_id, 1, "copy")]
    up = office.get(f"/api/v1/carriers/{copy_id}/lineage/").json()
    assert [c["id"] for c in up["ancestors"]] == [src.secret.pk] and up["edges"] == [[copy_id, src.secret.pk]]
    assert api_as(org.staff_general).get(f"/api/v1/carriers/{src.secret.pk}/lineage/").status_code == 404
    assert office.get("/api/v1/carriers/999999/lineage/").status_code == 404


@pytest.mark.parametrize("extra", [
    {"period_start": "9999-12-31", "secrecy_years": 100}, {"period_start": "0001-01-01"},
    {"secrecy_years": 100, "secrecy_months": 11}, {"level": "NOPE"}, {"sources": [10**25]},
    {"sources": "x"}, {"declassification_condition": "x" * 301}, {"carrier_kind": "electronic"},
])
@pytest.mark.parametrize("path", ["", "preview/"])
def test_odd_derivation_input_never_500(org, src, extra, path):
    body = {"kind": "extract", "sources": [src.secret.pk], "title": "t", "purpose": "p", "container": org.safe.pk,
            "password": org.password, **extra}
    if path:
        body.pop("container"), body.pop("password")
    before = counts()
    response = api_as(org.secretary).post(f"{DERIVATIONS}{path}", body, format="json")
    assert response.status_code in (200, 400), text(response)
    assert counts() == before
    if response.status_code == 200:
        assert response.json()["allowed"] is False


def test_lineage_of_an_out_of_range_id_is_404(org):
    assert api_as(org.secretary).get(f"/api/v1/carriers/{10**20}/lineage/").status_code == 404
