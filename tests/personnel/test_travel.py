"""Leaving the country (R11, and R12 in the disengagement period): approval before departure,
the stricter policy in the disengagement period, passport custody, a trip without approval
recorded as a violation. Refusals change nothing and never answer 500."""

from datetime import timedelta

import pytest

from approvals.models import ApprovalRequest
from common.errors import Conflict, Refused
from incidents.models import Incident
from personnel import services
from personnel.models import Person, TravelRequest
from tests.factories import PASSWORD

from .conftest import api, approve_all, last_approver, snapshot, text

URL = "/api/v1/travel-requests/"


def payload(trip_dates, **extra):
    departs, returns = trip_dates
    data = {"kind": "private", "destination": "新加坡", "departs_on": str(departs), "returns_on": str(returns),
            "purpose": "探亲"}
    data.update(extra)
    return data


def submit(org, trip_dates, user=None, **extra):
    resp = api(user or org.staff_important).post(URL, payload(trip_dates, **extra), format="json")
    assert resp.status_code == 201, resp.content
    return TravelRequest.objects.get(pk=resp.json()["id"])


def test_a_travel_request_goes_to_approval_by_post_level(org, trip_dates):
    travel = submit(org, trip_dates)
    approval = travel.approval
    assert (approval.kind, approval.variant, approval.level, approval.valid_until) == ("travel", "", 2, trip_dates[0])
    assert travel.status == "submitted" and not travel.in_disengagement
    approve_all(approval)
    travel.refresh_from_db()
    assert travel.status == "approved"
    assert api(org.staff_important).get(f"{URL}{travel.pk}/").json()["approval_status"] == "approved"


@pytest.mark.parametrize("bad,status", [
    ({"departs_on": "2000-01-01", "returns_on": "2000-01-02"}, 400),  # departure passed
    ({"returns_on": "2000-01-01"}, 400),  # back before leaving
    ({"kind": "holiday"}, 400),
    ({"destination": ""}, 400),
    ({"traveller": 999999999}, 400),
    ({"traveller": "abc"}, 400),
    ({"departs_on": "tomorrow"}, 400),
])
def test_bad_travel_requests_are_refused_and_write_nothing(org, trip_dates, bad, status):
    before = snapshot()
    resp = api(org.staff_important).post(URL, payload(trip_dates, **bad), format="json")
    assert resp.status_code == status, resp.content
    assert snapshot() == before


def test_only_the_traveller_or_their_secrecy_office_asks(org, trip_dates):
    before = snapshot()
    resp = api(org.head_res).post(URL, payload(trip_dates, traveller=org.staff_important.pk), format="json")
    assert resp.status_code == 403
    resp = api(org.other_secretary).post(URL, payload(trip_dates, traveller=org.staff_important.pk), format="json")
    assert resp.status_code == 400  # another unit's person does not exist for them
    resp = api(org.staff_none).post(URL, payload(trip_dates), format="json")
    assert resp.status_code == 409  # not secret-related: no approval needed
    assert snapshot() == before


def test_approval_after_the_departure_date_is_refused(org, trip_dates):
    """R11: consent comes before leaving."""
    travel = submit(org, trip_dates)
    approve_all(travel.approval, until_last=True)
    TravelRequest.objects.filter(pk=travel.pk).update(departs_on=travel.departs_on - timedelta(days=11))
    approver = last_approver(travel.approval)
    before = snapshot()
    resp = api(approver).post(f"/api/v1/approvals/{travel.approval_id}/approve/", {"password": PASSWORD},
                              format="json")
    assert resp.status_code == 403 and "departure date" in text(resp)
    assert snapshot() == before


def test_approving_travel_in_the_disengagement_period_without_the_stricter_policy_is_refused(org, trip_dates, head_sec):
    """R12: a request made before the departure, decided after it, is refused; the secrecy office
    asks again under the stricter policy, which may be approved."""
    travel = submit(org, trip_dates)
    approve_all(travel.approval, until_last=True)
    services.record_departure(actor=org.secretary, person=org.staff_important.person)
    approver = last_approver(travel.approval)
    before = snapshot()
    resp = api(approver).post(f"/api/v1/approvals/{travel.approval_id}/approve/", {"password": PASSWORD},
                              format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "disengagement_policy", resp.content
    assert snapshot() == before
    travel.refresh_from_db()
    assert travel.status == "submitted" and travel.approval.status in ("submitted", "in_review")
    # rejecting is still possible
    approvals_reject = api(approver).post(f"/api/v1/approvals/{travel.approval_id}/reject/",
                                          {"password": PASSWORD, "reason": "脱密期"}, format="json")
    assert approvals_reject.status_code == 200
    travel.refresh_from_db()
    assert travel.status == "rejected"

    # the departed person cannot ask any more; the secrecy office asks on their behalf
    resp = api(org.secretary).post(URL, payload(trip_dates, traveller=org.staff_important.pk), format="json")
    assert resp.status_code == 201, resp.content
    again = TravelRequest.objects.get(pk=resp.json()["id"])
    assert again.in_disengagement and again.approval.variant == "disengagement"
    assert [s.approver_role for s in again.approval.steps.order_by("order")] == [
        "department_head", "secrecy_office", "unit_head"]
    approve_all(again.approval)
    again.refresh_from_db()
    assert again.status == "approved"


def test_no_stricter_policy_no_request_in_the_disengagement_period(org, trip_dates, head_sec):
    from approvals.models import ApprovalPolicy

    services.record_departure(actor=org.secretary, person=org.staff_important.person)
    ApprovalPolicy.objects.filter(kind="travel", variant="disengagement").delete()
    before = snapshot()
    with pytest.raises(Conflict, match="stricter"):
        services.submit_travel(actor=org.secretary, traveller=Person.objects.get(user=org.staff_important),
                               kind="private", destination="东京", departs_on=trip_dates[0], returns_on=trip_dates[1],
                               purpose="旅游")
    assert snapshot() == before


def test_a_trip_taken_as_approved_uses_up_the_approval(org, trip_dates, today):
    travel = submit(org, trip_dates)
    approve_all(travel.approval)
    TravelRequest.objects.filter(pk=travel.pk).update(departs_on=today - timedelta(days=2))
    resp = api(org.secretary).post(f"{URL}{travel.pk}/trip/", {"left_on": str(today - timedelta(days=1))},
                                   format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "taken" and resp.json()["incident_number"] == ""
    assert ApprovalRequest.objects.get(pk=travel.approval_id).consumed_at is not None
    assert not Incident.objects.exists()
    assert api(org.secretary).post(f"{URL}{travel.pk}/trip/", {"left_on": str(today)},
                                   format="json").status_code == 409


def test_a_trip_taken_without_approval_is_a_violation(org, trip_dates, today):
    travel = submit(org, trip_dates)  # still waiting for approval
    assert api(org.staff_important).post(f"{URL}{travel.pk}/trip/", {"left_on": str(today)},
                                         format="json").status_code == 403
    resp = api(org.secretary).post(f"{URL}{travel.pk}/trip/", {"left_on": str(today)}, format="json")
    assert resp.status_code == 200
    travel.refresh_from_db()
    incident = Incident.objects.get()
    assert travel.status == "unapproved" and travel.incident_number == incident.number
    assert (incident.kind, incident.source, incident.concerns_id) == ("violation", f"travel:{travel.pk}",
                                                                      org.staff_important.pk)


def test_a_trip_that_came_to_light_without_any_request_is_a_violation(org, today):
    resp = api(org.secretary).post(f"{URL}unapproved/", {
        "traveller": org.staff_core.pk, "kind": "private", "destination": "曼谷", "left_on": str(today - timedelta(5)),
        "came_back_on": str(today - timedelta(2)),
    }, format="json")
    assert resp.status_code == 201, resp.content
    travel = TravelRequest.objects.get(pk=resp.json()["id"])
    assert travel.status == "unapproved" and travel.approval is None
    assert Incident.objects.get().source == f"travel:{travel.pk}"
    before = snapshot()
    assert api(org.staff_core).post(f"{URL}unapproved/", {
        "traveller": org.staff_core.pk, "kind": "private", "destination": "曼谷", "left_on": str(today)},
        format="json").status_code == 403
    assert snapshot() == before


def test_passport_custody(org, trip_dates, today):
    person = org.staff_important.person
    url = f"/api/v1/people/{org.staff_important.pk}/passport/"
    before = snapshot()
    assert api(org.secretary).post(url, {"direction": "out"}, format="json").status_code == 409  # not held
    assert snapshot() == before
    assert api(org.secretary).post(url, {"direction": "in"}, format="json").status_code == 201
    assert api(org.secretary).post(url, {"direction": "in"}, format="json").status_code == 409
    travel = submit(org, trip_dates)
    before = snapshot()
    resp = api(org.secretary).post(url, {"direction": "out", "travel": travel.pk}, format="json")
    assert resp.status_code == 403, resp.content  # not approved yet
    assert snapshot() == before
    approve_all(travel.approval)
    resp = api(org.secretary).post(url, {"direction": "out", "travel": travel.pk}, format="json")
    assert resp.status_code == 201
    assert [m["direction"] for m in api(org.staff_important).get(url).json()] == ["out", "in"]
    with pytest.raises(Refused):
        services.record_passport(actor=org.staff_important, person=person, direction="in")


def test_travel_lists_follow_the_gate(org, trip_dates):
    travel = submit(org, trip_dates)
    assert [r["id"] for r in api(org.staff_important).get(URL).json()["results"]] == [travel.pk]
    assert api(org.secretary).get(f"{URL}{travel.pk}/").status_code == 200
    assert api(org.staff_general).get(f"{URL}{travel.pk}/").status_code == 404
    assert api(org.other_secretary).get(f"{URL}{travel.pk}/").status_code == 404
    assert api(org.staff_general).get(URL).json()["results"] == []
    assert api(org.secretary).get(f"{URL}?status=nonsense").status_code == 400
    assert api(org.secretary).get(f"{URL}99999999999999999999/").status_code == 404
