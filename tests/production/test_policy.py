"""The production stage's access policy (carriers/production/policy.py): every model registered with
the gate; a Top Secret production request and its run are not seen by a Secret-cleared secrecy
office clerk (API list, API detail 404, HTML pages 404) and are by the unit's Top Secret-cleared
secretary; a reader who sees a run but may not open its copies gets them counted, never named; the
actions answer what the services enforce."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from approvals import services as approvals
from approvals.models import RequestStep
from carriers.production import policy
from carriers.production.models import ProductionRequest
from common import access
from common.levels import Level

from .conftest import run, submit

REQUESTS = "/api/v1/production-requests/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def approve_all(approval_id, password):
    """Every step, each by its first eligible approver."""
    while (step := RequestStep.objects.filter(request_id=approval_id, status=RequestStep.Status.OPEN).first()):
        approvals.decide(actor=approvals.eligible_approvers(step=step).first(), request_id=approval_id,
                         outcome="approve", password=password)


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("production").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret_run(org, sites):
    production = submit(org, sites, level=Level.TOP_SECRET, title="绝密制作任务", copies=2)
    approve_all(production.approval_id, org.password)
    production.refresh_from_db()
    return run(org, production, container=org.safe)


def test_clerk_cannot_see_a_top_secret_production(org, top_secret_run):
    production = top_secret_run.request
    numbers = list(top_secret_run.carriers.values_list("registry_number", flat=True))
    listed = api(org.clerk).get(REQUESTS)
    assert listed.status_code == 200 and production.title not in listed.content.decode()
    assert api(org.clerk).get(f"{REQUESTS}{production.pk}/").status_code == 404
    assert api(org.clerk).get(f"{REQUESTS}{production.pk}/intermediates/").status_code == 404
    assert page(org.clerk).get(f"/production/{production.pk}/").status_code == 404
    assert page(org.clerk).get(f"/production/runs/{top_secret_run.pk}/").status_code == 404
    html = page(org.clerk).get("/production/").content.decode()
    assert production.title not in html and not any(n in html for n in numbers)


def test_secretary_sees_it_with_its_copies(org, top_secret_run):
    production = top_secret_run.request
    numbers = list(top_secret_run.carriers.values_list("registry_number", flat=True))
    assert production.title in api(org.secretary).get(REQUESTS).content.decode()
    assert api(org.secretary).get(f"{REQUESTS}{production.pk}/").json()["run"]["copies_made"] == 2
    html = page(org.secretary).get(f"/production/runs/{top_secret_run.pk}/").content.decode()
    assert all(n in html for n in numbers) and 'id="hidden-copies"' not in html


def test_a_requester_outside_the_copies_need_to_know_gets_them_counted(org, sites):
    """No distribution scope: the copies are the secretary's (holder) and the unit-wide office's."""
    production = submit(org, sites, scope_departments=[], scope_people=[], copies=3)
    approve_all(production.approval_id, org.password)
    production.refresh_from_db()
    made = run(org, production)
    numbers = list(made.carriers.values_list("registry_number", flat=True))
    html = page(org.staff_core).get(f"/production/runs/{made.pk}/").content.decode()
    assert "3 more carriers are not visible to you." in html
    assert not any(n in html for n in numbers)
    detail = api(org.staff_core).get(f"{REQUESTS}{production.pk}/").json()
    assert detail["run"]["copies_made"] == 3 and not any(n in str(detail) for n in numbers)


def test_actions_answer_what_the_services_enforce(org, sites):
    production = submit(org, sites)
    assert policy.may_manage_sites(org.secretary) and not policy.may_manage_sites(org.staff_core)
    assert access.can(org.secretary, policy.MANAGE_SITES) and not access.can(org.head_res, policy.MANAGE_SITES)
    assert policy.may_run(org.secretary) and not policy.may_run(org.staff_core)
    assert not policy.may_run(org.secretary, production)  # not approved yet
    approve_all(production.approval_id, org.password)
    production = ProductionRequest.objects.get(pk=production.pk)
    assert policy.may_run(org.secretary, production) and access.can(org.secretary, policy.RUN, production)
    assert not access.can(org.other_secretary, policy.RUN, production)  # cannot see it
    made = run(org, production)
    production.refresh_from_db()
    assert not policy.may_run(org.secretary, production)  # produced: once only
    assert policy.may_register_intermediate(org.secretary, made)
    assert not policy.may_register_intermediate(org.staff_core, made)
