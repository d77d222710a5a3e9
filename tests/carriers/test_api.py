"""The REST API: token auth, registering over the API (and every refusal writing nothing),
filters, the audit trail, reference lists limited to the caller's unit, the schema and the docs."""

import hashlib
import json
import re

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from audit.models import AuditEvent
from carriers.models import Carrier
from common.levels import Level
from tests.factories import api_token, register

CARRIERS = "/api/v1/carriers/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def payload(org, **overrides) -> dict:
    data = {
        "kind": "paper",
        "title": "关于某工程的请示",
        "originator": "上级机关",
        "document_number": "X〔2026〕1号",
        "level": "SECRET",
        "secrecy_years": 10,
        "copy_number": "000001",
        "copies_total": 3,
        "container": org.cabinet.pk,
        "scope_departments": [org.res.pk],
        "password": org.password,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


@pytest.fixture
def counts():
    """(carriers, audit events) now, to show a refused request changed nothing."""
    # a refused password or a new token is itself on the trail (account.*): nothing else may be
    return lambda: (Carrier.objects.count(), AuditEvent.objects.exclude(action__startswith="account.").count())


def _messages(body) -> str:
    return json.dumps(body, ensure_ascii=False)


# --- token auth ------------------------------------------------------------------------------


def test_token_for_good_credentials_and_it_authenticates(org):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "secretary", "password": org.password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["expiry"]
    stored = ApiToken.objects.get(user=org.secretary)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest() and token not in (stored.digest, stored.prefix)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(CARRIERS).status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "secretary", "password": "wrong"},
        {"username": "nobody", "password": "correct-horse-42"},
        {"username": "secretary"},
        {},
    ],
    ids=["wrong-password", "unknown-user", "no-password", "empty"],
)
def test_token_refused_for_bad_credentials(org, credentials):
    response = APIClient().post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_no_or_bad_token_is_refused(org):
    assert APIClient().get(CARRIERS).status_code in (401, 403)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(CARRIERS).status_code in (401, 403)


# --- registering ------------------------------------------------------------------------------


def test_register_over_the_api(org, counts):
    carriers_before, events_before = counts()
    response = api_as(org.secretary).post(CARRIERS, payload(org), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == "SECRET"
    assert body["registry_number"].startswith("U-")
    assert body["marking_zh"] == "机密★10年"
    assert body["marking_en"] == "Secret★10 years"
    assert body["marking"] in {"机密★10年", "Secret★10 years"}
    assert body["holder"]["id"] == org.secretary.pk
    assert body["container"]["id"] == org.cabinet.pk
    assert body["scope_departments"] == [org.res.pk]
    assert body["status"] == "in_custody"
    assert "password" not in body
    assert counts() == (carriers_before + 1, events_before + 2)  # registered + signature
    carrier = Carrier.objects.get(pk=body["id"])
    assert carrier.level == Level.SECRET and carrier.title == "关于某工程的请示"


def test_register_marking_follows_accept_language(org):
    response = api_as(org.secretary).post(CARRIERS, payload(org), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    assert response.json()["marking"] == "Secret★10 years"


def test_api_client_role_may_register(org):
    response = api_as(org.api_client).post(CARRIERS, payload(org), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["holder"]["id"] == org.api_client.pk


def test_period_too_long_is_fine_with_a_condition(org):
    data = payload(org, level="CONFIDENTIAL", secrecy_years=11, declassification_condition="工程验收后解密")
    response = api_as(org.secretary).post(CARRIERS, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["secrecy_years"] == 11


def test_condition_alone_stands_for_the_period(org):
    data = payload(org, level="CONFIDENTIAL", secrecy_years=None, declassification_condition="工程验收后解密")
    response = api_as(org.secretary).post(CARRIERS, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["marking_zh"] == "秘密★工程验收后解密"


REFUSED = [
    # (id, who, overrides, status, field naming the problem or None, text in the message)
    ("wrong-password", "secretary", {"password": "not-my-password"}, 400, "password", None),
    ("missing-password", "secretary", {"password": ...}, 400, "password", None),
    ("empty-password", "secretary", {"password": ""}, 400, "password", None),
    ("invalid-level", "secretary", {"level": "ULTRA"}, 400, "level", None),
    ("numeric-level", "secretary", {"level": 2}, 400, "level", None),
    ("period-too-long", "secretary", {"level": "CONFIDENTIAL", "secrecy_years": 11}, 400, "secrecy_years", "10"),
    ("secret-period-too-long", "secretary", {"secrecy_years": 21}, 400, "secrecy_years", "20"),
    ("months-12", "secretary", {"secrecy_months": 12}, 400, "secrecy_months", None),
    ("negative-years", "secretary", {"secrecy_years": -1}, 400, "secrecy_years", None),
    ("zero-period", "secretary", {"secrecy_years": 0, "secrecy_months": 0}, 400, "secrecy_years", None),
    ("top-secret-in-cabinet", "secretary", {"level": "TOP_SECRET", "container": "cabinet"}, 400, "container", "CAB"),
    ("secret-in-ordinary", "secretary", {"container": "ordinary"}, 400, "container", "ORD"),
    ("other-units-container", "secretary", {"container": "other_safe"}, 400, "container", None),
    ("no-container", "secretary", {"container": ...}, 400, "container", None),
    ("null-container", "secretary", {"container": None}, 400, "container", None),
    ("above-clearance", "clerk", {"level": "TOP_SECRET", "container": "safe"}, 403, None, "clearance"),
    ("staff", "staff_core", {}, 403, None, None),
    ("auditor", "auditor", {}, 403, None, None),
    ("head", "head_res", {}, 403, None, None),
    ("departed", "departed", {"level": "CONFIDENTIAL"}, 403, None, None),
    ("no-clearance", "staff_none", {"level": "CONFIDENTIAL"}, 403, None, None),
    ("unknown-field", "secretary", {"holder": 1}, 400, "holder", None),
    ("unknown-field-typo", "secretary", {"secrecy_year": 5}, 400, "secrecy_year", None),
    ("nul-in-title", "secretary", {"title": "bad\x00title"}, 400, "title", None),
    ("control-char-in-originator", "secretary", {"originator": "a\x07b"}, 400, "originator", None),
    ("title-301", "secretary", {"title": "密" * 301}, 400, "title", None),
    ("empty-title", "secretary", {"title": ""}, 400, "title", None),
    ("huge-copies", "secretary", {"copies_total": 10**30}, 400, "copies_total", None),
    ("huge-container", "secretary", {"container": 10**30}, 400, "container", None),
    ("huge-years", "secretary", {"secrecy_years": 10**20}, 400, "secrecy_years", None),
    ("huge-scope", "secretary", {"scope_departments": [10**30]}, 400, "scope_departments", None),
    ("zero-copies", "secretary", {"copies_total": 0}, 400, "copies_total", None),
    ("copy-number-outside", "secretary", {"copy_number": "000009"}, 400, "copy_number", None),
    ("copy-number-format", "secretary", {"copy_number": "12"}, 400, "copy_number", None),
    ("bad-kind", "secretary", {"kind": "scroll"}, 400, "kind", None),
    ("electronic-without-medium", "secretary", {"kind": "electronic"}, 400, "medium", None),
    ("paper-with-medium", "secretary", {"medium": "usb"}, 400, "medium", None),
    ("future-start", "secretary", {"period_start": "2999-01-01"}, 400, "period_start", None),
    ("bad-date", "secretary", {"period_start": "yesterday"}, 400, "period_start", None),
    ("other-units-department", "secretary", {"scope_departments": ["xd"]}, 400, "scope_departments", None),
    ("string-container", "secretary", {"container": "abc"}, 400, "container", None),
    ("bool-container", "secretary", {"container": True}, 400, "container", None),
    ("list-title", "secretary", {"title": ["a"]}, 400, "title", None),
]


def _resolve(org, overrides):
    named = {"cabinet", "ordinary", "other_safe", "safe"}
    out = {}
    for key, value in overrides.items():
        if key == "container" and value in named:
            value = getattr(org, value).pk
        if key == "scope_departments" and value == ["xd"]:
            value = [org.xd.pk]
        out[key] = value
    return out


@pytest.mark.parametrize(("who", "overrides", "status", "field", "text"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_registration_changes_nothing(org, counts, who, overrides, status, field, text):
    before = counts()
    response = api_as(getattr(org, who)).post(CARRIERS, payload(org, **_resolve(org, overrides)), format="json")
    assert response.status_code == status, response.content
    body = response.json()
    assert body, "a refusal says why"
    if field is not None:
        assert field in body, body
        assert all(isinstance(m, str) and m.strip() for m in body[field]), body
    else:
        assert isinstance(body.get("detail"), str) and body["detail"].strip()
    if text is not None:
        assert text in _messages(body), body
    assert counts() == before


def test_above_clearance_message_names_the_reason(org):
    response = api_as(org.clerk).post(
        CARRIERS, payload(org, level="TOP_SECRET", container=org.safe.pk), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "clearance" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"kind": "paper", "title": ', "application/json", 400),
        ("not json at all", "application/json", 400),
        ("\x00\x01", "application/json", 400),
        ("kind=paper&title=x", "application/x-www-form-urlencoded", 415),
        ("kind=paper", "text/plain", 415),
        ("<carrier/>", "application/xml", 415),
        ("[]", "application/json", 400),
        ('[{"kind": "paper"}]', "application/json", 400),
        ('"a string"', "application/json", 400),
        ("42", "application/json", 400),
        ("null", "application/json", 400),
        ("", "application/json", 400),
    ],
    ids=["truncated-json", "not-json", "binary", "form", "text", "xml", "empty-list", "list", "string", "number",
         "null", "empty"],
)
def test_malformed_bodies_are_refused_cleanly(org, counts, body, content_type, status):
    before = counts()
    response = api_as(org.secretary).generic("POST", CARRIERS, body.encode(), content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()
    assert counts() == before


def test_list_payload_is_refused_with_a_message(org, counts):
    before = counts()
    response = api_as(org.secretary).post(CARRIERS, [payload(org)], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert counts() == before


def test_unknown_field_is_named(org):
    response = api_as(org.secretary).post(CARRIERS, payload(org, colour="red", status="destroyed"), format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"colour", "status"}


def test_carriers_are_read_only_apart_from_registering(org):
    carrier = register(org.secretary, container=org.cabinet)
    client = api_as(org.secretary)
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"{CARRIERS}{carrier.pk}/", {"title": "x"}, format="json")
        assert response.status_code == 405, method
    carrier.refresh_from_db()
    assert carrier.title == "测试文件"


def test_non_numeric_or_huge_ids_answer_404(org):
    client = api_as(org.secretary)
    for pk in ("abc", "1e5", "-1", str(10**30), "0"):
        assert client.get(f"{CARRIERS}{pk}/").status_code == 404, pk


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(org):
    """Carriers of every level, a few kinds, one per holder, and one of the other unit."""
    c = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, title="alpha report", kind="paper")
    s = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="beta drawing", kind="article", copy_number="")
    t = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="gamma plan",
                 kind="electronic", medium="usb", copy_number="", originator="Ministry Zeta")
    k = register(org.clerk, container=org.cabinet, level=Level.SECRET, title="delta memo")
    x = register(org.other_secretary, container=org.other_safe, level=Level.SECRET, title="other unit memo")
    return {"c": c, "s": s, "t": t, "k": k, "x": x}


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_only_visible_rows(org, catalogue):
    client = api_as(org.secretary)
    assert _ids(client.get(CARRIERS)) == {catalogue[k].pk for k in "cstk"}
    assert _ids(api_as(org.clerk).get(CARRIERS)) == {catalogue[k].pk for k in "csk"}
    assert _ids(api_as(org.other_secretary).get(CARRIERS)) == {catalogue["x"].pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "TOP_SECRET"}, "t"),
        ({"level": "SECRET"}, "sk"),
        ({"level": "CONFIDENTIAL"}, "c"),
        ({"level": "3"}, "t"),
        ({"kind": "article"}, "s"),
        ({"kind": "electronic"}, "t"),
        ({"status": "in_custody"}, "cstk"),
        ({"status": "destroyed"}, ""),
        ({"holder": "clerk"}, "k"),
        ({"holder": "secretary"}, "cst"),
        ({"unit": "unit"}, "cstk"),
        ({"unit": "other_unit"}, ""),
        ({"container": "safe"}, "t"),
        ({"q": "gamma"}, "t"),
        ({"q": "GAMMA"}, "t"),
        ({"q": "Zeta"}, "t"),
        ({"q": "memo"}, "k"),
        ({"q": "U-"}, "cstk"),
        ({"q": "nothing like this"}, ""),
        ({"level": "SECRET", "holder": "secretary"}, "s"),
    ],
    ids=lambda v: json.dumps(v, ensure_ascii=True) if isinstance(v, dict) else v,
)
def test_filters(org, catalogue, query, expected):
    params = {}
    for key, value in query.items():
        if key == "holder":
            value = getattr(org, value).pk
        elif key == "unit":
            value = getattr(org, value).pk
        elif key == "container":
            value = getattr(org, value).pk
        params[key] = value
    assert _ids(api_as(org.secretary).get(CARRIERS, params)) == {catalogue[k].pk for k in expected}


def test_text_filter_with_a_nul_byte_is_refused_not_crashed(org, catalogue):
    response = api_as(org.secretary).get(f"{CARRIERS}?q=al%00pha")
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "level=ULTRA", "level=0", "level=4", "holder=abc", "holder=0", "holder=-3", "unit=abc", "unit=1.5.2",
        "status=vanished", "kind=scroll", "container=x", "holder=NaN", "holder=Infinity", "q=" + "x" * 101,
    ],
)
def test_invalid_filter_values_answer_400(org, catalogue, query):
    response = api_as(org.secretary).get(f"{CARRIERS}?{query}")
    assert response.status_code == 400, (query, response.status_code, response.content[:300])
    name = query.split("=", 1)[0]
    assert name in response.json()


def test_huge_valid_looking_filter_numbers_do_not_crash(org, catalogue):
    client = api_as(org.secretary)
    for query in ("holder=9223372036854775808", "unit=99999999999999999999", "container=1e30",
                  "holder=" + "9" * 40):
        response = client.get(f"{CARRIERS}?{query}")
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 200:
            assert response.json()["results"] == []


def test_pagination(org, catalogue):
    client = api_as(org.secretary)
    body = client.get(CARRIERS, {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    assert client.get(CARRIERS, {"page": 99}).status_code == 404
    # not a page number at all: a refused request (the schema says integer from 1), not a missing page
    refused = client.get(CARRIERS, {"page": "abc"})
    assert refused.status_code == 400 and "page" in refused.json()


# --- audit trail ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["auditor", "secretary", "clerk"])
def test_audit_events_for_auditors_and_secrecy_office(org, catalogue, who):
    client = api_as(getattr(org, who))
    body = client.get("/api/v1/audit/events/", {"page_size": 3}).json()
    assert set(body) >= {"next", "previous", "results"}
    assert "count" not in body  # cursor pagination
    seqs = [e["seq"] for e in body["results"]]
    assert len(seqs) == 3 and seqs == sorted(seqs, reverse=True)
    assert body["next"] and "cursor=" in body["next"]
    following = client.get(body["next"]).json()
    next_seqs = [e["seq"] for e in following["results"]]
    assert next_seqs and max(next_seqs) < min(seqs)


def test_audit_events_show_signatures(org, catalogue):
    body = api_as(org.auditor).get("/api/v1/audit/events/", {"action": "signature.made"}).json()
    assert body["results"]
    signature = body["results"][0]["signature"]
    assert signature["printed_name"] and signature["meaning"] == "registered" and signature["content_hash"]


@pytest.mark.parametrize("who", ["staff_core", "staff_general", "head_res", "api_client", "staff_none", "departed"])
def test_audit_events_refused_to_others(org, catalogue, who):
    client = api_as(getattr(org, who))
    assert client.get("/api/v1/audit/events/").status_code == 403
    assert client.get("/api/v1/audit/verify/").status_code == 403


def test_audit_events_stay_within_what_the_reader_may_see(org, catalogue):
    """The audit trail carries carrier titles and numbers: an auditor of another unit, or one whose
    clearance does not reach a carrier, must not read them there either."""
    top = catalogue["t"]
    other = api_as(org.other_secretary).get("/api/v1/audit/events/", {"page_size": 1000}).json()["results"]
    assert other, "the other unit's own events are there"
    assert all(e["target_id"] != str(top.pk) for e in other)
    assert "gamma plan" not in _messages(other)
    assert "alpha report" not in _messages(other)
    clerk = api_as(org.clerk).get("/api/v1/audit/events/", {"page_size": 1000}).json()["results"]
    assert clerk
    assert "gamma plan" not in _messages(clerk)
    assert top.registry_number not in _messages(clerk)
    assert "beta drawing" in _messages(clerk)
    assert api_as(org.clerk).get(f"/api/v1/audit/events/{top.status_event_id}/").status_code == 404
    auditor = api_as(org.auditor).get("/api/v1/audit/events/", {"page_size": 1000}).json()["results"]
    assert "gamma plan" in _messages(auditor)
    assert "other unit memo" not in _messages(auditor)


def test_audit_event_filters_refuse_bad_values(org, catalogue):
    client = api_as(org.auditor)
    assert client.get("/api/v1/audit/events/", {"actor": "abc"}).status_code == 400
    assert client.get("/api/v1/audit/events/", {"cursor": "garbage"}).status_code == 404
    body = client.get("/api/v1/audit/events/", {"actor": org.clerk.pk}).json()
    assert body["results"] and all(e["actor"] == org.clerk.pk for e in body["results"])


def test_audit_verify(org, catalogue):
    response = api_as(org.auditor).get("/api/v1/audit/verify/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["count"] == AuditEvent.objects.count()
    # the head is the last link of the chain (the links are made at commit, flushed by the check)
    from audit.models import ChainLink

    last = ChainLink.objects.order_by("-pos").first()
    assert last.pos == body["count"]
    assert body["head"] == last.hash and re.fullmatch(r"[0-9a-f]{64}", body["head"])
    assert body["broken_seq"] is None


def test_audit_trail_is_read_only_over_the_api(org, catalogue):
    client = api_as(org.auditor)
    event = AuditEvent.objects.order_by("seq").first()
    assert client.post("/api/v1/audit/events/", {"action": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/audit/events/{event.seq}/").status_code == 405
    assert client.patch(f"/api/v1/audit/events/{event.seq}/", {"action": "x"}, format="json").status_code == 405


# --- reference lists: the caller's own unit only -----------------------------------------------


def _all_results(client, url):
    response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("who", ["secretary", "staff_general", "auditor"])
def test_units_people_containers_limited_to_own_unit(org, who):
    client = api_as(getattr(org, who))
    units = {u["code"] for u in _all_results(client, "/api/v1/units/")}
    assert units == {"U", "U-SEC", "U-RES", "U-GEN"}
    people = {p["username"] for p in _all_results(client, "/api/v1/people/")}
    assert "secretary" in people and "staff_none" in people and "root" in people
    assert "other_secretary" not in people
    containers = {c["code"] for c in _all_results(client, "/api/v1/containers/")}
    assert containers == {"SAFE", "CAB", "ROOM", "ORD"}
    # a detail of the other unit answers as missing
    assert client.get(f"/api/v1/units/{org.other_unit.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{org.other_secretary.pk}/").status_code == 404
    assert client.get(f"/api/v1/containers/{org.other_safe.pk}/").status_code == 404
    assert client.get(f"/api/v1/containers/{org.safe.pk}/").json()["max_level"] == "TOP_SECRET"


def test_other_unit_sees_its_own(org):
    client = api_as(org.other_secretary)
    assert {u["code"] for u in _all_results(client, "/api/v1/units/")} == {"X", "X-D"}
    assert {p["username"] for p in _all_results(client, "/api/v1/people/")} == {"other_secretary"}
    assert {c["code"] for c in _all_results(client, "/api/v1/containers/")} == {"XSAFE"}


def test_people_show_clearance_and_roles(org):
    people = {p["username"]: p for p in _all_results(api_as(org.secretary), "/api/v1/people/")}
    assert people["secretary"]["clearance"] == "TOP_SECRET"
    assert people["staff_none"]["clearance"] is None
    assert people["departed"]["clearance"] is None
    assert people["clerk"]["roles"] == ["secrecy_office"]
    assert people["secretary"]["id"] == org.secretary.pk


def test_reference_lists_refused_without_a_person(org):
    from tests.factories import UserFactory

    client = api_as(UserFactory(username="bare"))
    for url in ("/api/v1/units/", "/api/v1/people/", "/api/v1/containers/", CARRIERS):
        assert client.get(url).status_code == 403, url


# --- schema and docs ------------------------------------------------------------------------------


def test_schema_endpoint(org):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/vnd.oai.openapi+json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    assert "/api/v1/carriers/" in schema["paths"]


def test_schema_validates_and_lists_carrier_endpoints():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/carriers/"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/carriers/{id}/"]
    for path in ("/api/v1/auth/token/", "/api/v1/audit/events/", "/api/v1/audit/verify/", "/api/v1/units/",
                 "/api/v1/people/", "/api/v1/containers/"):
        assert path in paths, path
    request_body = paths["/api/v1/carriers/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = request_body["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert "password" in component["properties"] and "password" in component["required"]
    params = {p["name"] for p in paths["/api/v1/carriers/"]["get"]["parameters"]}
    assert params >= {"level", "status", "kind", "holder", "unit", "q"}


def test_api_docs_page_loads_only_same_origin_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    foreign = re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", html)
    foreign = [u for u in foreign if not re.match(r"(?:https?:)?//(?:testserver|localhost|127\.0\.0\.1)(?:[:/]|$)", u)]
    assert foreign == [], foreign
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        if asset.startswith("/static/"):
            got = client.get(asset)
            assert got.status_code == 200, asset
            body = b"".join(got.streaming_content) if got.streaming else got.content
            assert body
