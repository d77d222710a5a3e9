"""The approvals app's access policy (approvals/policy.py): every model registered with the gate;
an approval request whose title names a Top Secret carrier (and its steps, decisions and notices)
is not seen by a Secret-cleared secrecy-office clerk (API list, API detail 404, HTML page 404)
and is by the unit's Top Secret-cleared secretary; the actions answer as the services enforce."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from approvals import policy, selectors
from approvals import services as approvals
from approvals.models import Decision, Notice, RequestStep
from common import access
from common.levels import Level
from tests.factories import PASSWORD, register

URL = "/api/v1/approvals/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("approvals").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret_request(org):
    """A Top Secret request by staff_core whose title carries a Top Secret carrier's number, decided
    at its first step by the head of the department."""
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密审批件")
    request = approvals.submit_request(actor=org.staff_core, kind="production", level=Level.TOP_SECRET,
                                       title=f"Copies of {carrier.registry_number}", purpose="测试")
    approvals.decide(actor=org.head_res, request_id=request.pk, outcome="approve", password=PASSWORD)
    return request, carrier


def test_clerk_cannot_see_a_request_naming_a_top_secret_carrier(org, top_secret_request):
    request, carrier = top_secret_request
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and carrier.registry_number not in listed.content.decode()
    assert api(org.clerk).get(f"{URL}{request.pk}/").status_code == 404
    assert page(org.clerk).get(f"/approvals/{request.pk}/").status_code == 404
    assert carrier.registry_number not in page(org.clerk).get("/approvals/mine/").content.decode()
    for model in (RequestStep, Decision):
        assert not access.restrict(model.objects.filter(request=request), org.clerk).exists()


def test_secretary_sees_it_with_its_steps_and_decisions(org, top_secret_request):
    request, carrier = top_secret_request
    assert carrier.registry_number in api(org.secretary).get(URL).content.decode()
    detail = api(org.secretary).get(f"{URL}{request.pk}/")
    assert detail.status_code == 200 and detail.json()["title"].endswith(carrier.registry_number)
    html = page(org.secretary).get(f"/approvals/{request.pk}/")
    assert html.status_code == 200 and carrier.registry_number in html.content.decode()
    assert access.restrict(RequestStep.objects.filter(request=request), org.secretary).count() >= 2
    assert access.restrict(Decision.objects.filter(request=request), org.secretary).count() == 1


def test_a_notice_is_seen_only_by_its_recipient_and_only_with_its_request(org, top_secret_request):
    request, _carrier = top_secret_request
    mine = Notice.objects.create(recipient=org.clerk, kind=Notice.Kind.NO_APPROVER, request=request)
    plain = Notice.objects.create(recipient=org.clerk, kind=Notice.Kind.DELEGATED, request=None)
    assert set(selectors.unread_notices(user=org.clerk)) == {plain}
    assert mine not in access.restrict(Notice.objects.all(), org.secretary)  # another person's notice
    told = Notice.objects.create(recipient=org.secretary, kind=Notice.Kind.NO_APPROVER, request=request)
    assert told in selectors.unread_notices(user=org.secretary)
    # the navigation's badge counts through the same gate
    assert page(org.clerk).get("/approvals/").context["notice_count"] == 1


def test_may_decide_is_what_the_service_enforces(org, top_secret_request):
    request, _carrier = top_secret_request
    request.refresh_from_db()
    deciders = [u for u in (org.secretary, org.clerk, org.head_res, org.staff_core) if policy.may_decide(u, request)]
    assert deciders == [org.secretary]  # the open step: the secrecy office, cleared for Top Secret
    assert access.can(org.secretary, policy.DECIDE, request)
    assert not access.can(org.clerk, policy.DECIDE, request)
    html = page(org.secretary).get(f"/approvals/{request.pk}/")
    assert html.context["may_decide"] is True
    assert api(org.clerk).post(f"{URL}{request.pk}/approve/", {"password": PASSWORD}, format="json").status_code == 404


def test_policy_editing_and_reading(org):
    assert access.can(org.secretary, policy.MANAGE_POLICIES) and access.can(org.clerk, policy.MANAGE_POLICIES)
    assert not access.can(org.staff_core, policy.MANAGE_POLICIES)
    assert not access.can(org.departed, policy.MANAGE_POLICIES)
    assert api(org.staff_none).get("/api/v1/approval-policies/").json()["count"] > 0
    resp = api(org.staff_core).post("/api/v1/approval-policies/", {"kind": "production", "variant": "x",
                                                                    "level": "SECRET", "steps": ["secrecy_office"]},
                                    format="json")
    assert resp.status_code == 403
