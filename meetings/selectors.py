"""Every read of confidential meetings starts from the access gate's queryset: the meetings a user
may see, one meeting with its attendees and copies, the distribution-and-return board (copy x
attendee), the return check, and the choices the forms and the API offer."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.models import Carrier, Handover, HandoverItem
from common import access
from personnel.models import Person

from .models import Attendee, Meeting, MeetingCopy, MeetingVenue


def visible_venues(*, user):
    return access.restrict(MeetingVenue.objects.select_related("unit"), user).order_by("name_zh", "pk")


def venue_choices(*, user):
    """Venues of the user's unit approved and in use (the rules check the level)."""
    return visible_venues(user=user).filter(is_active=True).exclude(approval_reference="")


def visible_meetings(*, user):
    return access.restrict(
        Meeting.objects.select_related("unit", "venue__unit", "organiser__person", "approval", "closed_by__person",
                                       "close_signature"),
        user,
    )


def meeting_list(*, user, status: str = ""):
    qs = visible_meetings(user=user).annotate(
        attendee_count=Count("attendees", distinct=True),
        signed_in_count=Count("attendees", filter=Q(attendees__signed_in_at__isnull=False), distinct=True),
        copies_out=Count("copies", filter=Q(copies__state__in=MeetingCopy.OPEN), distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_at", "-pk")


def _copies(user):
    """Copies this user may see (policy: with their meeting and their carrier), with what the board
    and the check show."""
    return (
        access.restrict(MeetingCopy.objects.all(), user)
        .select_related("carrier", "attendee__user__person", "handover", "return_handover", "keep_handover__taker__person",
                        "keep_signature", "missing_by__person")
        .order_by("carrier__registry_number", "pk")
    )


def meeting_get(*, user, pk) -> Meeting:
    """One visible meeting with its attendees and the copies this user may see, or 404 exactly as if
    it did not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    meeting = (
        visible_meetings(user=user)
        .annotate(copy_count=Count("copies", distinct=True))
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related(
                "user__person__department", "signed_in_by__person").order_by("user__person__employee_number", "pk")),
            Prefetch("copies", queryset=_copies(user), to_attr="visible_copies"),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


OUTCOMES = {
    "returned": _("Returned"),
    "kept": _("Kept with approval"),
    "missing": _("Missing"),
    "withdrawn": _("Withdrawn"),
    "outstanding": _("Not yet accounted for"),
}


def outcome_of(copy: MeetingCopy) -> str:
    if copy.state == MeetingCopy.State.RETURNED:
        return "returned"
    if copy.state == MeetingCopy.State.KEPT:
        return "kept"
    if copy.state == MeetingCopy.State.MISSING:
        return "missing"
    if copy.state == MeetingCopy.State.WITHDRAWN:
        return "withdrawn"
    return "outstanding"


def return_check(*, meeting: Meeting) -> dict:
    """R8: every copy handed out (from meeting_get) as returned, kept with approval, missing, or not
    yet accounted for; withdrawn copies never left the organiser and are listed apart."""
    lines = [
        {"copy": c, "carrier": c.carrier, "attendee": c.attendee.user, "outcome": outcome_of(c),
         "outcome_label": OUTCOMES[outcome_of(c)], "state_label": c.get_state_display()}
        for c in meeting.visible_copies
    ]
    counts = {key: sum(1 for line in lines if line["outcome"] == key) for key in OUTCOMES}
    return {
        "lines": lines,
        "counts": counts,
        "complete": counts["outstanding"] == 0,
        "hidden": meeting.copy_count - len(meeting.visible_copies),
    }


def board(*, meeting: Meeting) -> dict:
    """The live distribution-and-return board: one row per copy (carrier), one column per attendee,
    each cell the state of that copy with that attendee (the latest hand-out of it to them)."""
    attendees = list(meeting.attendees.all())
    cells: dict[int, dict[int, MeetingCopy]] = {}
    carriers: dict[int, Carrier] = {}
    for copy in meeting.visible_copies:  # ordered by registry number, then oldest first
        carriers[copy.carrier_id] = copy.carrier
        cells.setdefault(copy.carrier_id, {})[copy.attendee_id] = copy
    rows = [
        {"carrier": carrier, "cells": [cells[carrier_id].get(a.pk) for a in attendees]}
        for carrier_id, carrier in carriers.items()
    ]
    return {"attendees": attendees, "rows": rows}


# --- choices for the forms and the API --------------------------------------------------------------


def attendee_choices(*, user):
    """Registered people of the user's unit (the rules refuse, with the reason, anyone inactive or
    not cleared for the meeting's level)."""
    return (
        access.restrict(get_user_model().objects.all(), user)
        .filter(person__isnull=False)
        .select_related("person__department")
        .order_by("person__employee_number")
    )


def distributable_carriers(*, user, meeting: Meeting):
    """Numbered carriers this user holds in custody, at or below the meeting's level, not in an
    unfinished handover."""
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(holder_id=user.pk, status=Carrier.Status.IN_CUSTODY, level__lte=meeting.level)
        .exclude(copy_number="")
        .exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id"))
        .order_by("registry_number")
    )


def my_copies(*, user, meeting: Meeting, states) -> list[MeetingCopy]:
    """This user's copies from this meeting in these states (from meeting_get)."""
    return [c for c in meeting.visible_copies if c.attendee.user_id == user.pk and c.state in states]


def pending_for(*, user, meeting: Meeting) -> list[dict]:
    """Meeting handovers waiting for this user's count and signature, each with its copies."""
    groups: dict[int, dict] = {}
    for copy in meeting.visible_copies:
        for handover, state in ((copy.handover, MeetingCopy.State.HANDED_OUT),
                                (copy.return_handover, MeetingCopy.State.RETURNING),
                                (copy.keep_handover, MeetingCopy.State.KEEPING)):
            if handover is not None and copy.state == state and handover.taker_id == user.pk \
                    and handover.status == Handover.Status.PENDING:
                group = groups.setdefault(handover.pk, {"handover": handover, "copies": [], "stage": state})
                group["copies"].append(copy)
    return list(groups.values())


def withdrawable_for(*, user, meeting: Meeting) -> list[dict]:
    """Meeting handovers this user gave that the taker has not signed yet."""
    groups: dict[int, dict] = {}
    for copy in meeting.visible_copies:
        for handover, state in ((copy.handover, MeetingCopy.State.HANDED_OUT),
                                (copy.return_handover, MeetingCopy.State.RETURNING),
                                (copy.keep_handover, MeetingCopy.State.KEEPING)):
            if handover is not None and copy.state == state and handover.giver_id == user.pk \
                    and handover.status == Handover.Status.PENDING:
                groups.setdefault(handover.pk, {"handover": handover, "copies": []})["copies"].append(copy)
    return list(groups.values())


def office_choices(*, user):
    """Active secrecy-office staff of the user's unit (who take kept copies into its custody)."""
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    return (
        get_user_model().objects.filter(is_active=True, groups__name="secrecy_office",
                                        person__status=Person.Status.ACTIVE, person__unit_id=person.unit_id)
        .select_related("person").distinct().order_by("person__employee_number")
    )


def receiving_containers(*, user):
    return carrier_selectors.containers_for_registration(user=user)


# --- the register ----------------------------------------------------------------------------------


def distribution_register(*, user, unit=None, since=None, until=None, status: str = ""):
    """The meetings' distribution-and-return register: every copy handed out at the meetings the
    user may see (of `unit`, default their own), in the period (by hand-out time), oldest first,
    with both signatures of each handover. One query (select_related)."""
    person = access.person_of(user)
    if person is None:
        return MeetingCopy.objects.none()
    qs = (
        access.restrict(MeetingCopy.objects.filter(meeting__unit_id=unit.pk if unit else person.unit_id), user)
        .select_related(
            "meeting__organiser__person", "meeting__venue", "carrier", "attendee__user__person",
            "handover__giver_signature", "handover__taker_signature",
            "return_handover__giver_signature", "return_handover__taker_signature",
            "keep_handover__giver_signature", "keep_handover__taker_signature", "keep_signature",
            "missing_by__person",
        )
        .order_by("handed_out_at", "pk")
    )
    if since is not None:
        qs = qs.filter(handed_out_at__gte=since)
    if until is not None:
        qs = qs.filter(handed_out_at__lt=until)
    if status:
        qs = qs.filter(state=status)
    return qs
