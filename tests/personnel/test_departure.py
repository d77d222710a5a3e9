"""Leaving the post (R12): approval, the recall (清退) of every carrier held, completion into the
disengagement period by post (configurable), its end reported and recorded."""

from datetime import timedelta

import pytest

from approvals.models import ApprovalRequest
from carriers import services as carrier_services
from common.levels import Level
from personnel import rules, services
from personnel.models import Departure, Person
from tests.factories import PASSWORD, register

from .conftest import api, approve_all, snapshot, text

URL = "/api/v1/departures/"


def hand(giver, taker, carrier, container=None):
    handover = carrier_services.start_handover(actor=giver, password=PASSWORD, taker=taker, carriers=[carrier],
                                               declared_count=1)
    return carrier_services.accept_handover(actor=taker, password=PASSWORD, handover_id=handover.pk, counted_count=1,
                                            container=container)


@pytest.fixture
def held(org):
    """A Secret carrier handed to staff_important."""
    carrier = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res])
    hand(org.secretary, org.staff_important, carrier)
    carrier.refresh_from_db()
    assert carrier.holder_id == org.staff_important.pk
    return carrier


def ask(org, user=None, **extra):
    data = {"leaves_on": "2030-01-31", "reason": "调任非涉密岗位"}
    data.update(extra)
    resp = api(user or org.staff_important).post(URL, data, format="json")
    assert resp.status_code == 201, resp.content
    return Departure.objects.get(pk=resp.json()["id"])


def test_departure_blocked_by_one_held_carrier_then_completed_after_its_return(org, held, today):
    departure = ask(org)
    assert (departure.approval.kind, departure.level, departure.disengagement_months) == ("departure", 2, 24)
    approve_all(departure.approval)
    departure.refresh_from_db()
    assert departure.status == "approved"
    # the recall list names the carrier
    resp = api(org.secretary).get(f"{URL}{departure.pk}/")
    assert [r["registry_number"] for r in resp.json()["recall"]] == [held.registry_number]
    assert "title" not in resp.json()["recall"][0]

    before = snapshot()
    resp = api(org.secretary).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "carriers_held"
    assert held.registry_number in resp.json()["detail"]
    assert snapshot() == before

    hand(org.staff_important, org.secretary, held, container=org.cabinet)  # returned by a handover
    assert api(org.secretary).get(f"{URL}{departure.pk}/").json()["recall"] == []
    resp = api(org.secretary).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "completed"
    assert data["disengagement_starts_on"] == str(today)
    assert data["disengagement_ends_on"] == str(rules.add_months(today, 24))
    person = Person.objects.get(user=org.staff_important)
    assert person.status == "departed" and person.clearance == 0
    assert ApprovalRequest.objects.get(pk=departure.approval_id).consumed_at is not None
    # the flag on the secrecy file
    file = api(org.secretary).get(f"/api/v1/people/{org.staff_important.pk}/secrecy-file/").json()
    assert file["in_disengagement"] is True and file["disengagement_until"] == data["disengagement_ends_on"]
    assert api(org.secretary).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD},
                                   format="json").status_code == 409


def test_no_completion_without_approval(org):
    departure = ask(org)
    before = snapshot()
    resp = api(org.secretary).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "not_approved"
    assert snapshot() == before


def test_only_the_secrecy_office_completes_and_with_its_password(org):
    departure = ask(org)
    approve_all(departure.approval)
    before = snapshot()
    assert api(org.staff_important).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD},
                                         format="json").status_code == 403
    assert api(org.head_res).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD},
                                  format="json").status_code in (403, 404)
    assert api(org.other_secretary).post(f"{URL}{departure.pk}/complete/", {"password": PASSWORD},
                                         format="json").status_code == 404
    assert api(org.secretary).post(f"{URL}{departure.pk}/complete/", {"password": "wrong"},
                                   format="json").status_code == 400
    assert api(org.secretary).post(f"{URL}{departure.pk}/complete/", {}, format="json").status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("bad,status", [
    ({"disengagement_months": 6}, 400),  # important: 12-24 months
    ({"disengagement_months": 25}, 400),
    ({"reason": ""}, 400),
    ({"leaves_on": "soon"}, 400),
    ({"replacement": 99999999}, 400),
    ({"person": "x"}, 400),
    ({"extra": 1}, 400),
])
def test_bad_departures_are_refused_and_write_nothing(org, bad, status):
    before = snapshot()
    data = {"leaves_on": "2030-01-31", "reason": "调任", **bad}
    resp = api(org.staff_important).post(URL, data, format="json")
    assert resp.status_code == status, resp.content
    assert snapshot() == before


def test_the_period_is_configurable(org, settings, today):
    settings.REGISTRY = {**settings.REGISTRY, "DISENGAGEMENT_MONTHS": {**settings.REGISTRY["DISENGAGEMENT_MONTHS"],
                                                                       "important": (3, 9)}}
    departure = ask(org, disengagement_months=3)
    approve_all(departure.approval)
    services.complete_departure(actor=org.secretary, departure_id=departure.pk, password=PASSWORD)
    departure.refresh_from_db()
    assert departure.disengagement_ends_on == rules.add_months(today, 3)


def test_one_departure_at_a_time_and_not_for_people_without_a_secret_related_post(org):
    ask(org)
    before = snapshot()
    resp = api(org.staff_important).post(URL, {"leaves_on": "2030-01-31", "reason": "再次"}, format="json")
    assert resp.status_code == 409
    resp = api(org.staff_none).post(URL, {"leaves_on": "2030-01-31", "reason": "离职"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "not_secret_related"
    assert snapshot() == before


def test_the_secrecy_office_may_ask_on_someones_behalf(org, head_sec):
    departure = ask(org, user=org.secretary, person=org.staff_core.pk, disengagement_months=30)
    assert departure.person.user_id == org.staff_core.pk and departure.level == Level.TOP_SECRET
    assert api(org.staff_general).post(URL, {"leaves_on": "2030-01-31", "reason": "x", "person": org.staff_core.pk},
                                       format="json").status_code == 403


def test_direct_departure_record_also_needs_the_recall_and_starts_the_period(org, held, today):
    url = f"/api/v1/people/{org.staff_important.pk}/depart/"
    before = snapshot()
    resp = api(org.secretary).post(url, {"password": PASSWORD}, format="json")
    assert resp.status_code == 409 and held.registry_number in text(resp)
    assert snapshot() == before
    hand(org.staff_important, org.secretary, held, container=org.cabinet)
    assert api(org.secretary).post(url, {"password": PASSWORD}, format="json").status_code == 200
    departure = Departure.objects.get(person__user=org.staff_important)
    assert departure.status == "completed" and departure.approval is None
    assert departure.disengagement_ends_on == rules.add_months(today, 24)


def test_the_end_of_the_period_is_recorded_after_it(org, today):
    services.record_departure(actor=org.secretary, person=org.staff_general.person)
    departure = Departure.objects.get()
    before = snapshot()
    resp = api(org.secretary).post(f"{URL}{departure.pk}/end-disengagement/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "period_running"
    assert snapshot() == before
    Departure.objects.filter(pk=departure.pk).update(disengagement_ends_on=today - timedelta(days=1))
    resp = api(org.secretary).post(f"{URL}{departure.pk}/end-disengagement/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 200 and resp.json()["disengagement_closed_at"]


def test_departures_follow_the_gate(org):
    departure = ask(org)
    assert api(org.staff_important).get(f"{URL}{departure.pk}/").status_code == 200
    assert api(org.head_res).get(f"{URL}{departure.pk}/").status_code == 200  # its approver
    assert api(org.staff_general).get(f"{URL}{departure.pk}/").status_code == 404
    assert api(org.other_secretary).get(f"{URL}{departure.pk}/").status_code == 404
    assert [d["id"] for d in api(org.secretary).get(URL).json()["results"]] == [departure.pk]
    assert api(org.secretary).get(f"{URL}?status=completed").json()["results"] == []
