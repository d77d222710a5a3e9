"""Destroyed is final: a destroyed carrier refuses every later action (handover, status change,
storing, a new destruction, API writes), with a clear refusal, never a 500, nothing written. And
there is no way to sell or discard a carrier as waste: no status, method, handover kind or route."""

import re

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from carriers import services as carrier_services
from carriers.destruction.models import Method, Route
from carriers.models import ALLOWED_MOVES, Carrier, Handover, Status
from common.errors import Conflict, DomainError
from tests.factories import api_token, audit_count_but_security

from .conftest import execute

pytestmark = pytest.mark.django_db


@pytest.fixture
def destroyed(org, approved, papers):
    execute(org, approved)
    return Carrier.objects.get(pk=papers[0].pk)


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_no_status_change(org, destroyed, audit_count):
    before = audit_count()
    for status in Status.values:
        with pytest.raises(Conflict):
            carrier_services.transition(carrier=destroyed, to_status=status, actor=org.secretary, reason="try")
    assert audit_count() == before
    assert Carrier.objects.get(pk=destroyed.pk).status == "destroyed"


def test_the_database_refuses_a_raw_status_change(destroyed):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE carriers_carrier SET status = 'in_custody' WHERE id = %s", [destroyed.pk])
    assert Carrier.objects.get(pk=destroyed.pk).status == "destroyed"


@pytest.mark.parametrize("kind", [k for k in Handover.Kind.values])
def test_no_handover_of_any_kind(org, destroyed, audit_count, kind):
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.clerk,
                                        carriers=[destroyed], declared_count=1, kind=kind)
    assert destroyed.registry_number in str(exc.value.message)
    assert audit_count() == before


def test_not_stored(org, destroyed, audit_count):
    from carriers.storage import services as storage

    before = audit_count()
    with pytest.raises(DomainError):
        storage.store_carrier(actor=org.secretary, carrier_id=destroyed.pk, container=org.safe)
    assert audit_count() == before
    assert Carrier.objects.get(pk=destroyed.pk).container_id == org.cabinet.pk


def test_not_destroyed_again(org, destroyed, audit_count):
    from .conftest import submit

    before = audit_count()
    with pytest.raises(Conflict):
        submit(org, [destroyed])
    assert audit_count() == before


def test_api_writes_are_refused(org, destroyed):
    client = api_as(org.secretary)
    before = audit_count_but_security()
    url = f"/api/v1/carriers/{destroyed.pk}/"
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, {"title": "改名", "status": "in_custody"}, format="json")
        assert response.status_code == 405, (method, response.status_code)
    response = client.post("/api/v1/handovers/", {"taker": org.clerk.pk, "carriers": [destroyed.pk],
                                                  "declared_count": 1, "password": org.password}, format="json")
    assert response.status_code == 409 and destroyed.registry_number in response.json()["detail"]
    response = client.post("/api/v1/destruction-requests/", {"carriers": [destroyed.pk], "reason": "again",
                                                             "method": "shredding"}, format="json")
    assert response.status_code == 409
    assert audit_count_but_security() == before
    assert client.get(url).json()["status"] == "destroyed"


WASTE = re.compile(r"sell|sale|sold|waste|scrap|recycl|discard|dispos", re.IGNORECASE)


def test_no_status_method_or_handover_kind_sells_or_discards_as_waste():
    for values in (Status.values, Method.values, Route.values, Handover.Kind.values):
        assert not [v for v in values if WASTE.search(v)], values
    # the only ways out of the registry's care are destruction (final) and declassification
    assert ALLOWED_MOVES[Status.DESTROYED] == () and ALLOWED_MOVES[Status.PENDING_DESTRUCTION] == (
        Status.DESTROYED, Status.IN_CUSTODY, Status.LOST)


def test_no_route_sells_or_discards_as_waste():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route, getattr(pattern, "name", "") or ""

    routes = list(walk(get_resolver().url_patterns))
    assert any("destruction" in r for r, _name in routes)  # the walk sees the app's routes
    offending = [(r, n) for r, n in routes if WASTE.search(r) or WASTE.search(n)]
    assert offending == []
