"""/api/v1/ for the use stage: reading places, reading sessions, circulations, loans and a
carrier's disclosure record; 201/400/403/404/409 with readable reasons, never 500; a refused
request writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.selectors import verify_chain
from carriers.use.models import Circulation, Loan, ReadingPlace, ReadingSession
from tests.factories import audit_count_but_security


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def unchanged(call, *models):
    before = audit_count_but_security(), [m.objects.count() for m in models]
    response = call()
    assert (audit_count_but_security(), [m.objects.count() for m in models]) == before, response.content
    return response


def test_borrow_lend_accept_return_take_back_over_rest(org, doc):
    borrower, office = client_for(org.staff_core), client_for(org.secretary)
    resp = borrower.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "项目研究"}, format="json")
    assert resp.status_code == 201, resp.content
    loan = resp.json()
    assert loan["status"] == "requested" and loan["borrower"]["username"] == "staff_core"
    assert loan["level"] == "SECRET" and loan["carrier"]["registry_number"] == doc.registry_number
    url = f"/api/v1/loans/{loan['id']}/"

    # the office sees it waiting, lends it (signed), the borrower counts and signs
    waiting = office.get("/api/v1/loans/?box=to_handle").json()["results"]
    assert [row["id"] for row in waiting] == [loan["id"]]
    resp = office.post(f"{url}lend/", {"password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "lending", resp.content
    assert resp.json()["signatures"]["lent"]["printed_name"] == "secretary-name"
    assert office.get(f"/api/v1/carriers/{doc.pk}/").json()["holder"]["username"] == "secretary"
    resp = borrower.post(f"{url}accept/", {"counted_count": 1, "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "on_loan", resp.content
    assert resp.json()["signatures"]["received"]["printed_name"] == "staff_core-name"
    carrier = borrower.get(f"/api/v1/carriers/{doc.pk}/").json()
    assert carrier["holder"]["username"] == "staff_core" and carrier["status"] == "on_loan"

    # returned to anyone but the lender: 403 with the reason, nothing written
    resp = unchanged(lambda: borrower.post(f"{url}return/", {"taker": org.clerk.pk, "password": org.password},
                                           format="json"), Loan)
    assert resp.status_code == 403 and "lender only" in resp.json()["detail"]
    resp = borrower.post(f"{url}return/", {"password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "returning", resp.content
    resp = office.post(f"{url}take-back/", {"counted_count": 1, "container": org.cabinet.pk,
                                           "password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "returned" and data["signatures"]["taken_back"]["printed_name"] == "secretary-name"
    assert data["signatures"]["returned"]["printed_name"] == "staff_core-name"
    carrier = office.get(f"/api/v1/carriers/{doc.pk}/").json()
    assert carrier["holder"]["username"] == "secretary" and carrier["status"] == "in_custody"

    # the disclosure record names the borrower
    record = office.get(f"/api/v1/carriers/{doc.pk}/disclosures/").json()
    assert [(line["kind"], line["person"]["username"]) for line in record] == [("loan", "staff_core")]
    assert verify_chain().ok


def test_loan_refusals_answer_400_403_404_409(org, doc, flow):
    borrower, office = client_for(org.staff_core), client_for(org.secretary)
    # the secrecy office asks for someone above whose clearance it is: 403 with the reason
    resp = unchanged(lambda: office.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "借阅",
                                                            "borrower": org.staff_general.pk}, format="json"), Loan)
    assert resp.status_code == 403 and resp.json()["code"] == "clearance" and "not cleared" in resp.json()["detail"]
    resp = unchanged(lambda: office.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "借阅",
                                                            "borrower": org.head_gen.pk}, format="json"), Loan)
    assert resp.status_code == 403 and resp.json()["code"] == "out_of_scope"
    # a carrier the borrower may not see is "does not exist", like a missing one
    resp = unchanged(lambda: client_for(org.staff_general).post(
        "/api/v1/loans/", {"carrier": doc.pk, "purpose": "借阅"}, format="json"), Loan)
    assert resp.status_code == 400 and "carrier" in resp.json()
    missing = unchanged(lambda: borrower.post("/api/v1/loans/", {"carrier": 99999999, "purpose": "x"},
                                              format="json"), Loan)
    assert missing.status_code == 400
    assert missing.json()["carrier"][0].replace("99999999", str(doc.pk)) == resp.json()["carrier"][0]
    # bad input: 400 per field
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    resp = unchanged(lambda: borrower.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "x", "due_on": far},
                                           format="json"), Loan)
    assert resp.status_code == 400 and "due_on" in resp.json()
    resp = borrower.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "x", "colour": "red"}, format="json")
    assert resp.status_code == 400 and "colour" in resp.json()
    resp = borrower.post("/api/v1/loans/", {"carrier": "abc", "purpose": "\x00"}, format="json")
    assert resp.status_code == 400
    loan = flow.request(doc)
    again = borrower.post("/api/v1/loans/", {"carrier": doc.pk, "purpose": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "loan_open"
    # wrong password when lending: 400, nothing written
    resp = unchanged(lambda: office.post(f"/api/v1/loans/{loan.pk}/lend/", {"password": "nope"}, format="json"),
                     Loan)
    assert resp.status_code == 400 and "password" in resp.json()
    # not the holder: 403; someone who may not see the loan: 404
    assert client_for(org.clerk).post(f"/api/v1/loans/{loan.pk}/lend/", {"password": org.password},
                                      format="json").status_code == 403
    assert client_for(org.staff_important).post(f"/api/v1/loans/{loan.pk}/lend/", {"password": org.password},
                                                format="json").status_code == 404
    assert client_for(org.staff_important).get(f"/api/v1/loans/{loan.pk}/").status_code == 404
    assert borrower.get("/api/v1/loans/99999999999/").status_code == 404
    assert borrower.get("/api/v1/loans/?carrier=abc").status_code == 400
    # accepting before it is lent: 409
    resp = borrower.post(f"/api/v1/loans/{loan.pk}/accept/", {"counted_count": 1, "password": org.password},
                         format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "loan_status"


def test_extension_over_rest(org, doc, flow):
    loan = flow.on_loan(doc)
    borrower = client_for(org.staff_core)
    later = (loan.due_on + timedelta(days=3)).isoformat()
    resp = borrower.post(f"/api/v1/loans/{loan.pk}/extend/", {"due_on": later, "reason": "项目延期"}, format="json")
    assert resp.status_code == 201, resp.content
    approval = resp.json()["approval"]
    resp = client_for(org.head_res).post(f"/api/v1/approvals/{approval}/approve/", {"password": org.password},
                                         format="json")
    assert resp.status_code == 200, resp.content
    assert borrower.get(f"/api/v1/loans/{loan.pk}/").json()["due_on"] == later
    resp = borrower.post(f"/api/v1/loans/{loan.pk}/extend/", {"due_on": later, "reason": "x"}, format="json")
    assert resp.status_code == 400 and "due_on" in resp.json()


def test_reading_places_and_sessions_over_rest(org, doc, room):
    office = client_for(org.secretary)
    resp = office.post("/api/v1/reading-places/", {"name_zh": "二号阅文室", "name_en": "Reading room 2",
                                                   "kind": "reading_room", "max_level": "CONFIDENTIAL"}, format="json")
    assert resp.status_code == 201 and resp.json()["max_level"] == "CONFIDENTIAL", resp.content
    small = resp.json()["id"]
    resp = unchanged(lambda: client_for(org.staff_core).post(
        "/api/v1/reading-places/", {"name_zh": "x", "name_en": "x", "kind": "office", "max_level": "SECRET"},
        format="json"), ReadingPlace)
    assert resp.status_code == 403
    resp = office.patch(f"/api/v1/reading-places/{small}/", {"location": "B-101"}, format="json")
    assert resp.status_code == 200 and resp.json()["location"] == "B-101"
    assert client_for(org.other_secretary).get(f"/api/v1/reading-places/{small}/").status_code == 404

    body = {"carrier": doc.pk, "reader": org.staff_core.pk, "place": room.pk, "rules_told": True}
    resp = unchanged(lambda: office.post("/api/v1/reading-sessions/", {**body, "rules_told": False}, format="json"),
                     ReadingSession)
    assert resp.status_code == 400 and "rules_told" in resp.json()
    resp = unchanged(lambda: office.post("/api/v1/reading-sessions/", {**body, "place": small}, format="json"),
                     ReadingSession)
    assert resp.status_code == 403 and resp.json()["code"] == "place_level"
    resp = unchanged(lambda: office.post("/api/v1/reading-sessions/", {**body, "reader": org.head_gen.pk},
                                         format="json"), ReadingSession)
    assert resp.status_code == 403 and resp.json()["code"] == "out_of_scope"
    resp = office.post("/api/v1/reading-sessions/", body, format="json")
    assert resp.status_code == 201, resp.content
    session = resp.json()
    assert session["reader"]["username"] == "staff_core" and session["ended_at"] is None
    listed = office.get(f"/api/v1/reading-sessions/?carrier={doc.pk}&open=true").json()["results"]
    assert [row["id"] for row in listed] == [session["id"]]
    # the reader sees their own session; someone else of the unit does not
    assert client_for(org.staff_core).get(f"/api/v1/reading-sessions/{session['id']}/").status_code == 200
    assert client_for(org.staff_important).get(f"/api/v1/reading-sessions/{session['id']}/").status_code == 404
    resp = office.post(f"/api/v1/reading-sessions/{session['id']}/end/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["ended_at"]
    assert office.post(f"/api/v1/reading-sessions/{session['id']}/end/", {}, format="json").status_code == 409
    record = office.get(f"/api/v1/carriers/{doc.pk}/disclosures/").json()
    assert [(line["kind"], line["where"]) for line in record] == [("reading", "Reading room")]
    # a carrier someone may not see: its disclosure record is missing, like the carrier
    assert client_for(org.staff_general).get(f"/api/v1/carriers/{doc.pk}/disclosures/").status_code == 404
    assert office.get("/api/v1/carriers/99999999999999999999999/disclosures/").status_code == 404


def test_circulation_over_rest(org, doc):
    office = client_for(org.secretary)
    body = {"carrier": doc.pk, "readers": [org.staff_core.pk, org.staff_important.pk]}
    resp = unchanged(lambda: office.post("/api/v1/circulations/", {**body, "readers": [org.staff_core.pk,
                                                                                       org.head_gen.pk]},
                                         format="json"), Circulation)
    assert resp.status_code == 403 and "head_gen-name" in resp.json()["detail"]
    resp = office.post("/api/v1/circulations/", body, format="json")
    assert resp.status_code == 201, resp.content
    circulation = resp.json()
    assert circulation["current_reader"] == org.staff_core.pk and circulation["status"] == "in_progress"
    url = f"/api/v1/circulations/{circulation['id']}/sign/"
    second = client_for(org.staff_important)
    assert second.get("/api/v1/circulations/?box=to_sign").json()["results"] == []
    resp = unchanged(lambda: second.post(url, {"password": org.password}, format="json"), Circulation)
    assert resp.status_code == 409 and resp.json()["code"] == "not_your_turn"
    first = client_for(org.staff_core)
    resp = unchanged(lambda: first.post(url, {"password": org.password, "pass_to": org.head_gen.pk},
                                        format="json"), Circulation)
    assert resp.status_code == 403 and resp.json()["code"] == "off_the_list"
    assert client_for(org.head_gen).post(url, {"password": org.password}, format="json").status_code == 404
    assert client_for(org.auditor).post(url, {"password": org.password}, format="json").status_code == 403
    resp = first.post(url, {"password": org.password, "pass_to": org.staff_important.pk}, format="json")
    assert resp.status_code == 200 and resp.json()["current_reader"] == org.staff_important.pk
    resp = second.post(url, {"password": org.password}, format="json")
    data = resp.json()
    assert data["status"] == "completed" and data["current_reader"] is None
    assert [r["signature"]["printed_name"] for r in data["readers"]] == ["staff_core-name", "staff_important-name"]
    assert first.post(url, {"password": org.password}, format="json").status_code == 409
    record = office.get(f"/api/v1/carriers/{doc.pk}/disclosures/").json()
    assert sorted(line["person"]["username"] for line in record) == ["staff_core", "staff_important"]
    # a reader on the list sees the circulation's lines
    mine = first.get(f"/api/v1/carriers/{doc.pk}/disclosures/").json()
    assert sorted(line["person"]["username"] for line in mine) == ["staff_core", "staff_important"]


@pytest.mark.parametrize("path", ["reading-places", "reading-sessions", "circulations", "loans"])
def test_lists_need_a_registered_person(org, path):
    assert APIClient().get(f"/api/v1/{path}/").status_code in (401, 403)
    assert client_for(org.staff_core).get(f"/api/v1/{path}/").status_code == 200

