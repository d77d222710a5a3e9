"""R8 through the services: each clause refused when violated (with the reason, nothing changed)
and allowed when met; the return check; exactly one alert for one missing copy."""

import pytest

from alerts.models import Alert
from approvals.models import ApprovalRequest
from audit.selectors import verify_chain
from carriers.models import Carrier, Handover
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from meetings import services
from meetings.models import Attendee, Meeting, MeetingCopy, MeetingVenue
from tests.factories import PASSWORD

from .helpers import approve, distribute, give_back, make_meeting, receive

pytestmark = pytest.mark.django_db


def test_only_the_secrecy_office_records_venues(org, audit_count):
    before = audit_count()
    with pytest.raises(Refused, match="Only the secrecy office"):
        services.create_venue(actor=org.staff_core, name_zh="会议室", name_en="Room", max_level=Level.SECRET,
                              approval_reference="X")
    assert MeetingVenue.objects.count() == 0 and audit_count() == before


@pytest.mark.parametrize("change, reason", [
    ({"approval_reference": ""}, "not approved for confidential meetings"),
    ({"max_level": Level.CONFIDENTIAL}, "approved for meetings up to Confidential"),
])
def test_meeting_only_at_a_venue_approved_for_its_level(org, change, reason, audit_count):
    venue = services.create_venue(actor=org.secretary, name_zh="小会议室", name_en="Small room",
                                  **{"max_level": Level.TOP_SECRET, "approval_reference": "保会1号", **change})
    before = audit_count()
    with pytest.raises(Refused, match=reason):
        make_meeting(org, venue)
    assert Meeting.objects.count() == 0 and audit_count() == before


def test_organiser_must_be_cleared_for_the_level(org, venue):
    with pytest.raises(Refused, match="Your clearance does not reach Top Secret"):
        make_meeting(org, venue, level=Level.TOP_SECRET, actor=org.staff_important)
    assert make_meeting(org, venue, level=Level.TOP_SECRET, actor=org.staff_core).level == Level.TOP_SECRET


@pytest.mark.parametrize("who, reason", [
    ("staff_general", "staff_general-name: clearance does not reach Secret, cannot attend this meeting."),
    ("staff_none", "staff_none-name: clearance does not reach Secret"),
    ("departed", "departed-name: not an active registered person"),
])
def test_attendee_below_the_level_is_refused_with_the_reason(org, planned, who, reason, audit_count):
    before = audit_count()
    with pytest.raises(Refused) as refused:
        services.add_attendees(actor=org.staff_core, meeting_id=planned.pk, users=[getattr(org, who)])
    assert reason in str(refused.value.message) and refused.value.code.startswith("attendee_")
    assert planned.attendees.count() == 2 and audit_count() == before


def test_cleared_attendee_is_added_and_not_twice(org, planned):
    services.add_attendees(actor=org.staff_core, meeting_id=planned.pk, users=[org.secretary])
    assert set(planned.attendees.values_list("user__username", flat=True)) == {"staff_important", "head_res", "secretary"}
    with pytest.raises(Conflict, match="already on the attendee list"):
        services.add_attendees(actor=org.staff_core, meeting_id=planned.pk, users=[org.secretary])


def test_only_the_organiser_or_office_changes_the_list(org, planned):
    with pytest.raises(Refused, match="Only the organiser or the secrecy office"):
        services.add_attendees(actor=org.staff_important, meeting_id=planned.pk, users=[org.secretary])


def test_the_list_is_approved_by_policy_and_then_frozen(org, planned):
    services.submit_for_approval(actor=org.staff_core, meeting_id=planned.pk)
    planned.refresh_from_db()
    request = ApprovalRequest.objects.get(pk=planned.approval_id)
    assert planned.status == "submitted" and request.kind == "meeting" and request.level == Level.SECRET
    assert request.target == planned
    with pytest.raises(Conflict, match="only change while the meeting is being planned"):
        services.add_attendees(actor=org.staff_core, meeting_id=planned.pk, users=[org.secretary])
    approve(org, planned)
    assert planned.status == "approved"


def test_a_rejected_list_goes_back_to_planning(org, planned):
    from approvals import services as approvals

    services.submit_for_approval(actor=org.staff_core, meeting_id=planned.pk)
    planned.refresh_from_db()
    approvals.decide(actor=org.head_res, request_id=planned.approval_id, outcome="reject", password=PASSWORD,
                     reason="名单过大")
    planned.refresh_from_db()
    assert planned.status == "planning"
    services.add_attendees(actor=org.staff_core, meeting_id=planned.pk, users=[org.secretary])


def test_nobody_signs_in_and_nothing_is_handed_out_before_approval(org, planned, docs, audit_count):
    before = audit_count()
    with pytest.raises(Conflict, match="has not been approved yet"):
        services.sign_in(actor=org.staff_important, meeting_id=planned.pk)
    with pytest.raises(Conflict, match="has not been approved yet"):
        distribute(org, planned, docs[:1], to=org.staff_important)
    assert audit_count() == before and Carrier.objects.get(pk=docs[0].pk).status == "in_custody"


def test_sign_in_only_for_the_list(org, meeting, audit_count):
    before = audit_count()
    with pytest.raises(Refused, match="staff_general-name is not on the approved attendee list"):
        services.sign_in(actor=org.staff_core, meeting_id=meeting.pk, user=org.staff_general)
    with pytest.raises(Refused, match="Attendees sign in themselves"):
        services.sign_in(actor=org.staff_important, meeting_id=meeting.pk, user=org.head_res)
    with pytest.raises(Conflict, match="already signed in"):
        services.sign_in(actor=org.staff_important, meeting_id=meeting.pk)
    assert audit_count() == before
    row = meeting.attendees.get(user=org.head_res)
    assert row.signed_in_by == org.staff_core and row.signed_in_at is not None


def test_handing_to_a_non_attendee_is_refused(org, meeting, docs, audit_count):
    before = audit_count()
    with pytest.raises(Refused, match="staff_general-name is not on the approved attendee list"):
        distribute(org, meeting, docs[:1], to=org.staff_general)
    with pytest.raises(Refused, match="not on the approved attendee list"):
        distribute(org, meeting, docs[:1], to=org.secretary)
    assert audit_count() == before and not MeetingCopy.objects.exists() and not Handover.objects.filter(kind="meeting").exists()
    assert Carrier.objects.get(pk=docs[0].pk).status == "in_custody"


def test_handing_to_an_attendee_not_signed_in_is_refused(org, venue, docs):
    late = approve(org, make_meeting(org, venue, attendees=[org.staff_important]))
    with pytest.raises(Refused, match="has not signed in"):
        distribute(org, late, docs[:1], to=org.staff_important)
    services.sign_in(actor=org.staff_important, meeting_id=late.pk)
    assert distribute(org, late, docs[:1], to=org.staff_important).kind == "meeting"


def test_only_the_organiser_distributes_and_only_within_the_level(org, meeting, docs, venue):
    with pytest.raises(Refused, match="Only the meeting's organiser"):
        distribute(org, meeting, docs[:1], to=org.staff_important, actor=org.secretary)
    from tests.factories import register

    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, scope_departments=[org.res])
    with pytest.raises(Refused, match="classified above this Secret meeting"):
        distribute(org, meeting, [top], to=org.staff_important, actor=org.staff_core)


def test_distribution_is_a_signed_handover_and_the_attendee_counts_and_signs(org, meeting, docs):
    handover = distribute(org, meeting, docs[:2], to=org.staff_important)
    assert handover.giver_signature.signer == org.staff_core
    assert set(Carrier.objects.filter(pk__in=[d.pk for d in docs[:2]]).values_list("status", "holder")) == {
        ("in_meeting", org.staff_core.pk)}
    with pytest.raises(ValidationFailed, match="does not match"):
        receive(meeting, handover, actor=org.staff_important, count=3)
    receive(meeting, handover, actor=org.staff_important)
    assert set(Carrier.objects.filter(pk__in=[d.pk for d in docs[:2]]).values_list("status", "holder")) == {
        ("in_meeting", org.staff_important.pk)}
    assert set(MeetingCopy.objects.values_list("state", flat=True)) == {"received"}


def test_return_puts_copies_back_in_the_organisers_custody(org, meeting, docs):
    receive(meeting, distribute(org, meeting, docs[:2], to=org.staff_important), actor=org.staff_important)
    with pytest.raises(Conflict, match="you do not hold it from this meeting"):
        give_back(meeting, docs[:1], actor=org.head_res)
    back = give_back(meeting, docs[:1], actor=org.staff_important)
    assert back.kind == "return" and back.taker == org.staff_core
    receive(meeting, back, actor=org.staff_core, container=org.cabinet)
    carrier = Carrier.objects.get(pk=docs[0].pk)
    assert (carrier.status, carrier.holder, carrier.container) == ("in_custody", org.staff_core, org.cabinet)
    assert MeetingCopy.objects.get(carrier=docs[0]).state == "returned"


def test_keeping_needs_the_organisers_approval_then_the_units_custody(org, meeting, docs, audit_count):
    receive(meeting, distribute(org, meeting, docs[:1], to=org.staff_important), actor=org.staff_important)
    before = audit_count()
    with pytest.raises(Conflict, match="the organiser has not approved that you keep it"):
        services.pass_to_unit(actor=org.staff_important, password=PASSWORD, meeting_id=meeting.pk, carriers=docs[:1],
                              declared_count=1, taker=org.secretary)
    with pytest.raises(Refused, match="Only the meeting's organiser"):
        services.approve_keeping(actor=org.secretary, password=PASSWORD, meeting_id=meeting.pk, carriers=docs[:1],
                                 reason="会后执行")
    assert audit_count() == before
    services.approve_keeping(actor=org.staff_core, password=PASSWORD, meeting_id=meeting.pk, carriers=docs[:1],
                             reason="会后组织落实")
    copy = MeetingCopy.objects.get(carrier=docs[0])
    assert copy.state == "keep_approved" and copy.keep_signature.signer == org.staff_core
    assert copy.keep_signature.meaning == "approved"
    with pytest.raises(Refused, match="secrecy office of your unit"):
        services.pass_to_unit(actor=org.staff_important, password=PASSWORD, meeting_id=meeting.pk, carriers=docs[:1],
                              declared_count=1, taker=org.head_res)
    handover = services.pass_to_unit(actor=org.staff_important, password=PASSWORD, meeting_id=meeting.pk,
                                     carriers=docs[:1], declared_count=1, taker=org.secretary)
    receive(meeting, handover, actor=org.secretary, container=org.cabinet)
    carrier = Carrier.objects.get(pk=docs[0].pk)
    assert (carrier.status, carrier.holder) == ("in_custody", org.secretary)
    assert MeetingCopy.objects.get(carrier=docs[0]).state == "kept"


def test_withdrawing_an_unsigned_distribution(org, meeting, docs):
    handover = distribute(org, meeting, docs[:2], to=org.staff_important)
    services.withdraw(actor=org.staff_core, meeting_id=meeting.pk, handover_id=handover.pk, reason="发错")
    assert set(Carrier.objects.filter(pk__in=[d.pk for d in docs[:2]]).values_list("status", "holder")) == {
        ("in_custody", org.staff_core.pk)}
    assert set(MeetingCopy.objects.values_list("state", flat=True)) == {"withdrawn"}
    with pytest.raises(Conflict, match="already completed or withdrawn"):
        receive(meeting, handover, actor=org.staff_important)
    # withdrawn copies may go out again
    distribute(org, meeting, docs[:1], to=org.head_res)


def close(org, meeting, **extra):
    return services.close(actor=extra.pop("actor", org.staff_core), password=PASSWORD, meeting_id=meeting.pk, **extra)


def test_closing_with_copies_unaccounted_for_is_refused(org, meeting, docs, audit_count):
    receive(meeting, distribute(org, meeting, docs[:2], to=org.staff_important), actor=org.staff_important)
    receive(meeting, give_back(meeting, docs[:1], actor=org.staff_important), actor=org.staff_core)
    before = audit_count()
    with pytest.raises(Conflict) as refused:
        close(org, meeting)
    assert docs[1].registry_number in str(refused.value.message) and docs[0].registry_number not in str(refused.value.message)
    assert refused.value.code == "copies_unaccounted"
    with pytest.raises(ValidationFailed, match="Say what is known"):
        close(org, meeting, missing=[docs[1].pk])
    with pytest.raises(ValidationFailed, match="not outstanding from this meeting"):
        close(org, meeting, missing=[docs[0].pk, docs[1].pk], missing_note="x")
    with pytest.raises(Refused, match="Only the organiser or the secrecy office"):
        close(org, meeting, actor=org.staff_important, missing=[docs[1].pk], missing_note="x")
    meeting.refresh_from_db()
    assert meeting.status == "approved" and audit_count() == before and not Alert.objects.exists()
    assert Carrier.objects.get(pk=docs[1].pk).status == "in_meeting"


def test_a_meeting_where_one_copy_does_not_come_back_ends_with_exactly_one_alert(org, meeting, docs):
    receive(meeting, distribute(org, meeting, docs, to=org.staff_important), actor=org.staff_important)
    receive(meeting, give_back(meeting, docs[:2], actor=org.staff_important), actor=org.staff_core)
    closed = close(org, meeting, missing=[docs[2].pk], missing_note="会后未在座位上找到")
    assert closed.status == "closed" and closed.close_signature.signer == org.staff_core
    lost = Carrier.objects.get(pk=docs[2].pk)
    assert (lost.status, lost.holder) == ("lost", org.staff_important)  # the last accountable holder
    copy = MeetingCopy.objects.get(carrier=docs[2])
    assert copy.state == "missing" and copy.missing_by == org.staff_core
    alert = Alert.objects.get()  # exactly one alert, raised at once
    assert (alert.kind, alert.target_type, alert.target_id) == ("meeting_copy_missing", "meetings.meetingcopy", copy.pk)
    assert alert.severity == "critical" and alert.unit == org.unit and alert.responsible == org.staff_core
    assert docs[2].registry_number in alert.target_label
    assert list(alert.recipients.all()) == [org.staff_important]
    from alerts.services import run_checks

    run_checks(only="meeting_copy_missing")  # the scheduled run adds nothing
    assert Alert.objects.filter(status="open").count() == 1 and Alert.objects.count() == 1
    assert verify_chain().ok


def test_a_missing_copy_can_open_an_incident(org, meeting, docs):
    from incidents.models import Incident

    receive(meeting, distribute(org, meeting, docs[:1], to=org.head_res), actor=org.head_res)
    closed = close(org, meeting, missing=[docs[0].pk], missing_note="散会后未交回", report_incident=True)
    incident = Incident.objects.get()
    assert incident.kind == "loss" and incident.source == f"meeting:{meeting.pk}"
    assert list(incident.carriers.all()) == [docs[0]] and incident.last_holder == org.head_res
    assert closed.incident_number == incident.number
    assert Alert.objects.filter(kind="meeting_copy_missing").count() == 1


def test_a_meeting_with_everything_back_closes_without_alert(org, meeting, docs):
    receive(meeting, distribute(org, meeting, docs[:2], to=org.staff_important), actor=org.staff_important)
    receive(meeting, give_back(meeting, docs[:2], actor=org.staff_important), actor=org.staff_core)
    closed = close(org, meeting, actor=org.secretary)
    assert closed.status == "closed" and closed.closed_by == org.secretary and not Alert.objects.exists()
    with pytest.raises(Conflict, match="This meeting is closed"):
        distribute(org, meeting, docs[:1], to=org.staff_important)


def test_attendees_are_unique_per_meeting(org, planned):
    assert Attendee.objects.filter(meeting=planned).count() == 2


def test_handovers_signed_or_cancelled_outside_the_meeting_are_reconciled(org, meeting, docs):
    """The generic handover endpoints complete or cancel a meeting handover: the meeting's record
    follows on its next action, so copies never stay in between and the meeting can close."""
    from carriers import services as carrier_services

    out = distribute(org, meeting, docs[:2], to=org.staff_important)
    carrier_services.accept_handover(actor=org.staff_important, password=PASSWORD, handover_id=out.pk, counted_count=2)
    back = give_back(meeting, docs[:1], actor=org.staff_important)
    assert set(MeetingCopy.objects.values_list("state", flat=True)) == {"returning", "received"}
    carrier_services.accept_handover(actor=org.staff_core, password=PASSWORD, handover_id=back.pk, counted_count=1)
    withdrawn = distribute(org, meeting, docs[2:], to=org.head_res)
    carrier_services.cancel_handover(actor=org.staff_core, handover_id=withdrawn.pk, reason="发错")
    closed = close(org, meeting, missing=[docs[1].pk], missing_note="未交回")
    states = dict(MeetingCopy.objects.values_list("carrier_id", "state"))
    assert states == {docs[0].pk: "returned", docs[1].pk: "missing", docs[2].pk: "withdrawn"}
    assert closed.status == "closed"
    assert dict(Carrier.objects.filter(pk__in=[d.pk for d in docs]).values_list("pk", "status")) == {
        docs[0].pk: "in_custody", docs[1].pk: "lost", docs[2].pk: "in_custody"}
    assert verify_chain().ok
