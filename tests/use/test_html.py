"""The use pages: my carriers, my loans with borrow / lend / accept / return / take back, the
circulation sign-off, reading sessions and places, the disclosure record on the carrier page;
refusals shown on the form with their status, nothing written."""

import pytest
from django.test import Client

from carriers.use.models import Circulation, Loan, ReadingPlace, ReadingSession
from tests.factories import audit_count_but_security


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_nav_entry_and_pages_render(org, doc, room):
    client = client_for(org.staff_core)
    page = client.get("/use/")
    assert page.status_code == 200 and 'href="/use/"' in page.content.decode()
    for path in ("/use/loans/", "/use/loans/new/", "/use/circulations/", "/use/reading/", "/use/places/",
                 "/use/circulations/new/", "/use/reading/new/"):
        assert client.get(path).status_code == 200, path


def test_borrow_and_return_in_the_browser_forms(org, doc):
    borrower, office = client_for(org.staff_core), client_for(org.secretary)
    form = borrower.get(f"/use/loans/new/?carrier={doc.pk}").content.decode()
    assert doc.registry_number in form and 'name="borrower"' not in form
    resp = borrower.post("/use/loans/new/", {"carrier": doc.pk, "purpose": "项目研究"})
    assert resp.status_code == 302
    loan = Loan.objects.get()
    page = office.get(f"/use/loans/{loan.pk}/").content.decode()
    assert 'id="form-lend"' in page
    # a wrong password: 400 on the form, nothing signed
    events = audit_count_but_security()
    resp = office.post(f"/use/loans/{loan.pk}/lend/", {"declared_count": 1, "password": "wrong"})
    assert resp.status_code == 400 and "not correct" in resp.content.decode()
    assert audit_count_but_security() == events
    assert office.post(f"/use/loans/{loan.pk}/lend/", {"declared_count": 1, "password": org.password}).status_code == 302
    assert 'id="form-accept"' in borrower.get(f"/use/loans/{loan.pk}/").content.decode()
    assert borrower.post(f"/use/loans/{loan.pk}/accept/", {"counted_count": 1,
                                                           "password": org.password}).status_code == 302
    mine = borrower.get("/use/").content.decode()
    assert doc.registry_number in mine and f"/use/loans/{loan.pk}/" in mine
    assert borrower.post(f"/use/loans/{loan.pk}/return/", {"declared_count": 1,
                                                           "password": org.password}).status_code == 302
    resp = office.post(f"/use/loans/{loan.pk}/take_back/", {"counted_count": 1, "container": org.cabinet.pk,
                                                            "password": org.password})
    assert resp.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "returned"
    page = office.get(f"/carriers/{doc.pk}/").content.decode()
    assert 'id="disclosures"' in page and "staff_core-name" in page


def test_refusal_shown_on_the_borrow_form(org, doc):
    office = client_for(org.secretary)
    resp = office.post("/use/loans/new/", {"carrier": doc.pk, "purpose": "借阅", "borrower": org.head_gen.pk})
    assert resp.status_code == 403 and "outside the carrier" in resp.content.decode()
    assert not Loan.objects.exists()


def test_a_loan_others_may_not_see_is_missing(org, doc, flow):
    loan = flow.request(doc)
    assert client_for(org.staff_important).get(f"/use/loans/{loan.pk}/").status_code == 404
    assert client_for(org.staff_important).post(f"/use/loans/{loan.pk}/lend/",
                                                {"password": org.password}).status_code == 404


def test_circulation_sign_off(org, doc):
    office = client_for(org.secretary)
    resp = office.post("/use/circulations/new/", {"carrier": doc.pk,
                                                  "readers": [org.staff_core.pk, org.staff_important.pk],
                                                  "order": "staff_important, staff_core"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    circulation = Circulation.objects.get()
    assert [r.reader_id for r in circulation.readers.order_by("position")] == [org.staff_important.pk,
                                                                               org.staff_core.pk]
    first = client_for(org.staff_important)
    assert circulation.carrier.registry_number in first.get("/use/circulations/").content.decode()
    page = first.get(f"/use/circulations/{circulation.pk}/").content.decode()
    assert 'id="sign-form"' in page and "staff_core-name" in page
    assert 'id="sign-form"' not in client_for(org.staff_core).get(f"/use/circulations/{circulation.pk}/").content.decode()
    resp = client_for(org.staff_core).post(f"/use/circulations/{circulation.pk}/", {"password": org.password})
    assert resp.status_code == 409 and "not your turn" in resp.content.decode()
    assert first.post(f"/use/circulations/{circulation.pk}/", {"password": org.password}).status_code == 302
    assert client_for(org.staff_core).post(f"/use/circulations/{circulation.pk}/",
                                           {"password": org.password}).status_code == 302
    circulation.refresh_from_db()
    assert circulation.status == "completed"


def test_circulation_refused_with_reasons_on_the_form(org, doc):
    resp = client_for(org.secretary).post("/use/circulations/new/", {"carrier": doc.pk,
                                                                    "readers": [org.head_gen.pk]})
    assert resp.status_code == 403 and "head_gen-name" in resp.content.decode()
    assert not Circulation.objects.exists()


def test_reading_session_form_needs_the_rules_told(org, doc, room):
    office = client_for(org.secretary)
    data = {"carrier": doc.pk, "reader": org.staff_core.pk, "place": room.pk}
    resp = office.post("/use/reading/new/", data)
    assert resp.status_code == 400 and "tick the box" in resp.content.decode()
    assert not ReadingSession.objects.exists()
    resp = office.post("/use/reading/new/", {**data, "rules_told": "on"})
    assert resp.status_code == 302
    session = ReadingSession.objects.get()
    assert office.post(f"/use/reading/{session.pk}/").status_code == 302
    session.refresh_from_db()
    assert session.ended_at is not None


@pytest.mark.parametrize("user, status", [("secretary", 302), ("staff_core", 403)])
def test_places_are_managed_by_the_secrecy_office(org, user, status):
    resp = client_for(getattr(org, user)).post("/use/places/", {"name_zh": "阅文室", "name_en": "Reading room",
                                                               "kind": "reading_room", "max_level": 2})
    assert resp.status_code == status
    assert ReadingPlace.objects.count() == (1 if status == 302 else 0)


def test_huge_and_foreign_ids_are_missing(org, room):
    office = client_for(org.secretary)
    assert office.post("/use/places/", {"withdraw": "99999999999999999999999"}).status_code == 404
    assert client_for(org.other_secretary).post("/use/places/", {"withdraw": room.pk}).status_code == 404
    assert office.get("/use/loans/99999999999999999999999/").status_code == 404
    assert office.get("/use/circulations/99999999999999999999999/").status_code == 404


def test_the_extension_request_reads_on_the_approvals_page(org, doc, flow):
    from datetime import timedelta

    from carriers.use import services

    loan = flow.on_loan(doc)
    extension = services.request_extension(actor=org.staff_core, loan_id=loan.pk,
                                           due_on=loan.due_on + timedelta(days=2), reason="延期")
    page = client_for(org.head_res).get(f"/approvals/{extension.approval_id}/")
    assert page.status_code == 200 and doc.registry_number in page.content.decode()
    assert f"/approvals/{extension.approval_id}/" in client_for(org.staff_core).get(f"/use/loans/{loan.pk}/").content.decode()
