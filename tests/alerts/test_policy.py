"""The alerts app's access policy (alerts/policy.py): every model registered with the gate; an
alert is seen only with the carrier it names (its `carrier`, filled by the checks) and with its
target: a Secret-cleared secrecy-office clerk does not see an alert about a Top Secret carrier
(API list, API detail 404, HTML page, the daily digest), the unit's Top Secret-cleared secretary
does."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import policy, services
from alerts.models import Alert
from carriers.models import Carrier
from common import access
from common.levels import Level
from tests.factories import register

URL = "/api/v1/alerts/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("alerts").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def expiring(org):
    """A Top Secret and a Secret carrier whose secrecy periods end within the window; the check ran."""
    soon = timezone.localdate() + timedelta(days=10)
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密到期件")
    secret = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="机密到期件")
    Carrier.objects.filter(pk__in=[top.pk, secret.pk]).update(expires_on=soon)
    services.run_checks(only="secrecy_expiring")
    return top, secret


def test_the_check_records_the_carrier_an_alert_names(org, expiring):
    top, secret = expiring
    assert Alert.objects.get(target_id=top.pk, kind="secrecy_expiring").carrier_id == top.pk
    assert Alert.objects.get(target_id=secret.pk, kind="secrecy_expiring").carrier_id == secret.pk


def test_clerk_does_not_see_the_alert_about_a_top_secret_carrier(org, expiring):
    top, secret = expiring
    alert = Alert.objects.get(carrier=top)
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200
    text = listed.content.decode()
    assert top.registry_number not in text and secret.registry_number in text
    assert api(org.clerk).get(f"{URL}{alert.pk}/").status_code == 404
    html = page(org.clerk).get("/alerts/")
    assert html.status_code == 200 and top.registry_number not in html.content.decode()
    assert secret.registry_number in html.content.decode()


def test_secretary_sees_it(org, expiring):
    top, _secret = expiring
    alert = Alert.objects.get(carrier=top)
    assert top.registry_number in api(org.secretary).get(URL).content.decode()
    assert api(org.secretary).get(f"{URL}{alert.pk}/").status_code == 200
    assert top.registry_number in page(org.secretary).get("/alerts/").content.decode()


def test_an_alert_is_hidden_with_its_carrier_whatever_its_level_says(org, expiring):
    """Belt and braces: an alert whose own level does not say Top Secret is still hidden from a
    reader who may not open the carrier it names (names_carriers) or its target (the target clause)."""
    top, _secret = expiring
    alert = Alert.objects.get(carrier=top)
    Alert.objects.filter(pk=alert.pk).update(level=None)
    assert not access.restrict(Alert.objects.filter(pk=alert.pk), org.clerk).exists()
    Alert.objects.filter(pk=alert.pk).update(carrier=None)  # only the target names it now
    assert not access.restrict(Alert.objects.filter(pk=alert.pk), org.clerk).exists()
    assert access.restrict(Alert.objects.filter(pk=alert.pk), org.secretary).exists()


def test_the_digest_names_no_carrier_its_reader_may_not_open(org, expiring):
    top, secret = expiring
    for user in (org.clerk, org.secretary):
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    services.send_daily_digest()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    clerk = bodies["clerk@example.invalid"]
    assert top.registry_number not in clerk and secret.registry_number in clerk
    assert top.registry_number in bodies["secretary@example.invalid"]


def test_acknowledge_is_answered_by_the_policy(org, expiring):
    _top, secret = expiring
    alert = Alert.objects.get(carrier=secret)
    assert policy.may_acknowledge(org.clerk, alert)
    assert not policy.may_acknowledge(org.staff_core, alert)
    assert access.can(org.clerk, policy.ACKNOWLEDGE, alert)
    assert not access.can(org.other_secretary, policy.ACKNOWLEDGE, alert)
