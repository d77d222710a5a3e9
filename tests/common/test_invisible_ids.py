"""Bad input of issue 13: the id of an object the caller may not see, in a path, a filter or a
body, gets the same answer as a missing id, byte for byte, in every app. Generated from the OpenAPI
schema, so a new endpoint is covered without anyone remembering it."""

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from carriers.models import Carrier
from common.levels import Level
from tests.factories import register

CARRIER_FIELDS = re.compile(r"^(carrier|carriers|source|sources|carrier_id|carrier_ids)$")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _normalise(response, *values) -> tuple[int, str]:
    body = response.content.decode()
    for value in values:
        body = re.sub(rf"(?<![0-9]){value}(?![0-9])", "<ID>", body)
    return response.status_code, body


@pytest.fixture
def ids(org):
    hidden = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="hidden title")
    missing = (Carrier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    return hidden.pk, missing


def _paths(schema, method):
    for path, operations in schema["paths"].items():
        operation = operations.get(method)
        if operation:
            yield path.removeprefix("/api/v1"), operation


def test_carrier_paths_answer_alike(org, schema, ids):
    hidden, missing = ids
    client = _client(org.clerk)  # secrecy office, Secret clearance: cannot open the Top Secret one
    checked = 0
    for path, _operation in _paths(schema, "get"):
        if not path.startswith("/carriers/{id}"):
            continue
        url = "/api/v1" + path
        a = client.get(url.replace("{id}", str(hidden)))
        b = client.get(url.replace("{id}", str(missing)))
        assert _normalise(a, hidden) == _normalise(b, missing), url
        assert b"hidden title" not in a.content
        checked += 1
    assert checked >= 1


def test_carrier_filters_answer_alike(org, schema, ids):
    hidden, missing = ids
    client = _client(org.clerk)
    checked = 0
    for path, operation in _paths(schema, "get"):
        if "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query" or not CARRIER_FIELDS.match(parameter["name"]):
                continue
            url = f"/api/v1{path}"
            a = client.get(url, {parameter["name"]: hidden})
            b = client.get(url, {parameter["name"]: missing})
            assert _normalise(a, hidden) == _normalise(b, missing), f"{url}?{parameter['name']}="
            checked += 1
    assert checked >= 1


def test_carrier_references_in_bodies_answer_alike(org, schema, ids):
    hidden, missing = ids
    client = _client(org.clerk)
    components = schema["components"]["schemas"]
    checked = 0
    for path, operation in _paths(schema, "post"):
        if "{" in path:
            continue
        ref = (operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
               .get("$ref", ""))
        properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        for name, spec in properties.items():
            if not CARRIER_FIELDS.match(name):
                continue
            value = (lambda v: [v]) if spec.get("type") == "array" else (lambda v: v)
            url = f"/api/v1{path}"
            a = client.post(url, json.dumps({name: value(hidden)}), content_type="application/json")
            b = client.post(url, json.dumps({name: value(missing)}), content_type="application/json")
            assert a.status_code < 500 and b.status_code < 500, url
            assert _normalise(a, hidden) == _normalise(b, missing), f"POST {url} {name}"
            checked += 1
    assert checked >= 3
