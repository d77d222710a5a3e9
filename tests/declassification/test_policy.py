"""The secrecy-period reviews' access policy (carriers/declassification/policy.py): every model
registered with the gate; a review and a "condition met" record about a Top Secret carrier are not
seen by a Secret-cleared secrecy-office clerk (API list, API detail 404, HTML page 404) and are by
the unit's Top Secret-cleared secretary; a review is hidden from anyone who may not open its
carrier, its proposer included."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.declassification import services
from carriers.declassification.models import ConditionMet, DeclassificationReview
from carriers.models import Carrier
from common import access
from common.levels import Level

from .conftest import carrier, propose

URL = "/api/v1/declassification-reviews/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("declassification").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret(org):
    return carrier(org, level=Level.TOP_SECRET, years=30, ends_in_days=20, title="绝密到期文件",
                   declassification_condition="工程竣工后解密")


@pytest.fixture
def review(org, top_secret):
    return propose(org, top_secret, outcome="extend", new_secrecy_years=30)


def test_clerk_cannot_see_a_review_of_a_top_secret_carrier(org, top_secret, review):
    number = top_secret.registry_number
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and listed.json()["count"] == 0 and number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{review.pk}/").status_code == 404
    assert page(org.clerk).get(f"/declassification/{review.pk}/").status_code == 404
    assert number not in page(org.clerk).get("/declassification/").content.decode()


def test_secretary_sees_it(org, top_secret, review):
    number = top_secret.registry_number
    assert number in api(org.secretary).get(URL).content.decode()
    assert api(org.secretary).get(f"{URL}{review.pk}/").status_code == 200
    html = page(org.secretary).get(f"/declassification/{review.pk}/")
    assert html.status_code == 200 and number in html.content.decode()


def test_a_condition_met_on_a_top_secret_carrier_is_not_seen_by_the_clerk(org, top_secret):
    record = services.record_condition_met(actor=org.secretary, carrier=top_secret, note="工程已竣工")
    assert not access.restrict(ConditionMet.objects.filter(pk=record.pk), org.clerk).exists()
    assert access.restrict(ConditionMet.objects.filter(pk=record.pk), org.secretary).exists()
    assert top_secret.registry_number not in page(org.clerk).get("/declassification/").content.decode()


def test_a_review_goes_with_its_carrier(org):
    """The proposer out of the carrier's scope: the review, which names it, is hidden from them."""
    target = carrier(org, ends_in_days=20, title="秘密到期文件")
    proposed = propose(org, target, outcome="extend", new_secrecy_years=15)
    assert api(org.staff_core).get(f"{URL}{proposed.pk}/").status_code == 200
    Carrier.scope_departments.through.objects.filter(carrier_id=target.pk).delete()
    assert api(org.staff_core).get(f"{URL}{proposed.pk}/").status_code == 404
    assert page(org.staff_core).get(f"/declassification/{proposed.pk}/").status_code == 404
    assert not access.restrict(DeclassificationReview.objects.filter(pk=proposed.pk), org.staff_core).exists()
