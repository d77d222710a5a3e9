"""The incidents app's access policy (incidents/policy.py): every model registered with the gate;
an incident naming a Top Secret carrier (and its steps) is not seen by a Secret-cleared
secrecy-office clerk (API list, API detail 404, HTML page 404) and is by the unit's Top
Secret-cleared secretary, who handles it."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from common import access
from common.levels import Level
from incidents import policy, services
from incidents.models import Incident, IncidentStep
from tests.factories import register

URL = "/api/v1/incidents/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("incidents").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def lost(org):
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密遗失件")
    incident = services.report_incident(actor=org.secretary, kind="loss", summary="遗失于会议室",
                                        carriers=[carrier])
    services.record_step(actor=org.secretary, incident_id=incident.pk, kind="note", text="已报告")
    return incident, carrier


def test_clerk_cannot_see_an_incident_naming_a_top_secret_carrier(org, lost):
    incident, carrier = lost
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and incident.number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{incident.pk}/").status_code == 404
    assert page(org.clerk).get(f"/incidents/{incident.pk}/").status_code == 404
    html = page(org.clerk).get("/incidents/")
    assert html.status_code == 200 and carrier.registry_number not in html.content.decode()
    assert not access.restrict(IncidentStep.objects.filter(incident=incident), org.clerk).exists()


def test_secretary_sees_and_handles_it(org, lost):
    incident, carrier = lost
    assert incident.number in api(org.secretary).get(URL).content.decode()
    assert api(org.secretary).get(f"{URL}{incident.pk}/").status_code == 200
    html = page(org.secretary).get(f"/incidents/{incident.pk}/")
    assert html.status_code == 200 and carrier.registry_number in html.content.decode()
    assert html.context["may_handle"] is True
    assert access.restrict(IncidentStep.objects.filter(incident=incident), org.secretary).count() == 1
    assert policy.may_handle(org.secretary, incident) and not policy.may_handle(org.other_secretary, incident)
    assert not policy.may_handle(org.staff_core, incident)


def test_an_incident_is_hidden_with_its_carriers_whatever_its_level_says(org, lost):
    incident, _carrier = lost
    Incident.objects.filter(pk=incident.pk).update(level=Level.SECRET)
    assert not access.restrict(Incident.objects.filter(pk=incident.pk), org.clerk).exists()
    assert access.restrict(Incident.objects.filter(pk=incident.pk), org.secretary).exists()
