"""The schema says what the server does (issue 17, items 1 and 4): checked in-process against the
schema the server serves, with real PostgreSQL."""

import datetime
import json

import jsonschema
import pytest
from django.test import override_settings
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from common import deprecation
from common.schema import API_VERSION

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        answer = APIClient().get("/api/schema/?format=json")
    assert answer.status_code == 200
    return json.loads(answer.content)


def resolved(schema, ref_or_schema):
    """A component schema with its $refs resolvable (the whole document as the root)."""
    return {**ref_or_schema, "components": schema["components"]}


def test_the_schema_the_contract_run_fuzzes_is_the_one_served(schema):
    """tests/api_contract/test_schemathesis.py takes the generator's schema at collection, without a
    request: it must be what a client downloads."""
    from tests.leak_oracle import openapi_schema

    assert json.loads(json.dumps(openapi_schema(), default=str)) == schema


def test_the_schema_carries_its_version(schema):
    assert schema["info"]["version"] == API_VERSION
    assert API_VERSION.split(".")[0] == "1" and schema["info"]["x-api-major"] == "1"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_documents_its_refusals_with_the_shared_components(schema):
    operations = [(path, method, op) for path, item in schema["paths"].items()
                  for method, op in item.items() if method in {"get", "post", "put", "patch", "delete"}]
    assert len(operations) > 150
    for path, method, op in operations:
        responses = op["responses"]
        assert "403" in responses, (method, path)
        if not any(not requirement for requirement in op.get("security", [{}])):
            assert responses["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), path
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "get":
            assert {"400", "409", "413", "422"} <= set(responses), (method, path)
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationError")


def test_strict_request_bodies_refuse_unknown_fields_in_the_schema_and_in_fact(schema, org):
    body = schema["components"]["schemas"]["HandoverStartRequest"]
    assert body["additionalProperties"] is False
    answer = client_for(org.secretary).post("/api/v1/handovers/", {"carrier": 1, "surprise": 1}, format="json")
    assert answer.status_code == 400 and answer.json()["surprise"] == ["Unknown field."]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("note", 12, "Must be a string."), ("declared_count", "1", "Must be a whole number."),
    ("declared_count", True, "Must be a whole number."), ("note", ["x"], "Must be a string."),
    ("carriers", {}, "Must be a list."),
])
def test_a_json_value_of_another_type_than_the_schema_says_is_refused(org, field, value, message):
    # DRF would take 12 for "12" and "1" for 1: the schema says string and integer, and means it
    body = {"taker": org.staff_core.pk, "carriers": [1], "declared_count": 1, "password": org.password,
            field: value}
    answer = client_for(org.secretary).post("/api/v1/handovers/", body, format="json")
    assert answer.status_code == 400 and answer.json()[field] == [message]


def test_a_boolean_must_be_true_or_false(org):
    body = {"name": "x", "is_individual": "true"}
    answer = client_for(org.secretary).post("/api/v1/enterprises/", body, format="json")
    assert answer.status_code == 400 and answer.json()["is_individual"] == ["Must be true or false."]


def test_numeric_filters_are_documented_as_ids_from_1_and_names_as_strings(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/carriers/"]["get"]["parameters"]}
    for name in ("holder", "container", "unit"):
        assert params[name]["type"] == "integer" and params[name]["minimum"] == 1, name
    assert params["level"]["type"] == "string" and "SECRET" in params["level"]["enum"]
    loans = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/loans/"]["get"]["parameters"]}
    assert loans["carrier"]["minimum"] == 1 and loans["borrower"]["minimum"] == 1


def test_a_status_filter_outside_its_enum_is_refused_not_ignored(org):
    answer = client_for(org.secretary).get("/api/v1/circulations/?status=AAA")
    assert answer.status_code == 400 and "status" in answer.json()
    assert client_for(org.secretary).get("/api/v1/circulations/?status=completed").status_code == 200
    for url, name in (("/api/v1/loans/?status=AAA", "status"), ("/api/v1/circulations/?box=AAA", "box")):
        answer = client_for(org.secretary).get(url)
        assert answer.status_code == 400 and name in answer.json(), url
    assert client_for(org.secretary).get("/api/v1/loans/?status=requested").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/audit/events/?until=", "/api/v1/dispatches/?until=",
                                 "/api/v1/dispatches/?since=%20", "/api/v1/carriers/?holder=",
                                 "/api/v1/carriers/?level="])
def test_an_empty_typed_filter_is_refused_not_read_as_no_filter(org, url):
    """The schema says format date or an id: an empty value is not one (found by make contract)."""
    who = org.auditor if "/audit/" in url else org.secretary
    name = url.split("?")[1].split("=")[0]
    answer = client_for(who).get(url)
    assert answer.status_code == 400 and name in answer.json(), answer.content
    assert client_for(who).get(url.split("?")[0]).status_code == 200


def test_every_empty_typed_filter_is_refused_not_read_as_no_filter(schema, org):
    """Every typed query filter of every list (an enum, a number, an id, true/false, a date), from the
    schema: `?status=` is no value of its type, so 400 naming the filter, never the unfiltered list
    (make test's contract run found `/alerts/?status=`)."""
    checked, wrong = [], []
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            spec = parameter.get("schema", {})
            typed = spec.get("enum") or spec.get("type") in {"integer", "number", "boolean"} or spec.get("format")
            if parameter["in"] != "query" or not typed or "" in spec.get("enum", []):
                continue
            who = org.auditor if path.startswith("/api/v1/audit/") else org.secretary
            answer = client_for(who).get(f"{path}?{parameter['name']}=")
            if answer.status_code != 400:
                wrong.append((path, parameter["name"], answer.status_code))
            checked.append((path, parameter["name"]))
    assert not wrong, "\n".join(map(str, wrong))
    assert ("/api/v1/alerts/", "status") in checked and len(checked) > 10, checked


def test_an_empty_text_filter_still_means_no_filter(org):
    assert client_for(org.secretary).get("/api/v1/carriers/?q=").status_code == 200


def test_field_errors_of_a_field_named_code_fit_the_validation_component(schema):
    component = resolved(schema, schema["components"]["schemas"]["ValidationError"])
    jsonschema.validate({"code": ["This field is required."]}, component)
    jsonschema.validate({"detail": "Not found.", "code": "not_found"}, component)


def test_a_proof_carries_the_checkpoint_its_schema_describes(schema):
    inclusion = schema["components"]["schemas"]["InclusionProof"]["properties"]["checkpoint"]
    checkpoint = schema["components"]["schemas"][inclusion["$ref"].rsplit("/", 1)[-1]]
    assert "qr_text" not in checkpoint["required"] and "signature" in checkpoint["required"]
    listed = schema["components"]["schemas"]["CheckpointList"]["properties"]["checkpoints"]["items"]
    assert "qr_text" in schema["components"]["schemas"][listed["$ref"].rsplit("/", 1)[-1]]["required"]


def test_the_idempotency_key_is_documented_as_the_server_checks_it(schema):
    for path, method in (("/api/v1/handovers/", "post"), ("/api/v1/loans/", "post")):
        header = next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == "Idempotency-Key")
        assert header["schema"]["maxLength"] == 200 and header["schema"]["pattern"], path


def test_pk_fields_without_a_model_are_documented_as_integer_ids(schema):
    body = schema["components"]["schemas"]["TravelCreateRequest"]["properties"]
    assert body["traveller"]["type"] == "integer"


def test_an_action_that_ignores_the_list_filters_does_not_document_them(schema):
    assert not schema["paths"]["/api/v1/dispatches/recipients/"]["get"].get("parameters")


def test_request_strings_document_that_nul_is_refused(schema):
    patterns = [prop.get("pattern") for component in schema["components"]["schemas"].values()
                for prop in component.get("properties", {}).values() if prop.get("type") == "string"
                and not prop.get("readOnly")]
    assert r"^[^\x00]*$" in patterns or r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$" in patterns


def test_ids_in_paths_have_a_minimum(schema):
    param = next(p for p in schema["paths"]["/api/v1/carriers/{id}/"]["get"]["parameters"] if p["name"] == "id")
    assert param["schema"]["minimum"] == 1


def test_a_carrier_that_is_not_electronic_answers_a_medium_its_schema_allows(schema):
    medium = resolved(schema, schema["components"]["schemas"]["Carrier"]["properties"]["medium"])
    jsonschema.validate("", medium)
    jsonschema.validate("usb", medium)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("electronic", medium)


def test_an_approval_status_without_approval_is_documented_as_null(schema):
    for name in ("DepartureRecord", "Travel"):
        assert schema["components"]["schemas"][name]["properties"]["approval_status"]["nullable"] is True


@pytest.mark.parametrize("path", [
    "/api/v1/people/{id}/training/", "/api/v1/people/{id}/pledges/", "/api/v1/people/{id}/inspections/",
    "/api/v1/people/{id}/passport/", "/api/v1/production-requests/{id}/intermediates/",
    "/api/v1/register-exports/registers/",
])
def test_lists_answered_as_arrays_are_documented_as_arrays(schema, path):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"


def test_the_registers_list_is_the_array_its_schema_says(schema, org):
    answer = client_for(org.secretary).get("/api/v1/register-exports/registers/")
    assert answer.status_code == 200
    jsonschema.validate(answer.json(), resolved(
        schema, schema["paths"]["/api/v1/register-exports/registers/"]["get"]["responses"]["200"]
        ["content"]["application/json"]["schema"]))


def test_an_anonymous_incident_report_answers_the_receipt_its_schema_promises(schema, org):
    answer = client_for(org.staff_core).post("/api/v1/incidents/", {
        "kind": "violation", "summary": "A door left open", "occurred_at": "2026-01-05T10:00:00Z",
        "anonymous": True}, format="json")
    if answer.status_code != 201:
        pytest.fail(answer.content.decode())
    promised = schema["paths"]["/api/v1/incidents/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    jsonschema.validate(answer.json(), resolved(schema, promised))
    assert set(answer.json()) == {"id", "number", "anonymous"}


def test_an_unauthenticated_call_answers_401_with_the_error_component(schema):
    answer = APIClient().get("/api/v1/carriers/")
    assert answer.status_code == 401
    jsonschema.validate(answer.json(), resolved(schema, schema["components"]["schemas"]["Error"]))
    assert answer.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_page_that_is_not_a_number_is_a_400_not_a_404(org, page):
    answer = client_for(org.secretary).get(f"/api/v1/carriers/?page={page}")
    assert answer.status_code == 400 and "page" in answer.json()


def test_a_page_size_below_one_is_refused(org):
    assert client_for(org.secretary).get("/api/v1/carriers/?page_size=0").status_code == 400
    assert client_for(org.secretary).get("/api/v1/carriers/?page_size=2").status_code == 200


def test_a_deeply_nested_body_answers_400_json(org):
    body = "[" * 5000 + "]" * 5000
    answer = client_for(org.secretary).post("/api/v1/incidents/", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "too_deep"


def test_a_body_nested_beyond_the_limit_but_parseable_is_refused_too(org):
    body = json.dumps({"summary": "x"}).replace('"x"', "[" * 40 + "]" * 40)  # 41 deep: parses, refused
    answer = client_for(org.secretary).post("/api/v1/incidents/", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "too_deep"


def test_a_3_mb_body_answers_413_json_not_an_html_page(org):
    body = json.dumps({"summary": "x" * 3_000_000})
    answer = client_for(org.secretary).post("/api/v1/incidents/", body, content_type="application/json")
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("application/json") and answer.json()["code"] == "too_large"


@override_settings(ROOT_URLCONF="config.urls")
def test_a_body_django_refuses_before_drf_is_json_too(rf):
    from django.core.exceptions import RequestDataTooBig

    from common.api_errors import bad_request

    answer = bad_request(rf.post("/api/v1/incidents/"), RequestDataTooBig())
    assert answer.status_code == 413 and json.loads(answer.content)["code"] == "too_large"
    page = bad_request(rf.post("/login/"), RequestDataTooBig())
    assert page.status_code == 400 and not page["Content-Type"].startswith("application/json")


@deprecation.deprecated(since=datetime.date(2027, 1, 1), sunset=datetime.date(2027, 7, 1),
                        successor="/api/v1/loans/")
class _OldView(APIView):
    permission_classes = []
    authentication_classes = []

    def get(self, request):
        return Response({"ok": True})


def test_a_deprecated_view_announces_it_in_headers():
    answer = _OldView.as_view()(APIRequestFactory().get("/api/v1/old/"))
    assert answer["Deprecation"] == "@1798761600"
    assert answer["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert 'rel="deprecation"' in answer["Link"] and '</api/v1/loans/>; rel="successor-version"' in answer["Link"]


def test_an_operation_not_deprecated_has_no_deprecation_header(org):
    answer = client_for(org.secretary).get("/api/v1/carriers/")
    assert "Deprecation" not in answer


def test_the_schema_marks_a_deprecated_view_and_its_headers():
    from django.urls import path
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator(patterns=[path("api/v1/old/", _OldView.as_view())])
    result = generator.get_schema(request=None, public=True)
    operation = result["paths"]["/api/v1/old/"]["get"]
    assert operation["deprecated"] is True
    assert {"Deprecation", "Sunset", "Link"} <= set(operation["responses"]["200"]["headers"])
