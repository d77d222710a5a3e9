"""Every POST, PUT, PATCH and DELETE of the API honours Idempotency-Key (issue 17, item 2): the
write endpoints are read from the URL conf itself, so a new one without the mechanism fails here.

For each, a caller's key already holds a stored answer (as a first request would have left it):
the same request again must get that answer back with `Idempotent-Replay: true`, whatever the
view would have done, and the same key with another body 422. The one anonymous endpoint (the
token) must refuse a key (400): keys are kept per signed-in caller."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from common.idempotency import WRITE_METHODS, IdempotentMixin, _digest, canonical_json
from common.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

BODY = {"probe": "idempotency", "n": 1}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _concrete(route: str) -> str:
    """A path the route matches: every parameter 1 (ids) or "x" (names); the view never runs."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("^", "").replace("\\.", ".")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "1" if m.group(1) in ("pk", "id") or m.group(1).endswith("_id")
                   else "x", route)
    route = re.sub(r"<(?:int:)?(\w+)>", lambda m: "1", route)
    route = re.sub(r"<(?:slug|str):(\w+)>", lambda m: "x", route)
    return "/" + route.replace("(?:", "").replace(")?", "")


def write_endpoints():
    """(path, method, view class) of every write the URL conf routes under /api/."""
    found = []
    for route, callback in _walk(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        if cls is None or not route.lstrip("^").startswith("api/"):
            continue
        if "format" in route:  # the router's `.json` suffix twins of the same views
            continue
        actions = getattr(callback, "actions", None)
        if actions is not None:
            methods = [m.upper() for m in actions if m.upper() in WRITE_METHODS and m in cls.http_method_names]
        else:
            methods = [m for m in WRITE_METHODS if hasattr(cls, m.lower()) and m.lower() in cls.http_method_names]
        found.extend((_concrete(route), method, cls) for method in sorted(methods))
    return found


ENDPOINTS = write_endpoints()
CALLERS = ("secretary", "clerk", "staff_core", "head_res", "auditor", "unit_head", "api_client", "superuser")


def test_the_url_conf_has_the_writes_of_the_api():
    # the walk itself is checked: it finds the handover, the departure, the token and the token's revoke
    paths = {(path, method) for path, method, _cls in ENDPOINTS}
    assert ("/api/v1/handovers/", "POST") in paths
    assert ("/api/v1/people/1/depart/", "POST") in paths
    assert ("/api/v1/auth/token/", "POST") in paths
    assert ("/api/v1/auth/tokens/1/", "DELETE") in paths
    assert len(ENDPOINTS) >= 100


@pytest.mark.parametrize(("path", "method", "cls"), ENDPOINTS, ids=[f"{m} {p}" for p, m, _c in ENDPOINTS])
def test_every_write_replays_its_stored_answer(org, path, method, cls):
    assert issubclass(cls, IdempotentMixin), f"{cls.__name__} does not take its views from common.api"
    if cls.authentication_classes == ():
        response = APIClient().generic(method, path, data='{"username": "x"}', content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY="anonymous-key")
        assert response.status_code == 400 and "Idempotency-Key" in response.json(), response.content
        assert not IdempotencyRecord.objects.exists()
        return
    message = f"{method} {path}\n{canonical_json(BODY)}"
    answers = {}
    for name in CALLERS:
        user = getattr(org, name)
        stored = {"stored_for": name, "path": path}
        IdempotencyRecord.objects.create(user=user, key="k-1", endpoint=path, status_code=201, response_body=stored,
                                         request_hash=_digest(message, settings.SECRET_KEY))
        client = APIClient()
        client.force_authenticate(user)
        response = client.generic(method, path, data=canonical_json(BODY), content_type="application/json",
                                  HTTP_IDEMPOTENCY_KEY="k-1")
        answers[name] = response.status_code
        if response.status_code == 403:  # this caller may not use the endpoint at all: another one
            continue
        assert response.status_code == 201, (name, response.status_code, response.content)
        assert response["Idempotent-Replay"] == "true" and response.json() == stored
        other = client.generic(method, path, data=canonical_json({**BODY, "n": 2}), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="k-1")
        assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch", other.content
        return
    pytest.fail(f"no caller reached {method} {path}: {answers}")
