"""The destruction stage's access policy (carriers/destruction/policy.py): every model registered with
the gate; a destruction request naming a Top Secret carrier is not seen by a Secret-cleared
secrecy-office clerk (API list, API detail 404, HTML pages 404) and is by the unit's Top
Secret-cleared secretary; someone who signed for a destruction but may not open one of its
carriers sees it counted, never named (API, page, the destruction register); the actions answer
what the services enforce."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.destruction import policy, selectors
from carriers.destruction.models import DestructionItem
from common import access
from common.levels import Level
from tests.factories import register

from .conftest import approve_all, execute, submit

REQUESTS = "/api/v1/destruction-requests/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("destruction").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret(org):
    return register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密待销毁文件")


@pytest.fixture
def destroying_top_secret(org, papers, top_secret, head_sec):
    return submit(org, [papers[0], top_secret])


def test_clerk_cannot_see_a_destruction_naming_a_top_secret_carrier(org, top_secret, destroying_top_secret):
    number = top_secret.registry_number
    listed = api(org.clerk).get(REQUESTS)
    assert listed.status_code == 200 and listed.json()["count"] == 0 and number not in listed.content.decode()
    assert api(org.clerk).get(f"{REQUESTS}{destroying_top_secret.pk}/").status_code == 404
    assert page(org.clerk).get(f"/destruction/{destroying_top_secret.pk}/").status_code == 404
    assert page(org.clerk).get(f"/destruction/{destroying_top_secret.pk}/execute/").status_code == 404
    assert not access.restrict(DestructionItem.objects.filter(carrier=top_secret), org.clerk).exists()


def test_secretary_sees_it_with_every_carrier(org, top_secret, destroying_top_secret):
    number = top_secret.registry_number
    assert number in api(org.secretary).get(REQUESTS).content.decode()
    detail = api(org.secretary).get(f"{REQUESTS}{destroying_top_secret.pk}/").json()
    assert detail["hidden_carriers"] == 0 and number in detail["carriers"]
    html = page(org.secretary).get(f"/destruction/{destroying_top_secret.pk}/")
    assert html.status_code == 200 and number in html.content.decode()


def test_a_signer_outside_a_carriers_need_to_know_sees_it_counted(org, head_sec):
    """staff_important supervised the destruction on the spot; of its two carriers they may open
    only the one whose scope names them."""
    hidden = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="不可知文件")
    shown = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_people=[org.staff_important],
                     title="可知文件")
    request = approve_all(org, submit(org, [hidden, shown]), head_sec)
    execute(org, request, actor=org.clerk, destroyer=org.clerk, supervisor=org.staff_important)
    data = api(org.staff_important).get(f"{REQUESTS}{request.pk}/").json()
    assert data["carrier_count"] == 2 and data["hidden_carriers"] == 1
    assert data["carriers"] == [shown.registry_number]
    listed = api(org.staff_important).get(REQUESTS).content.decode()
    html = page(org.staff_important).get(f"/destruction/{request.pk}/").content.decode()
    assert "1 more carrier is not visible to you." in html and shown.registry_number in html
    for text in (str(data), listed, html):
        assert hidden.registry_number not in text and hidden.title not in text
    assert list(access.restrict(DestructionItem.objects.filter(request=request), org.staff_important)
                .values_list("carrier_id", flat=True)) == [shown.pk]
    # the destruction register's rows are lines, each through the gate
    assert [i.carrier_id for i in selectors.destroyed_items(user=org.staff_important)] == [shown.pk]
    assert {i.carrier_id for i in selectors.destroyed_items(user=org.secretary)} == {hidden.pk, shown.pk}


def test_actions_answer_what_the_services_enforce(org, approved):
    assert policy.may_manage_facilities(org.secretary) and not policy.may_manage_facilities(org.staff_core)
    assert access.can(org.clerk, policy.MANAGE_FACILITIES) and not access.can(org.head_res, policy.MANAGE_FACILITIES)
    assert policy.may_execute(org.clerk, approved) and access.can(org.clerk, policy.EXECUTE, approved)
    assert not policy.may_execute(org.other_secretary, approved) and not access.can(org.clerk, policy.EXECUTE)
    assert not policy.may_hand_over(org.secretary, approved)  # in house, not a facility batch
    assert not policy.may_record_certificate(org.secretary, approved)
    execute(org, approved)
    approved.refresh_from_db()
    assert not policy.may_execute(org.clerk, approved)  # destroyed: once only
