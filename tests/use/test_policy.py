"""The use stage's access policy (carriers/use/policy.py): every model registered with the gate; a
loan, a reading session and a circulation of a Top Secret carrier are not seen by a Secret-cleared
secrecy-office clerk (API list, API detail 404, HTML page 404) and are by the unit's Top
Secret-cleared secretary; a loan is seen only with its carrier (the head of the borrower's
department loses it when the carrier goes back); each step is shown to whom the services allow it."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from carriers.use import policy
from carriers.use.models import Circulation, CirculationReader, Loan, LoanExtension, ReadingSession
from common import access
from common.levels import Level
from tests.factories import register


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("use").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret(org):
    """Two Top Secret carriers held by the secretary, scope: Research."""
    return [register(org.secretary, container=org.safe, level=Level.TOP_SECRET, scope_departments=[org.res],
                     copy_number=f"00000{i}", title=f"绝密科研计划{i}") for i in (1, 2)]


@pytest.fixture
def rows(org, room, flow, top_secret):
    from carriers.use import services

    loan = flow.on_loan(top_secret[0])
    session = services.record_session(actor=org.secretary, carrier=top_secret[1], reader=org.staff_core, place=room,
                                      rules_told=True)
    services.end_session(actor=org.secretary, session_id=session.pk)
    circulation = services.start_circulation(actor=org.secretary, carrier=top_secret[1], readers=[org.staff_core])
    return {"loans": (loan, f"/use/loans/{loan.pk}/", top_secret[0]),
            "reading-sessions": (session, f"/use/reading/{session.pk}/", top_secret[1]),
            "circulations": (circulation, f"/use/circulations/{circulation.pk}/", top_secret[1])}


LIST_PAGES = ["/use/loans/", "/use/reading/", "/use/circulations/", "/use/"]


@pytest.mark.parametrize("kind", ["loans", "reading-sessions", "circulations"])
def test_clerk_cannot_see_a_row_naming_a_top_secret_carrier(org, rows, kind):
    row, url, carrier = rows[kind]
    listed = api(org.clerk).get(f"/api/v1/{kind}/")
    assert listed.status_code == 200 and carrier.registry_number not in listed.content.decode()
    assert api(org.clerk).get(f"/api/v1/{kind}/{row.pk}/").status_code == 404
    assert page(org.clerk).get(url).status_code == 404
    for list_page in LIST_PAGES:
        assert carrier.registry_number not in page(org.clerk).get(list_page).content.decode()


@pytest.mark.parametrize("kind", ["loans", "reading-sessions", "circulations"])
def test_secretary_sees_it(org, rows, kind):
    row, url, carrier = rows[kind]
    assert carrier.registry_number in api(org.secretary).get(f"/api/v1/{kind}/").content.decode()
    assert api(org.secretary).get(f"/api/v1/{kind}/{row.pk}/").status_code == 200
    html = page(org.secretary).get(url)
    assert html.status_code == 200 and carrier.registry_number in html.content.decode()


def test_child_rows_follow_their_parent(org, rows):
    assert not access.restrict(CirculationReader.objects.all(), org.clerk).exists()
    assert access.restrict(CirculationReader.objects.all(), org.secretary).exists()
    assert access.restrict(CirculationReader.objects.all(), org.staff_core).exists()


def test_a_loan_is_seen_only_with_its_carrier(org, flow):
    """Named in the scope, staff_important borrows it; the head of Research sees the loan while the
    carrier is with someone of Research, and no longer once it is back with the secrecy office."""
    carrier = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_people=[org.staff_important],
                       copy_number="000001", copies_total=1, title="点名借阅文件")
    loan = flow.on_loan(carrier, borrower=org.staff_important)
    assert access.restrict(Loan.objects.filter(pk=loan.pk), org.head_res).exists()
    flow.give_back(loan)
    flow.take_back(loan)
    assert not access.restrict(Loan.objects.filter(pk=loan.pk), org.head_res).exists()
    assert api(org.head_res).get(f"/api/v1/loans/{loan.pk}/").status_code == 404
    assert carrier.registry_number not in api(org.head_res).get("/api/v1/loans/").content.decode()
    assert access.restrict(Loan.objects.filter(pk=loan.pk), org.staff_important).exists()


def test_steps_answer_what_the_services_enforce(org, doc, flow):
    loan = flow.request(doc)
    assert policy.loan_steps(org.secretary, loan) == {"lend": True, "accept": False, "return": False,
                                                      "take_back": False, "extend": False, "cancel": True}
    assert policy.loan_steps(org.staff_core, loan)["cancel"] and not policy.loan_steps(org.staff_core, loan)["lend"]
    assert access.can(org.secretary, policy.LEND, loan) and not access.can(org.staff_core, policy.LEND, loan)
    flow.lend(loan)
    loan = Loan.objects.get(pk=loan.pk)
    assert policy.may_accept(org.staff_core, loan) and not policy.may_accept(org.secretary, loan)
    assert policy.may_manage_places(org.secretary) and not policy.may_manage_places(org.staff_core)
    assert policy.may_record_use(org.secretary, doc) and not policy.may_record_use(org.staff_core, doc)
    assert policy.may_borrow(org.staff_core, doc) and not policy.may_borrow(org.secretary, doc)
    assert not LoanExtension.objects.exists()


def test_session_page_offers_the_end_only_to_whom_may_end_it(org, room, doc):
    from carriers.use import services

    session = services.record_session(actor=org.secretary, carrier=doc, reader=org.staff_important, place=room,
                                      rules_told=True)
    assert policy.may_end_session(org.staff_important, session) and not policy.may_end_session(org.auditor, session)
    assert "The reader has finished" in page(org.staff_important).get(f"/use/reading/{session.pk}/").content.decode()
    response = page(org.auditor).get(f"/use/reading/{session.pk}/")
    assert response.status_code == 200 and "The reader has finished" not in response.content.decode()
    assert ReadingSession.objects.filter(pk=session.pk, ended_at__isnull=True).exists()


def test_circulation_sign_and_cancel_answers(org, doc):
    from carriers.use import services

    circulation = services.start_circulation(actor=org.secretary, carrier=doc,
                                             readers=[org.staff_core, org.staff_important])
    circulation = Circulation.objects.get(pk=circulation.pk)
    assert policy.may_sign(org.staff_core, circulation) and not policy.may_sign(org.staff_important, circulation)
    assert policy.may_cancel_circulation(org.secretary, circulation)
    assert not policy.may_cancel_circulation(org.staff_core, circulation)
