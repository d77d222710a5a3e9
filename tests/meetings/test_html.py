"""The pages through Django's test client: planning with the attendee refusal on the form, sign-in,
distribution refused for a non-attendee (nothing changed), count and sign, the live board's JSON,
closing refused with copies out; 404 for outsiders; Chinese."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carriers.models import Carrier
from meetings.models import Meeting, MeetingCopy
from tests.factories import audit_count_but_security

from .helpers import distribute, receive

pytestmark = pytest.mark.django_db


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_planning_a_meeting_and_the_attendee_refusal(org, venue):
    client = logged_in(org.staff_core)
    html = client.get("/meetings/new/").content.decode()
    assert "Meeting room 1" in html and "staff_general-name (staff_general)" in html
    start = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = {"title": "评审会", "level": "2", "venue": str(venue.pk), "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "attendees": [str(org.staff_important.pk), str(org.staff_general.pk)]}
    events = audit_count_but_security()
    resp = client.post("/meetings/new/", data)
    assert resp.status_code == 403
    assert "staff_general-name: clearance does not reach Secret, cannot attend this meeting." in resp.content.decode()
    assert not Meeting.objects.exists() and audit_count_but_security() == events
    data["attendees"] = [str(org.staff_important.pk)]
    resp = client.post("/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/meetings/{meeting.pk}/"
    page = client.get(resp["Location"]).content.decode()
    assert "Submit for approval" in page and "staff_important-name" in page
    resp = client.post(f"/meetings/{meeting.pk}/attendees/", {"attendees-attendees": [str(org.head_res.pk)]})
    assert resp.status_code == 302 and meeting.attendees.count() == 2
    assert "Remove from the list" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    resp = client.post(f"/meetings/{meeting.pk}/remove/", {"remove-attendee": str(org.head_res.pk)})
    assert resp.status_code == 302 and list(meeting.attendees.values_list("user__username", flat=True)) == [
        "staff_important"]
    resp = client.post(f"/meetings/{meeting.pk}/submit/", {"submit-purpose": "评审"})
    assert resp.status_code == 302 and Meeting.objects.get().status == "submitted"


def test_the_meeting_page_runs_the_meeting(org, meeting, docs):
    organiser = logged_in(org.staff_core)
    page = organiser.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="form-distribute"' in page and 'id="board"' in page and "Close and sign" in page
    events = audit_count_but_security()
    # a non-attendee: refused on the page with the reason, nothing handed out
    resp = organiser.post(f"/meetings/{meeting.pk}/distribute/", {
        "distribute-attendee": str(org.staff_general.pk), "distribute-carriers": [str(docs[0].pk)],
        "distribute-declared_count": "1", "distribute-password": org.password})
    assert resp.status_code == 403 and "is not on the approved attendee list" in resp.content.decode()
    assert audit_count_but_security() == events and not MeetingCopy.objects.exists()
    resp = organiser.post(f"/meetings/{meeting.pk}/distribute/", {
        "distribute-attendee": str(org.staff_important.pk), "distribute-carriers": [str(docs[0].pk)],
        "distribute-declared_count": "1", "distribute-password": org.password})
    assert resp.status_code == 302
    handover = MeetingCopy.objects.get().handover
    attendee = logged_in(org.staff_important)
    page = attendee.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Copies handed to you: count and sign" in page and docs[0].registry_number in page
    resp = attendee.post(f"/meetings/{meeting.pk}/receive/", {
        "receive-handover": str(handover.pk), "receive-counted_count": "1", "receive-password": org.password})
    assert resp.status_code == 302 and MeetingCopy.objects.get().state == "received"
    board = organiser.get(f"/meetings/{meeting.pk}/board.json").json()
    assert board["status"] == "approved" and board["counts"]["outstanding"] == 1
    assert "With the attendee" in board["html"] and docs[0].registry_number in board["html"]
    # closing with the copy out: refused with the numbers
    resp = organiser.post(f"/meetings/{meeting.pk}/close/", {"close-password": org.password})
    assert resp.status_code == 409 and f"{docs[0].registry_number} not accounted for" in resp.content.decode()
    resp = organiser.post(f"/meetings/{meeting.pk}/close/", {
        "close-password": org.password, "close-missing": [str(docs[0].pk)], "close-missing_note": "未交回"})
    assert resp.status_code == 302 and Carrier.objects.get(pk=docs[0].pk).status == "lost"
    page = organiser.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Closed: every copy accounted for" in page and "Missing" in page


def test_self_sign_in_and_the_organiser_records_it(org, venue):
    from .helpers import approve, make_meeting

    meeting = approve(org, make_meeting(org, venue, attendees=[org.staff_important, org.head_res]))
    page = logged_in(org.staff_important).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Sign in to this meeting" in page
    assert logged_in(org.staff_important).post(f"/meetings/{meeting.pk}/signin/", {}).status_code == 302
    resp = logged_in(org.staff_core).post(f"/meetings/{meeting.pk}/signin/", {"signin-attendee": str(org.staff_general.pk)})
    assert resp.status_code == 403 and "not on the approved attendee list" in resp.content.decode()
    assert logged_in(org.staff_core).post(f"/meetings/{meeting.pk}/signin/",
                                          {"signin-attendee": str(org.head_res.pk)}).status_code == 302
    assert meeting.attendees.filter(signed_in_at__isnull=False).count() == 2


def test_outsiders_get_404_and_the_page_reads_in_chinese(org, meeting, docs):
    receive(meeting, distribute(org, meeting, docs[:1], to=org.staff_important), actor=org.staff_important)
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/board.json"):
        assert logged_in(org.staff_general).get(url).status_code == 404
        assert logged_in(org.other_secretary).get(url).status_code == 404
    assert logged_in(org.staff_general).post(f"/meetings/{meeting.pk}/signin/", {}).status_code == 404
    assert logged_in(org.staff_core).get("/meetings/").status_code == 200
    assert logged_in(org.secretary).get("/meetings/venues/").status_code == 200
    resp = logged_in(org.staff_core, "zh-hans").get(f"/meetings/{meeting.pk}/")
    assert resp.status_code == 200 and "<html lang=\"zh-hans\"" in resp.content.decode()


def test_venues_page_records_only_for_the_office(org):
    data = {"name_zh": "会议室", "name_en": "Room", "max_level": "2", "approval_reference": "保会3号"}
    assert logged_in(org.staff_core).post("/meetings/venues/", data).status_code == 403
    assert logged_in(org.secretary).post("/meetings/venues/", data).status_code == 302
    assert "保会3号" in logged_in(org.staff_core).get("/meetings/venues/").content.decode()
