"""/api/v1/meetings/: an outside REST client runs a meeting end to end with passwords (tokens per
person), and each R8 violation answers 400/403/404/409 with the reason, never 500, nothing
changed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from audit.models import AuditEvent
from audit.selectors import verify_chain
from carriers.models import Carrier
from meetings.models import Meeting, MeetingCopy
from tests.factories import audit_count_but_security

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/"


def login(user, password) -> APIClient:
    """A client with a token, as an outside system would hold one per person."""
    client = APIClient()
    resp = client.post("/api/v1/auth/token/", {"username": user.username, "password": password}, format="json")
    assert resp.status_code in (200, 201), resp.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    return client


def test_a_meeting_end_to_end_over_rest(org, venue, docs):
    organiser, attendee, head, office = (login(u, org.password) for u in
                                         (org.staff_core, org.staff_important, org.head_res, org.secretary))
    now = timezone.now()
    # the venues of the unit, with the level each is approved for
    venues = organiser.get("/api/v1/meeting-venues/").json()["results"]
    assert [v["id"] for v in venues] == [venue.pk] and venues[0]["max_level"] == "TOP_SECRET"

    resp = organiser.post(URL, {"title": "项目评审会", "level": "SECRET", "venue": venue.pk,
                                "starts_at": (now + timedelta(hours=1)).isoformat(),
                                "ends_at": (now + timedelta(hours=3)).isoformat(), "purpose": "评审"}, format="json")
    assert resp.status_code == 201, resp.content
    meeting = resp.json()
    mid = meeting["id"]
    assert meeting["status"] == "planning" and meeting["organiser"]["username"] == "staff_core"

    # an attendee below the level: refused with the reason, nothing added
    events = AuditEvent.objects.count()
    resp = organiser.post(f"{URL}{mid}/attendees/", {"attendees": [org.staff_general.pk]}, format="json")
    assert resp.status_code == 403 and "clearance does not reach Secret" in resp.json()["detail"]
    assert resp.json()["code"] == "attendee_clearance" and AuditEvent.objects.count() == events
    resp = organiser.post(f"{URL}{mid}/attendees/", {"attendees": [org.staff_important.pk, org.head_res.pk]},
                          format="json")
    assert resp.status_code == 201 and {a["user"]["username"] for a in resp.json()} == {"staff_important", "head_res"}

    # not approved yet: nobody signs in
    resp = attendee.post(f"{URL}{mid}/sign-in/", {}, format="json")
    assert resp.status_code == 409 and "not been approved" in resp.json()["detail"]

    # the list through approval: Research's head, then the secrecy office
    approval = organiser.post(f"{URL}{mid}/submit/", {}, format="json").json()["approval"]["id"]
    for approver in (head, office):
        resp = approver.post(f"/api/v1/approvals/{approval}/approve/", {"password": org.password}, format="json")
        assert resp.status_code == 200, resp.content
    assert organiser.get(f"{URL}{mid}/").json()["status"] == "approved"

    # sign-in: self, and recorded by the organiser; a non-attendee refused
    assert attendee.post(f"{URL}{mid}/sign-in/", {}, format="json").status_code == 200
    resp = organiser.post(f"{URL}{mid}/sign-in/", {"attendee": org.staff_general.pk}, format="json")
    assert resp.status_code == 403 and "not on the approved attendee list" in resp.json()["detail"]
    resp = organiser.post(f"{URL}{mid}/sign-in/", {"attendee": org.head_res.pk}, format="json")
    signed = {a["user"]["username"]: a for a in resp.json()["attendees"]}
    assert signed["head_res"]["signed_in_by"]["username"] == "staff_core" and signed["head_res"]["signed_in_at"]

    # handing a document to a non-attendee: refused, nothing changed
    events = AuditEvent.objects.count()
    resp = organiser.post(f"{URL}{mid}/distribute/", {"attendee": org.staff_general.pk, "carriers": [docs[0].pk],
                                                      "declared_count": 1, "password": org.password}, format="json")
    assert resp.status_code == 403 and "not on the approved attendee list" in resp.json()["detail"]
    assert AuditEvent.objects.count() == events and Carrier.objects.get(pk=docs[0].pk).status == "in_custody"

    # distribution: the organiser signs, the attendee counts and signs
    resp = organiser.post(f"{URL}{mid}/distribute/", {"attendee": org.staff_important.pk,
                                                      "carriers": [d.pk for d in docs], "declared_count": 3,
                                                      "password": org.password}, format="json")
    assert resp.status_code == 201, resp.content
    waiting = attendee.get(f"{URL}{mid}/").json()["waiting_for_you"]
    assert len(waiting) == 1 and waiting[0]["stage"] == "handed_out" and waiting[0]["declared_count"] == 3
    resp = attendee.post(f"{URL}{mid}/receive/", {"handover": waiting[0]["handover"], "counted_count": 3,
                                                  "password": org.password}, format="json")
    assert resp.status_code == 200 and {c["state"] for c in resp.json()["copies"]} == {"received"}

    # two come back
    resp = attendee.post(f"{URL}{mid}/return/", {"carriers": [docs[0].pk, docs[1].pk], "declared_count": 2,
                                                 "password": org.password}, format="json")
    assert resp.status_code == 201
    back = organiser.get(f"{URL}{mid}/").json()["waiting_for_you"][0]
    resp = organiser.post(f"{URL}{mid}/receive/", {"handover": back["handover"], "counted_count": 2,
                                                   "container": org.cabinet.pk, "password": org.password}, format="json")
    assert resp.status_code == 200

    # the return check: two returned, one outstanding; closing is refused until it is declared missing
    check = organiser.get(f"{URL}{mid}/return-check/").json()
    assert check["complete"] is False and check["counts"]["returned"] == 2 and check["counts"]["outstanding"] == 1
    events = AuditEvent.objects.count()
    resp = organiser.post(f"{URL}{mid}/close/", {"password": org.password}, format="json")
    assert resp.status_code == 409 and docs[2].registry_number in resp.json()["detail"]
    assert AuditEvent.objects.count() == events and not Alert.objects.exists()
    resp = organiser.post(f"{URL}{mid}/close/", {"password": org.password, "missing": [docs[2].pk],
                                                 "missing_note": "散会后未交回"}, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "closed" and data["close_signature"]["printed_name"] == "staff_core-name"
    check = organiser.get(f"{URL}{mid}/return-check/").json()
    assert check["counts"] == {"returned": 2, "kept": 0, "missing": 1, "withdrawn": 0, "outstanding": 0}
    assert Carrier.objects.get(pk=docs[2].pk).status == "lost"
    alerts = office.get("/api/v1/alerts/").json()["results"]
    assert [a["kind"] for a in alerts] == ["meeting_copy_missing"] and Alert.objects.count() == 1
    assert verify_chain().ok


def test_bad_input_is_refused_never_500(org, meeting, docs):
    organiser = login(org.staff_core, org.password)
    base = f"{URL}{meeting.pk}"
    cases = [
        ("post", f"{base}/distribute/", {"attendee": "x", "carriers": [docs[0].pk], "declared_count": 1,
                                         "password": org.password}, 400),
        ("post", f"{base}/distribute/", {"attendee": org.staff_important.pk, "carriers": [], "declared_count": 1,
                                         "password": org.password}, 400),
        ("post", f"{base}/distribute/", {"attendee": org.staff_important.pk, "carriers": [docs[0].pk],
                                         "declared_count": 2, "password": org.password}, 400),
        ("post", f"{base}/distribute/", {"attendee": org.staff_important.pk, "carriers": [docs[0].pk],
                                         "declared_count": 1, "password": "wrong"}, 400),
        ("post", f"{base}/distribute/", {"attendee": org.staff_important.pk, "carriers": [docs[0].pk],
                                         "declared_count": 1, "password": org.password, "extra": 1}, 400),
        ("post", f"{base}/receive/", {"handover": 10**17, "counted_count": 1, "password": org.password}, 404),
        ("post", f"{base}/close/", {"password": org.password, "missing": [10**17], "missing_note": "x"}, 400),
        ("post", f"{base}/withdraw/", {"handover": "abc", "reason": "x"}, 400),
        ("post", f"{URL}99999999/close/", {"password": org.password}, 404),
        ("get", f"{URL}{'9' * 30}/", None, 404),
        ("post", URL, {"title": "x", "level": "SECRET", "venue": 10**20, "starts_at": "nope", "ends_at": "x"}, 400),
        ("post", f"{base}/attendees/", {"attendees": [org.secretary.pk]}, 409),
    ]
    events = audit_count_but_security()  # the wrong password is itself on the trail (account.login_failed)
    for method, url, body, code in cases:
        resp = getattr(organiser, method)(url, body, format="json")
        assert resp.status_code == code, (url, body, resp.status_code, resp.content)
    assert audit_count_but_security() == events and not MeetingCopy.objects.exists()
    assert AuditEvent.objects.filter(action="account.login_failed", actor=org.staff_core).count() == 1


def test_meetings_are_seen_only_by_those_concerned(org, meeting):
    assert login(org.staff_general, org.password).get(f"{URL}{meeting.pk}/").status_code == 404
    assert login(org.other_secretary, org.password).get(f"{URL}{meeting.pk}/").status_code == 404
    outsider = login(org.staff_general, org.password)
    assert outsider.post(f"{URL}{meeting.pk}/sign-in/", {}, format="json").status_code == 404
    assert outsider.get(URL).json()["results"] == []
    for user in (org.staff_important, org.head_res, org.secretary, org.auditor):
        assert login(user, org.password).get(f"{URL}{meeting.pk}/").status_code == 200
    assert [m["id"] for m in login(org.staff_important, org.password).get(URL).json()["results"]] == [meeting.pk]


def test_keep_and_pass_to_unit_over_rest(org, meeting, docs):
    organiser, attendee, office = (login(u, org.password) for u in (org.staff_core, org.staff_important, org.secretary))
    base = f"{URL}{meeting.pk}"
    organiser.post(f"{base}/distribute/", {"attendee": org.staff_important.pk, "carriers": [docs[0].pk],
                                           "declared_count": 1, "password": org.password}, format="json")
    handover = attendee.get(f"{base}/").json()["waiting_for_you"][0]["handover"]
    attendee.post(f"{base}/receive/", {"handover": handover, "counted_count": 1, "password": org.password},
                  format="json")
    resp = attendee.post(f"{base}/pass-to-unit/", {"carriers": [docs[0].pk], "declared_count": 1,
                                                   "taker": org.secretary.pk, "password": org.password}, format="json")
    assert resp.status_code == 409 and "has not approved" in resp.json()["detail"]
    resp = organiser.post(f"{base}/keep/", {"carriers": [docs[0].pk], "reason": "会后落实", "password": org.password},
                          format="json")
    assert resp.status_code == 200
    copy = resp.json()["copies"][0]
    assert copy["state"] == "keep_approved" and copy["keep_approval"]["meaning"] == "approved"
    assert attendee.post(f"{base}/pass-to-unit/", {"carriers": [docs[0].pk], "declared_count": 1,
                                                   "taker": org.secretary.pk, "password": org.password},
                         format="json").status_code == 201
    waiting = office.get(f"{base}/").json()["waiting_for_you"]
    assert waiting[0]["stage"] == "keeping"
    resp = office.post(f"{base}/receive/", {"handover": waiting[0]["handover"], "counted_count": 1,
                                            "container": org.cabinet.pk, "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["copies"][0]["outcome"] == "kept"
    resp = organiser.post(f"{base}/close/", {"password": org.password}, format="json")
    assert resp.status_code == 200 and Meeting.objects.get(pk=meeting.pk).status == "closed"
    assert not Alert.objects.exists()


def test_venues_are_recorded_by_the_secrecy_office(org):
    body = {"name_zh": "第二会议室", "name_en": "Room 2", "max_level": "SECRET", "approval_reference": "保会2号"}
    resp = login(org.staff_core, org.password).post("/api/v1/meeting-venues/", body, format="json")
    assert resp.status_code == 403 and "Only the secrecy office" in resp.json()["detail"]
    resp = login(org.secretary, org.password).post("/api/v1/meeting-venues/", body, format="json")
    assert resp.status_code == 201 and resp.json()["is_approved"] is True


def test_lists_take_the_same_number_of_queries_however_many_rows(org, venue, meeting, docs):
    """Set-based reads: the meeting list, a meeting with its copies and the register do not query
    per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings import selectors

    from .helpers import distribute, make_meeting, receive

    client = login(org.secretary, org.password)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        # the token's last_used_at is written at most once a minute (accounts.tokens.TOUCH_EVERY): that
        # one UPDATE depends on the clock, not on the rows, so it is left out of the figure
        return sum(1 for q in ctx.captured_queries if not q["sql"].startswith('UPDATE "accounts_apitoken"'))

    def register_rows():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(selectors.distribution_register(user=org.secretary))
            for row in rows:
                str(row.handover.giver_signature) and row.attendee.user.person.full_name and row.meeting.venue.name
        return len(ctx.captured_queries)

    receive(meeting, distribute(org, meeting, docs[:1], to=org.staff_important), actor=org.staff_important)
    few = (count(URL), count(f"{URL}{meeting.pk}/"), register_rows())
    for _ in range(3):
        make_meeting(org, venue, attendees=[org.staff_important, org.head_res])
    receive(meeting, distribute(org, meeting, docs[1:], to=org.head_res), actor=org.head_res)
    assert (count(URL), count(f"{URL}{meeting.pk}/"), register_rows()) == few
