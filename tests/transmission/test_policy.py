"""The transmission stage's access policy (carriers/transmission/policy.py): every model registered
with the gate; a dispatch naming a Top Secret carrier is not seen by a Secret-cleared secrecy-office
clerk (API list, API detail 404, HTML page 404, register) and is by the unit's Top Secret-cleared
secretary; a reader who sees a dispatch but may not open its carriers gets them counted, never
named; a discrepancy about a carrier the reader may not open is left out."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.transmission import policy
from carriers.transmission.models import Dispatch, DispatchDiscrepancy
from common import access
from common.levels import Level
from tests.factories import register

from .helpers import receive, send

URL = "/api/v1/dispatches/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("transmission").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret(org):
    return register(org.secretary, container=org.safe, level=Level.TOP_SECRET, copy_number="000003",
                    scope_units=[org.other_unit], title="绝密调度文件")


@pytest.fixture
def sent_top_secret(org, outbound, top_secret):
    return send(org, [outbound[0], top_secret])


def test_clerk_cannot_see_a_dispatch_naming_a_top_secret_carrier(org, sent_top_secret, top_secret):
    number = top_secret.registry_number
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and number not in listed.content.decode()
    assert sent_top_secret.number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{sent_top_secret.pk}/").status_code == 404
    assert page(org.clerk).get(f"/dispatches/{sent_top_secret.pk}/").status_code == 404
    register_page = page(org.clerk).get("/dispatches/register/?direction=sent")
    assert register_page.status_code == 200 and number not in register_page.content.decode()
    assert not access.restrict(Dispatch.objects.all(), org.clerk).exists()


def test_secretary_sees_it_with_every_carrier(org, sent_top_secret, top_secret):
    number = top_secret.registry_number
    assert number in api(org.secretary).get(URL).content.decode()
    detail = api(org.secretary).get(f"{URL}{sent_top_secret.pk}/")
    assert detail.status_code == 200 and detail.json()["hidden_carriers"] == 0
    assert number in {c["registry_number"] for c in detail.json()["carriers"]}
    html = page(org.secretary).get(f"/dispatches/{sent_top_secret.pk}/")
    assert html.status_code == 200 and number in html.content.decode()


def test_a_discrepancy_about_a_top_secret_carrier_is_not_seen_by_the_clerk(org, sent_top_secret, top_secret):
    receive(org, sent_top_secret, counted=1, carriers=[sent_top_secret.handover.items.exclude(
        carrier=top_secret).get().carrier_id], discrepancy_note="少一件")
    row = DispatchDiscrepancy.objects.get(dispatch=sent_top_secret, carrier=top_secret)
    assert not access.restrict(DispatchDiscrepancy.objects.filter(pk=row.pk), org.clerk).exists()
    assert access.restrict(DispatchDiscrepancy.objects.filter(pk=row.pk), org.secretary).exists()
    assert access.restrict(DispatchDiscrepancy.objects.filter(pk=row.pk), org.other_secretary).exists()


@pytest.fixture
def hand_delivered(org, outbound):
    """Two Secret carriers of U (scope: unit X) carried by hand by staff_core, who may not open them."""
    return send(org, outbound[:2], channel="hand_delivery", courier=org.staff_core, route="京沪高铁",
                protective_measures="密码箱，专人全程携带")


def test_the_courier_sees_the_dispatch_with_its_carriers_counted_not_named(org, outbound, hand_delivered):
    numbers = [c.registry_number for c in outbound[:2]]
    data = api(org.staff_core).get(f"{URL}{hand_delivered.pk}/").json()
    assert data["carriers"] == [] and data["hidden_carriers"] == 2 and data["carrier_count"] == 2
    listed = api(org.staff_core).get(URL).content.decode()
    html = page(org.staff_core).get(f"/dispatches/{hand_delivered.pk}/").content.decode()
    assert "2 more carriers are not visible to you." in html
    for number in numbers:
        assert number not in str(data) and number not in listed and number not in html


def test_a_discrepancy_is_left_out_for_a_reader_who_may_not_open_its_carrier(org, outbound, hand_delivered):
    receive(org, hand_delivered, counted=1, carriers=[outbound[0].pk], discrepancy_note="少一件")
    data = api(org.staff_core).get(f"{URL}{hand_delivered.pk}/").json()
    assert data["discrepancies"] == [] and outbound[1].registry_number not in str(data)
    seen = api(org.secretary).get(f"{URL}{hand_delivered.pk}/").json()
    assert [d["carrier"]["registry_number"] for d in seen["discrepancies"]] == [outbound[1].registry_number]


def test_actions_answer_what_the_services_enforce(org, outbound):
    sent = send(org, outbound[:1])
    assert policy.may_dispatch(org.secretary) and policy.may_dispatch(org.api_client)
    assert not policy.may_dispatch(org.staff_core)
    assert access.can(org.secretary, policy.DISPATCH) and not access.can(org.staff_core, policy.DISPATCH)
    assert policy.may_receive(org.other_secretary, sent) and not policy.may_receive(org.secretary, sent)
    assert access.can(org.other_secretary, policy.RECEIVE, sent)
    assert policy.may_resolve(org.secretary, sent) and not policy.may_resolve(org.staff_core, sent)
    receive(org, sent)
    sent.refresh_from_db()
    assert not policy.may_receive(org.other_secretary, sent)
