"""The copying stage's access policy (carriers/copying/policy.py): every model registered with the
gate; a copy request and a compilation naming a Top Secret carrier are not seen by a Secret-cleared
secrecy-office clerk (API list, API detail 404, HTML page 404) and are by the unit's Top
Secret-cleared secretary; a copy request is hidden from anyone who may not open its source (its
requester included), its copies are counted, never named, for a reader who may not open them; the
actions answer what the services enforce."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.copying import policy
from carriers.copying.models import CopyRequest
from carriers.models import Carrier
from common import access

from .conftest import approved_copy, ask_compilation, ask_copy, execute

COPIES = "/api/v1/copy-requests/"
DERIVATIONS = "/api/v1/derivations/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("copying").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret_copy(org, src):
    return ask_copy(org, src.top, copies=2)


def test_clerk_cannot_see_a_copy_request_naming_a_top_secret_carrier(org, src, top_secret_copy):
    number = src.top.registry_number
    listed = api(org.clerk).get(COPIES)
    assert listed.status_code == 200 and number not in listed.content.decode() and listed.json()["count"] == 0
    assert api(org.clerk).get(f"{COPIES}{top_secret_copy.pk}/").status_code == 404
    assert page(org.clerk).get(f"/copying/requests/{top_secret_copy.pk}/").status_code == 404
    assert number not in page(org.clerk).get("/copying/").content.decode()


def test_secretary_sees_it(org, src, top_secret_copy):
    number = src.top.registry_number
    assert number in api(org.secretary).get(COPIES).content.decode()
    detail = api(org.secretary).get(f"{COPIES}{top_secret_copy.pk}/")
    assert detail.status_code == 200 and detail.json()["source"]["registry_number"] == number
    html = page(org.secretary).get(f"/copying/requests/{top_secret_copy.pk}/")
    assert html.status_code == 200 and number in html.content.decode()


def test_clerk_cannot_see_a_compilation_of_a_top_secret_carrier(org, src):
    compilation = ask_compilation(org, [src.secret, src.top], title="绝密汇编")
    assert compilation.title not in api(org.clerk).get(DERIVATIONS).content.decode()
    assert api(org.clerk).get(f"{DERIVATIONS}{compilation.pk}/").status_code == 404
    assert page(org.clerk).get(f"/copying/derivations/{compilation.pk}/").status_code == 404
    data = api(org.secretary).get(f"{DERIVATIONS}{compilation.pk}/").json()
    assert {s["registry_number"] for s in data["sources"]} == {src.secret.registry_number, src.top.registry_number}
    assert page(org.secretary).get(f"/copying/derivations/{compilation.pk}/").status_code == 200


def test_a_copy_request_goes_with_its_source(org, src):
    """The requester no longer in the source's scope: the request, which names it, is hidden too."""
    request = ask_copy(org, src.secret)
    assert api(org.staff_core).get(f"{COPIES}{request.pk}/").status_code == 200
    Carrier.scope_departments.through.objects.filter(carrier_id=src.secret.pk).delete()
    assert api(org.staff_core).get(f"{COPIES}{request.pk}/").status_code == 404
    assert page(org.staff_core).get(f"/copying/requests/{request.pk}/").status_code == 404
    assert not access.restrict(CopyRequest.objects.filter(pk=request.pk), org.staff_core).exists()


def test_copies_the_reader_may_not_open_are_counted_not_named(org, licence, src):
    request = approved_copy(org, src.secret, copies=2)
    execute(org, request)
    made = list(request.made.order_by("copy_number").values_list("carrier_id", "carrier__registry_number"))
    hidden_id, hidden_number = made[1]
    Carrier.scope_departments.through.objects.filter(carrier_id=hidden_id).delete()
    data = api(org.staff_core).get(f"{COPIES}{request.pk}/").json()
    assert data["hidden_copies"] == 1 and [c["registry_number"] for c in data["copies_made"]] == [made[0][1]]
    html = page(org.staff_core).get(f"/copying/requests/{request.pk}/").content.decode()
    assert "1 more carrier is not visible to you." in html and hidden_number not in html
    assert hidden_number not in str(data)
    assert api(org.secretary).get(f"{COPIES}{request.pk}/").json()["hidden_copies"] == 0


def test_actions_answer_what_the_services_enforce(org, licence, src):
    assert policy.may_manage_licences(org.secretary) and not policy.may_manage_licences(org.staff_core)
    assert access.can(org.secretary, policy.MANAGE_LICENCES) and not access.can(org.head_res, policy.MANAGE_LICENCES)
    assert policy.may_make_extract(org.secretary) and not policy.may_make_extract(org.staff_core)
    waiting = ask_copy(org, src.secret)
    assert not policy.may_copy(org.secretary, waiting)
    request = approved_copy(org, src.secret)
    assert policy.may_copy(org.secretary, request) and access.can(org.secretary, policy.COPY, request)
    assert not policy.may_copy(org.staff_core, request) and not policy.may_copy(org.other_secretary, request)
    execute(org, request)
    request.refresh_from_db()
    assert not policy.may_copy(org.secretary, request)  # copied: once only
    compilation = ask_compilation(org, [src.secret, src.later])
    assert not policy.may_make_compilation(org.secretary, compilation)  # not approved yet
