"""The meetings' access policy (meetings/policy.py): every model registered with the gate; a meeting
at which a Top Secret carrier was handed out is not seen by a Secret-cleared secrecy-office clerk
(API list, API detail 404, HTML page 404) and is by the unit's Top Secret-cleared secretary; an
attendee sees the meeting with the copies they may not open counted, never named; the page shows
each step to exactly whom the services allow it."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from common import access
from common.levels import Level
from meetings import policy
from meetings.models import Meeting, MeetingCopy
from tests.factories import register

from .helpers import approve, distribute, make_meeting, transfer

URL = "/api/v1/meetings/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("meetings").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def top_secret_meeting(org, venue):
    """A Top Secret meeting organised by staff_core at which head_res received a Top Secret copy."""
    from meetings import services

    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, copy_number="000001",
                       copies_total=1, title="绝密会议材料", scope_departments=[org.res])
    transfer(org, [carrier], taker=org.staff_core)
    meeting = approve(org, make_meeting(org, venue, attendees=[org.head_res], level=Level.TOP_SECRET,
                                        title="绝密评审会"))
    services.sign_in(actor=org.head_res, meeting_id=meeting.pk)
    distribute(org, meeting, [carrier], to=org.head_res)
    return meeting, carrier


def test_clerk_cannot_see_a_meeting_naming_a_top_secret_carrier(org, top_secret_meeting):
    meeting, carrier = top_secret_meeting
    listed = api(org.clerk).get(URL)
    assert listed.status_code == 200 and carrier.registry_number not in listed.content.decode()
    assert all(row["id"] != meeting.pk for row in listed.json()["results"])
    assert api(org.clerk).get(f"{URL}{meeting.pk}/").status_code == 404
    assert page(org.clerk).get(f"/meetings/{meeting.pk}/").status_code == 404
    assert page(org.clerk).get(f"/meetings/{meeting.pk}/board.json").status_code == 404
    assert carrier.registry_number not in page(org.clerk).get("/meetings/").content.decode()
    assert not access.restrict(MeetingCopy.objects.filter(carrier=carrier), org.clerk).exists()


def test_secretary_sees_it_with_its_copy(org, top_secret_meeting):
    meeting, carrier = top_secret_meeting
    assert any(row["id"] == meeting.pk for row in api(org.secretary).get(URL).json()["results"])
    detail = api(org.secretary).get(f"{URL}{meeting.pk}/")
    assert detail.status_code == 200 and detail.json()["hidden_copies"] == 0
    assert [c["carrier"]["registry_number"] for c in detail.json()["copies"]] == [carrier.registry_number]
    html = page(org.secretary).get(f"/meetings/{meeting.pk}/")
    assert html.status_code == 200 and carrier.registry_number in html.content.decode()


def test_an_attendee_sees_the_copies_they_may_not_open_counted_not_named(org, meeting, docs):
    """head_res may open a copy named to them alone; staff_important, also on the list, may not."""
    private = register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number="000001",
                       copies_total=1, title="仅限处长的材料", scope_people=[org.staff_core, org.head_res])
    transfer(org, [private], taker=org.staff_core)
    distribute(org, meeting, [docs[0]], to=org.staff_important)
    distribute(org, meeting, [private], to=org.head_res)
    data = api(org.staff_important).get(f"{URL}{meeting.pk}/").json()
    assert [c["carrier"]["registry_number"] for c in data["copies"]] == [docs[0].registry_number]
    assert data["hidden_copies"] == 1
    html = page(org.staff_important).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "1 more copy is not visible to you." in html
    for text in (str(data), html, page(org.staff_important).get(f"/meetings/{meeting.pk}/board.json").content.decode()):
        assert private.registry_number not in text and private.title not in text
    organiser = api(org.staff_core).get(f"{URL}{meeting.pk}/").json()
    assert organiser["hidden_copies"] == 0 and len(organiser["copies"]) == 2


def test_the_steps_shown_are_those_the_services_allow(org, planned):
    assert policy.may_change_list(org.staff_core, planned) and policy.may_change_list(org.secretary, planned)
    assert not policy.may_change_list(org.staff_important, planned)
    assert policy.may_submit(org.staff_core, planned) and not policy.may_submit(org.secretary, planned)
    assert not policy.may_record_sign_in(org.staff_core, planned)  # not approved yet
    assert access.can(org.secretary, policy.MANAGE_VENUES) and not access.can(org.staff_core, policy.MANAGE_VENUES)
    approve(org, planned)
    planned = Meeting.objects.get(pk=planned.pk)
    assert policy.may_record_sign_in(org.staff_core, planned) and policy.may_self_sign_in(org.staff_important, planned)
    assert not policy.may_self_sign_in(org.clerk, planned)
    assert policy.may_distribute(org.staff_core, planned) and not policy.may_distribute(org.secretary, planned)
    assert policy.may_close(org.secretary, planned) and not policy.may_close(org.head_res, planned)
    assert access.can(org.staff_core, policy.CLOSE, planned) and not access.can(org.head_res, policy.CLOSE, planned)
    html = page(org.staff_important).get(f"/meetings/{planned.pk}/").content.decode()
    assert 'name="signin-attendee"' not in html  # only the organiser and the office record sign-ins
