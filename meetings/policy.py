"""Access policy of confidential meetings (R8), registered with the gate in MeetingsConfig.ready():
who sees venues, meetings, attendee lists and copies, and who may do each step. The services
enforce, and the meeting page and the API display, these same answers (built from rules.py).

Redaction, not hiding, for a meeting's copies: a meeting is seen within clearance (its level, and
no copy handed out at it is above that level), but need-to-know may differ copy by copy (an
attendee opens the copies handed to them, not every other attendee's). A secrecy office and an
attendee expect to see the meeting they take part in, with the copies they may not open counted
and never named ("2 more copies are not visible to you"). So Meeting gives no `names_carriers`;
each copy is a row of its own, seen with its meeting and only with its carrier (names_carriers),
and the meeting's copy lists go through the gate."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import policy as personnel_policy

from . import rules
from .models import Attendee, Meeting, MeetingCopy, MeetingVenue

# actions (registered with the gate: access.can(user, ACTION, obj) answers like may_<action>)
MANAGE_VENUES = "meetings.manage_venues"
CHANGE_LIST = "meetings.change_list"
SUBMIT = "meetings.submit"
RECORD_SIGN_IN = "meetings.record_sign_in"
DISTRIBUTE = "meetings.distribute"
APPROVE_KEEPING = "meetings.approve_keeping"
CLOSE = "meetings.close"


# --- visibility ------------------------------------------------------------------------------------



def visible_meetings(queryset: QuerySet, user) -> QuerySet:
    """The organiser, the attendees, whoever may see its approval request (its approvers), and the
    unit-wide office roles of its unit; always within clearance (the meeting's level)."""
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(organiser_id=user.pk)
    need |= Q(pk__in=Attendee.objects.filter(user_id=user.pk).values("meeting_id"))
    need |= Q(approval_id__in=access.restrict_label("approvals.approvalrequest", user).values("pk"))
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def with_the_meeting(queryset: QuerySet, user) -> QuerySet:
    """Attendees and copies are seen with their meeting (copies, by the gate, only with their
    carrier)."""
    return queryset.filter(meeting_id__in=access.restrict_label("meetings.meeting", user).values("pk"))


# --- who may do what -------------------------------------------------------------------------------


is_office = personnel_policy.is_secrecy_office


def is_office_of(user, meeting: Meeting) -> bool:
    """The user belongs to the secrecy office of the meeting's unit."""
    return is_office(user, meeting.unit_id)


def manage_venues_refusal(user):
    return rules.may_manage_venues(is_office=is_office(user))


def may_manage_venues(user, obj=None) -> bool:
    return manage_venues_refusal(user) is None


def status_refusal(meeting: Meeting, *allowed):
    return rules.status_is(status=meeting.status, allowed=allowed, label=meeting.get_status_display())


def organiser_refusal(user, meeting: Meeting):
    return rules.is_organiser(actor_id=user.pk, organiser_id=meeting.organiser_id)


def organiser_or_office_refusal(user, meeting: Meeting):
    return rules.organiser_or_office(is_organiser=user.pk == meeting.organiser_id,
                                     is_office=is_office_of(user, meeting))


def sign_in_refusal(user, meeting: Meeting, whom):
    """Attendees sign themselves in; the organiser or the unit's secrecy office records it."""
    return rules.may_sign_in(is_self=whom.pk == user.pk, is_organiser=user.pk == meeting.organiser_id,
                             is_office=is_office_of(user, meeting))


def _allowed(*refusals) -> bool:
    return not any(refusals)


def may_change_list(user, meeting: Meeting) -> bool:
    """Add or remove attendees: the organiser or the unit's secrecy office, while planning."""
    return _allowed(status_refusal(meeting, Meeting.Status.PLANNING), organiser_or_office_refusal(user, meeting))


def may_submit(user, meeting: Meeting) -> bool:
    return _allowed(status_refusal(meeting, Meeting.Status.PLANNING), organiser_refusal(user, meeting))


def may_record_sign_in(user, meeting: Meeting) -> bool:
    """Record someone else's sign-in: the organiser or the unit's secrecy office, once approved."""
    return _allowed(status_refusal(meeting, Meeting.Status.APPROVED),
                    rules.may_sign_in(is_self=False, is_organiser=user.pk == meeting.organiser_id,
                                      is_office=is_office_of(user, meeting)))


def may_self_sign_in(user, meeting: Meeting) -> bool:
    """Sign oneself in: on the approved list and not signed in yet (attendees prefetched or not)."""
    row = next((a for a in meeting.attendees.all() if a.user_id == user.pk), None)
    return _allowed(status_refusal(meeting, Meeting.Status.APPROVED),
                    rules.on_the_list(listed=row is not None, name=""),
                    rules.not_signed_in_yet(signed_in=bool(row and row.signed_in_at), name=""))


def may_distribute(user, meeting: Meeting) -> bool:
    """Hand out copies, or approve that attendees keep them: the organiser, once approved."""
    return _allowed(status_refusal(meeting, Meeting.Status.APPROVED), organiser_refusal(user, meeting))


may_approve_keeping = may_distribute


def may_close(user, meeting: Meeting) -> bool:
    """The return check and the end of the meeting: the organiser or the unit's secrecy office."""
    return _allowed(status_refusal(meeting, Meeting.Status.APPROVED), organiser_or_office_refusal(user, meeting))


def _on(check):
    return lambda user, obj: obj is not None and check(user, obj)


def register() -> None:
    access.register(MeetingVenue, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(Meeting, visible_meetings)
    access.register(Attendee, with_the_meeting)
    access.register(MeetingCopy, with_the_meeting, names_carriers=[CarrierLink(field="carrier_id")])
    access.register_action(MANAGE_VENUES, may_manage_venues)
    for action, check in ((CHANGE_LIST, may_change_list), (SUBMIT, may_submit), (RECORD_SIGN_IN, may_record_sign_in),
                          (DISTRIBUTE, may_distribute), (APPROVE_KEEPING, may_approve_keeping), (CLOSE, may_close)):
        access.register_action(action, _on(check))
