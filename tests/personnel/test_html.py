"""The pages: a person's secrecy file, the travel and departure forms, the recall list; the same
services as the API, refusals shown with their reason, objects one may not see answer 404."""

from datetime import timedelta

import pytest
from django.test import Client

from personnel import services
from personnel.models import Departure, TrainingRecord, TravelRequest
from tests.factories import PASSWORD, register

from .conftest import approve_all, snapshot


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_secrecy_file_page(org, today):
    services.record_training(actor=org.secretary, person=org.staff_core.person, course="年度保密教育",
                             held_on=today - timedelta(days=2), result="passed", hours=4)
    page = browser(org.secretary).get(f"/personnel/{org.staff_core.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "年度保密教育" in html and 'id="training-form"' in html and 'id="recall"' in html
    own = browser(org.staff_core).get(f"/personnel/{org.staff_core.pk}/").content.decode()
    assert "年度保密教育" in own and 'id="training-form"' not in own and 'id="pledge-form"' in own
    assert browser(org.staff_general).get(f"/personnel/{org.staff_core.pk}/").status_code == 404
    assert browser(org.other_secretary).get(f"/personnel/{org.staff_core.pk}/").status_code == 404
    listing = browser(org.secretary).get("/personnel/").content.decode()
    assert org.staff_core.person.employee_number in listing


def test_recording_training_from_the_page(org, today):
    url = f"/personnel/{org.staff_core.pk}/training/"
    data = {"course": "保密技术防护", "held_on": str(today), "result": "passed", "hours": "2"}
    assert browser(org.secretary).post(url, data).status_code == 302
    assert TrainingRecord.objects.filter(course="保密技术防护").exists()
    before = snapshot()
    page = browser(org.secretary).post(url, {**data, "held_on": str(today + timedelta(days=1))})
    assert page.status_code == 400
    assert snapshot() == before
    assert browser(org.staff_core).post(url, data).status_code == 403  # not the secrecy office


def test_raising_a_post_refused_on_the_page_with_the_reason(org):
    before = snapshot()
    page = browser(org.secretary).post(f"/personnel/{org.staff_none.pk}/post/",
                                           {"secrecy_post": "core", "password": PASSWORD})
    assert page.status_code == 403 and "pledge" in page.content.decode()
    assert snapshot() == before


def test_the_travel_form(org, today):
    page = browser(org.staff_important).get("/personnel/travel/new/")
    assert page.status_code == 200
    data = {"kind": "official", "destination": "日内瓦", "departs_on": str(today + timedelta(days=5)),
            "returns_on": str(today + timedelta(days=9)), "purpose": "参加国际会议"}
    response = browser(org.staff_important).post("/personnel/travel/new/", data)
    assert response.status_code == 302
    travel = TravelRequest.objects.get()
    assert travel.approval.kind == "travel" and travel.kind == "official"
    detail = browser(org.staff_important).get(f"/personnel/travel/{travel.pk}/")
    assert detail.status_code == 200 and "日内瓦" in detail.content.decode()
    assert browser(org.staff_general).get(f"/personnel/travel/{travel.pk}/").status_code == 404
    before = snapshot()
    page = browser(org.staff_none).post("/personnel/travel/new/", data)
    assert page.status_code == 409
    assert snapshot() == before
    # the secrecy office records the trip taken before approval: a violation
    assert browser(org.secretary).post(f"/personnel/travel/{travel.pk}/trip/", {"left_on": str(today)}).status_code == 302
    travel.refresh_from_db()
    assert travel.status == "unapproved" and travel.incident_number


def test_the_departure_pages_and_the_recall_list(org):
    carrier = register(org.secretary, container=org.cabinet, scope_departments=[org.res])
    from carriers import services as carrier_services

    handover = carrier_services.start_handover(actor=org.secretary, password=PASSWORD, taker=org.staff_important,
                                               carriers=[carrier], declared_count=1)
    carrier_services.accept_handover(actor=org.staff_important, password=PASSWORD, handover_id=handover.pk,
                                     counted_count=1)
    response = browser(org.staff_important).post("/personnel/departures/new/",
                                                  {"leaves_on": "2030-06-30", "reason": "调离涉密岗位"})
    assert response.status_code == 302
    departure = Departure.objects.get()
    approve_all(departure.approval)
    page = browser(org.secretary).get(f"/personnel/departures/{departure.pk}/").content.decode()
    assert carrier.registry_number in page and 'id="complete-form"' in page
    before = snapshot()
    refused = browser(org.secretary).post(f"/personnel/departures/{departure.pk}/complete/", {"password": PASSWORD})
    assert refused.status_code == 409 and carrier.registry_number in refused.content.decode()
    assert snapshot() == before
    assert browser(org.staff_general).get(f"/personnel/departures/{departure.pk}/").status_code == 404
    assert browser(org.secretary).get("/personnel/departures/").status_code == 200


def test_an_approver_sees_why_travel_in_the_disengagement_period_is_refused(org, today):
    from .conftest import last_approver

    travel = services.submit_travel(actor=org.staff_important, traveller=org.staff_important.person, kind="private",
                                    destination="首尔", departs_on=today + timedelta(days=3),
                                    returns_on=today + timedelta(days=6), purpose="旅游")
    approve_all(travel.approval, until_last=True)
    services.record_departure(actor=org.secretary, person=org.staff_important.person)
    approver = last_approver(travel.approval)
    page = browser(approver).get(f"/approvals/{travel.approval_id}/")
    assert page.status_code == 200
    before = snapshot()
    refused = browser(approver).post(f"/approvals/{travel.approval_id}/approve/", {"password": PASSWORD})
    assert refused.status_code == 403 and "disengagement" in refused.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("url", ["/personnel/", "/personnel/travel/", "/personnel/departures/",
                                 "/personnel/departures/new/", "/personnel/travel/new/"])
def test_pages_answer_for_everyone_registered(org, url):
    assert browser(org.staff_general).get(url).status_code == 200


def test_demo_data(org):
    from personnel.demo import seed_personnel

    people = {name: getattr(org, name) for name in ("secretary", "staff_core", "staff_important", "staff_general",
                                                   "head_res")}
    people["staff_fin"] = org.clerk
    assert seed_personnel(people, PASSWORD) == 1
    assert TrainingRecord.objects.count() == 10 and TravelRequest.objects.get().status == "submitted"
    left = Departure.objects.get(person__user__username="staff_left")
    assert left.status == "completed" and left.person.status == "departed"
