"""The carrying stage's access policy (carriers/carrying/policy.py): every model registered with the
gate; a carry-out request naming a Top Secret carrier is not seen by a Secret-cleared
secrecy-office clerk (API list, API detail 404, HTML page 404) and is by the unit's Top
Secret-cleared secretary; an approver who sees a request but may not open one of its carriers gets
it counted, never named; the page offers exactly the step the services accept."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.carrying import policy
from common import access
from common.levels import Level
from tests.factories import register

from .conftest import approve_all, submit

URL = "/api/v1/carry-out-requests/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("carrying").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret(org):
    return register(org.secretary, container=org.safe, level=Level.TOP_SECRET, scope_departments=[org.res],
                    title="绝密外出文件")


@pytest.fixture
def carrying_top_secret(org, out, top_secret):
    return submit(org, [out[0], top_secret])


def test_clerk_cannot_see_a_carry_out_naming_a_top_secret_carrier(org, top_secret, carrying_top_secret):
    number = top_secret.registry_number
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and listed.json()["count"] == 0 and number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{carrying_top_secret.pk}/").status_code == 404
    assert page(org.clerk).get(f"/carrying/{carrying_top_secret.pk}/").status_code == 404
    assert carrying_top_secret.number not in page(org.clerk).get("/carrying/").content.decode()


def test_secretary_sees_it_with_every_carrier(org, top_secret, carrying_top_secret):
    number = top_secret.registry_number
    assert number in api(org.secretary).get(URL).content.decode()
    detail = api(org.secretary).get(f"{URL}{carrying_top_secret.pk}/").json()
    assert detail["hidden_carriers"] == 0 and number in {c["registry_number"] for c in detail["carriers"]}
    html = page(org.secretary).get(f"/carrying/{carrying_top_secret.pk}/")
    assert html.status_code == 200 and number in html.content.decode()


def test_an_approver_outside_a_carriers_need_to_know_gets_it_counted(org, out):
    """Research's head approves staff_core's request; the second carrier is in the scope of General
    Affairs and of staff_core by name, not of Research: its head sees the request and one carrier."""
    other = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.gen],
                     scope_people=[org.staff_core], title="综合处文件")
    carry = submit(org, [out[0], other])
    data = api(org.head_res).get(f"{URL}{carry.pk}/").json()
    assert data["carrier_count"] == 2 and data["hidden_carriers"] == 1
    assert [c["registry_number"] for c in data["carriers"]] == [out[0].registry_number]
    assert other.registry_number not in api(org.head_res).get(URL).content.decode()
    html = page(org.head_res).get(f"/carrying/{carry.pk}/").content.decode()
    assert "1 more carrier is not visible to you." in html
    assert other.registry_number not in html and other.title not in html
    assert api(org.staff_core).get(f"{URL}{carry.pk}/").json()["hidden_carriers"] == 0


def test_the_page_offers_the_step_the_services_accept(org, out):
    carry = approve_all(org, submit(org, out[:2]))
    assert policy.next_step(org.secretary, carry) == "check_out"  # the holder of both
    assert policy.next_step(org.staff_core, carry) is None
    assert access.can(org.secretary, policy.CHECK_OUT, carry) and not access.can(org.staff_core, policy.CHECK_OUT, carry)
    assert not access.can(org.secretary, policy.CHECK_OUT)
    html = page(org.secretary).get(f"/carrying/{carry.pk}/").content.decode()
    assert f"/carrying/{carry.pk}/check-out/" in html
    assert f"/carrying/{carry.pk}/check-out/" not in page(org.staff_core).get(f"/carrying/{carry.pk}/").content.decode()
