"""The personnel app's access policy (personnel/policy.py) and two fixes of issue 13:

- every model of the app (and the user model) is registered with the gate;
- the recall list (清退) of a secrecy file and of a departure names only the carriers the reader
  may open, and says how many others the person holds (API `hidden_carriers`, the page, a
  refusal's message): a Secret-cleared secrecy-office clerk never sees a Top Secret registry
  number there, the unit's Top Secret-cleared secretary sees it;
- a departure closes the account at once: no login (page and POST /api/v1/auth/token/), an old
  token answers 401, an old session is logged out; audited as account.closed; history stays."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from carriers import services as carrier_services
from common import access
from common.levels import Level
from personnel import policy, services
from personnel.models import Departure, Person, TrainingRecord
from tests.factories import PASSWORD, api_token, audit_count_but_security, register

from .conftest import api, approve_all


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def hand(giver, taker, carrier):
    handover = carrier_services.start_handover(actor=giver, password=PASSWORD, taker=taker, carriers=[carrier],
                                               declared_count=1)
    carrier_services.accept_handover(actor=taker, password=PASSWORD, handover_id=handover.pk, counted_count=1)


def test_every_model_of_the_app_and_the_user_model_has_a_policy():
    for model in apps.get_app_config("personnel").get_models():
        assert access.policy_for(model) is not None, model
    assert access.policy_for(get_user_model()) is not None


@pytest.fixture
def held(org):
    """staff_core (core post, department RES) holds a Top Secret and a Secret carrier."""
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密清退件",
                   scope_departments=[org.res])
    secret = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="机密清退件",
                      scope_departments=[org.res])
    hand(org.secretary, org.staff_core, top)
    hand(org.secretary, org.staff_core, secret)
    return top, secret


def test_clerk_reads_the_secrecy_file_without_the_top_secret_carrier(org, held):
    top, secret = held
    url = f"/api/v1/people/{org.staff_core.pk}/secrecy-file/"
    response = api(org.clerk).get(url)
    assert response.status_code == 200
    data = response.json()
    assert [row["registry_number"] for row in data["recall"]] == [secret.registry_number]
    assert data["hidden_carriers"] == 1
    assert top.registry_number not in response.content.decode() and top.title not in response.content.decode()
    html = page(org.clerk).get(f"/personnel/{org.staff_core.pk}/")
    assert html.status_code == 200
    text = html.content.decode()
    assert top.registry_number not in text and top.title not in text
    assert secret.registry_number in text and "and 1 carrier you may not open" in text


def test_secretary_sees_every_carrier_on_the_recall_list(org, held):
    top, secret = held
    data = api(org.secretary).get(f"/api/v1/people/{org.staff_core.pk}/secrecy-file/").json()
    assert {row["registry_number"] for row in data["recall"]} == {top.registry_number, secret.registry_number}
    assert data["hidden_carriers"] == 0
    text = page(org.secretary).get(f"/personnel/{org.staff_core.pk}/").content.decode()
    assert top.registry_number in text and "you may not open" not in text


def test_the_hidden_count_is_said_in_chinese(org, held):
    client = page(org.clerk)
    text = client.get(f"/personnel/{org.staff_core.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "另有 1 件载体超出您的知悉范围" in text
    assert held[0].registry_number not in text


def test_a_departure_counts_the_carriers_its_reader_may_not_open(org, held):
    """The head of the unit approves a Top Secret post's departure (its last step) and so sees it,
    but has no need-to-know for the carriers the person holds: counted, never named."""
    top, secret = held
    departure = services.submit_departure(actor=org.staff_core, person=org.staff_core.person, leaves_on=date(2030, 1, 31),
                                          reason="调任")
    approve_all(departure.approval)
    detail = api(org.unit_head).get(f"/api/v1/departures/{departure.pk}/")
    assert detail.status_code == 200
    assert detail.json()["recall"] == [] and detail.json()["hidden_carriers"] == 2
    html = page(org.unit_head).get(f"/personnel/departures/{departure.pk}/")
    assert html.status_code == 200 and "and 2 carriers you may not open" in html.content.decode()
    for response in (detail, html):
        text = response.content.decode()
        assert top.registry_number not in text and secret.registry_number not in text and top.title not in text
    # the clerk (Secret) does not see a Top Secret post's departure at all
    assert api(org.clerk).get(f"/api/v1/departures/{departure.pk}/").status_code == 404
    assert page(org.clerk).get(f"/personnel/departures/{departure.pk}/").status_code == 404
    secretary = api(org.secretary).get(f"/api/v1/departures/{departure.pk}/").json()
    assert {r["registry_number"] for r in secretary["recall"]} == {top.registry_number, secret.registry_number}
    assert secretary["hidden_carriers"] == 0


def test_a_refused_departure_counts_carriers_the_clerk_may_not_open_without_naming_them(org, held):
    top, secret = held
    before = audit_count_but_security()
    refused = api(org.clerk).post(f"/api/v1/people/{org.staff_core.pk}/depart/", {"password": PASSWORD}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "carriers_held"
    assert top.registry_number not in refused.content.decode()
    assert secret.registry_number in refused.json()["detail"]
    assert "2 carrier(s)" in refused.json()["detail"] and "1 carrier you may not open" in refused.json()["detail"]
    assert audit_count_but_security() == before
    refused = api(org.secretary).post(f"/api/v1/people/{org.staff_core.pk}/depart/", {"password": PASSWORD}, format="json")
    assert refused.status_code == 409 and top.registry_number in refused.json()["detail"]


def test_who_keeps_a_secrecy_file(org):
    person = org.staff_core.person
    assert policy.may_manage_file(org.secretary, person) and policy.may_manage_file(org.clerk, person)
    assert not policy.may_manage_file(org.staff_core, person)
    assert not policy.may_manage_file(org.other_secretary, person)
    assert not policy.may_manage_file(org.head_res, person)
    assert policy.may_act_for(org.staff_core, person) and not policy.may_act_for(org.staff_important, person)
    assert access.can(org.secretary, policy.MANAGE_SECRECY_FILE, person)
    assert not access.can(org.other_secretary, policy.MANAGE_SECRECY_FILE, person)


def test_secrecy_file_rows_are_read_with_the_file(org):
    today = timezone.localdate()
    services.record_training(actor=org.secretary, person=org.staff_core.person, course="保密", held_on=today,
                             result="passed", hours=Decimal("2"))
    rows = TrainingRecord.objects.all()
    for who in ("staff_core", "head_res", "secretary", "clerk", "auditor"):
        assert access.restrict(rows, getattr(org, who)).count() == 1, who
    for who in ("staff_important", "head_gen", "other_secretary", "departed"):
        assert access.restrict(rows, getattr(org, who)).count() == 0, who


# --- departure closes the account -----------------------------------------------------------------


def test_departure_closes_the_account_at_once(org):
    user = org.staff_core
    token = api_token(user)
    old_session = page(user)
    assert old_session.get("/personnel/").status_code == 200
    token_client = Client()
    assert token_client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200

    response = api(org.secretary).post(f"/api/v1/people/{user.pk}/depart/", {"password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content

    user.refresh_from_db()
    assert user.is_active is False
    assert Person.objects.get(user=user).status == "departed"  # the person and their history stay
    closed = AuditEvent.objects.filter(action="account.closed", target_type="personnel.person",
                                       target_id=str(user.person.pk)).get()
    assert closed.details["reason"] == "departed" and closed.details["tokens"] == 1
    assert closed.details["sessions"] >= 1
    # the old session is logged out
    assert old_session.get("/personnel/").status_code == 302
    # the old token answers 401
    assert token_client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    # no login: the page, nor a new token
    fresh = Client()
    login = fresh.post("/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in fresh.session
    issued = Client().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    assert issued.status_code in (400, 401) and "token" not in issued.json()


def test_completing_a_departure_closes_the_account(org):
    user = org.staff_important
    token = api_token(user)
    departure = services.submit_departure(actor=user, person=user.person, leaves_on=date(2030, 1, 31), reason="调任")
    approve_all(departure.approval)
    session = page(user)
    assert session.get("/personnel/").status_code == 200
    done = api(org.secretary).post(f"/api/v1/departures/{departure.pk}/complete/", {"password": PASSWORD},
                                   format="json")
    assert done.status_code == 200, done.content
    assert Departure.objects.get(pk=departure.pk).status == "completed"
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.filter(action="account.closed", target_id=str(user.person.pk)).count() == 1
    assert session.get("/personnel/").status_code == 302
    assert Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    issued = Client().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                           content_type="application/json")
    assert issued.status_code in (400, 401)


def test_a_refused_departure_leaves_the_account_open(org, held):
    user = org.staff_core
    refused = api(org.secretary).post(f"/api/v1/people/{user.pk}/depart/", {"password": PASSWORD}, format="json")
    assert refused.status_code == 409
    user.refresh_from_db()
    assert user.is_active and not AuditEvent.objects.filter(action="account.closed").exists()
