"""R8 (confidential meetings) as pure functions: given facts, None when allowed, or a Violation
saying why not. The services gather the facts; nothing here touches the database.

R8: secret-related personnel shall not bring unconcerned people into a confidential meeting's
venue; the distribution of meeting documents must be registered; at the end of the meeting the
attendees' places are checked so that no document is lost; documents attendees are allowed to
take away must be put in the unit's custody in time."""

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level


def _level(level: int) -> str:
    return str(Level(level).label)


# --- venues and meetings --------------------------------------------------------------------------


def may_manage_venues(*, is_office: bool) -> Violation | None:
    if not is_office:
        return Violation(_("Only the secrecy office approves and records meeting venues."), code="not_office",
                         kind="refused")
    return None


def venue_approved(*, approval_reference: str, is_active: bool, max_level: int, same_unit: bool,
                   level: int) -> Violation | None:
    """R8: the meeting is held in a venue the secrecy office approved for its level."""
    if not same_unit:
        return Violation(_("This venue belongs to another unit."), field="venue", code="venue_unit", kind="refused")
    if not approval_reference or not is_active:
        return Violation(_("This venue is not approved for confidential meetings."), field="venue",
                         code="venue_not_approved", kind="refused")
    if level > max_level:
        return Violation(
            _("This venue is approved for meetings up to %(approved)s; the meeting is %(level)s.")
            % {"approved": _level(max_level), "level": _level(level)},
            field="venue", code="venue_level", kind="refused",
        )
    return None


def period_valid(*, starts_at, ends_at) -> Violation | None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        return Violation(_("The meeting ends before it starts."), field="ends_at", code="period_invalid")
    return None


def not_over(*, ends_at, now) -> Violation | None:
    """A meeting is planned before it ends: an end already past is refused (issue 17)."""
    if ends_at is not None and ends_at <= now:
        return Violation(_("The meeting would already be over: give an end still to come."), field="ends_at",
                         code="date_in_past")
    return None


def organiser_cleared(*, clearance: int, level: int) -> Violation | None:
    if clearance < level:
        return Violation(
            _("Your clearance does not reach %(level)s: you cannot organise this meeting.") % {"level": _level(level)},
            field="level", code="organiser_clearance", kind="refused",
        )
    return None


def is_organiser(*, actor_id: int, organiser_id: int) -> Violation | None:
    if actor_id != organiser_id:
        return Violation(_("Only the meeting's organiser does this."), code="not_organiser", kind="refused")
    return None


def organiser_or_office(*, is_organiser: bool, is_office: bool) -> Violation | None:
    if not (is_organiser or is_office):
        return Violation(_("Only the organiser or the secrecy office of the meeting's unit does this."),
                         code="not_organiser", kind="refused")
    return None


def status_is(*, status: str, allowed: tuple, label: str) -> Violation | None:
    if status not in allowed:
        if status == "closed":
            message = _("This meeting is closed.")
        elif "approved" in allowed and status in ("planning", "submitted"):
            message = _("The meeting's attendee list has not been approved yet: nobody signs in and nothing is handed out before it is.")
        elif "planning" in allowed:
            message = _("The attendee list can only change while the meeting is being planned (it is %(status)s).") % {
                "status": label}
        else:
            message = _("Not possible while the meeting is %(status)s.") % {"status": label}
        return Violation(message, code="meeting_status", kind="conflict")
    return None


# --- the attendee list ----------------------------------------------------------------------------


def attendees_cleared(*, people: list[dict], level: int) -> Violation | None:
    """R8: only active secret-related people whose clearance reaches the meeting's level are on the
    list. people: {"name", "active", "clearance"}; the reason names each one refused."""
    inactive = [p["name"] for p in people if not p["active"]]
    below = [p["name"] for p in people if p["active"] and p["clearance"] < level]
    if inactive:
        return Violation(
            _("%(names)s: not an active registered person, cannot attend.") % {"names": ", ".join(sorted(inactive))},
            field="attendees", code="attendee_inactive", kind="refused",
        )
    if below:
        return Violation(
            _("%(names)s: clearance does not reach %(level)s, cannot attend this meeting.")
            % {"names": ", ".join(sorted(below)), "level": _level(level)},
            field="attendees", code="attendee_clearance", kind="refused",
        )
    return None


def not_listed_twice(*, already: list[str]) -> Violation | None:
    if already:
        return Violation(_("%(names)s: already on the attendee list.") % {"names": ", ".join(sorted(already))},
                         field="attendees", code="attendee_duplicate", kind="conflict")
    return None


def has_attendees(*, count: int) -> Violation | None:
    if count == 0:
        return Violation(_("Add at least one attendee before submitting the list for approval."), field="attendees",
                         code="no_attendees")
    return None


def on_the_list(*, listed: bool, name: str) -> Violation | None:
    """R8: nobody off the approved attendee list enters the meeting or is handed its documents."""
    if not listed:
        return Violation(
            _("%(name)s is not on the approved attendee list: they may not attend nor be handed meeting documents.")
            % {"name": name},
            field="attendee", code="not_attendee", kind="refused",
        )
    return None


def not_signed_in_yet(*, signed_in: bool, name: str) -> Violation | None:
    if signed_in:
        return Violation(_("%(name)s has already signed in.") % {"name": name}, code="already_signed_in",
                         kind="conflict")
    return None


def may_sign_in(*, is_self: bool, is_organiser: bool, is_office: bool) -> Violation | None:
    if not (is_self or is_organiser or is_office):
        return Violation(_("Attendees sign in themselves, or the organiser or the secrecy office records it."),
                         code="may_not_sign_in", kind="refused")
    return None


# --- distribution, return, keeping ---------------------------------------------------------------


def signed_in(*, signed_in: bool, name: str) -> Violation | None:
    """R8: documents are handed only to attendees present (signed in)."""
    if not signed_in:
        return Violation(
            _("%(name)s has not signed in: documents are handed only to attendees present at the meeting.")
            % {"name": name},
            field="attendee", code="not_signed_in", kind="refused",
        )
    return None


def within_meeting_level(*, levels: dict[str, int], level: int) -> Violation | None:
    """A document above the meeting's level is not handed out at it."""
    above = sorted(number for number, carrier_level in levels.items() if carrier_level > level)
    if above:
        return Violation(
            _("%(numbers)s is classified above this %(level)s meeting.") % {"numbers": ", ".join(above),
                                                                            "level": _level(level)},
            field="carriers", code="above_meeting_level", kind="refused",
        )
    return None


def numbered(*, copy_numbers: dict[str, str]) -> Violation | None:
    """R8/R2: distribution is registered by number: every copy handed out has its copy number."""
    missing = sorted(number for number, copy in copy_numbers.items() if not copy)
    if missing:
        return Violation(
            _("%(numbers)s has no copy number: only numbered copies are handed out at a meeting.")
            % {"numbers": ", ".join(missing)},
            field="carriers", code="not_numbered",
        )
    return None


def copies_in_state(*, states: dict[str, str], allowed: tuple, message: str, field: str = "carriers",
                    code: str = "copy_state") -> Violation | None:
    """Each copy named is in one of the allowed states (registry number -> state)."""
    wrong = sorted(number for number, state in states.items() if state not in allowed)
    if wrong:
        return Violation(message % {"numbers": ", ".join(wrong)}, field=field, code=code, kind="conflict")
    return None


def keep_reason_given(*, reason: str) -> Violation | None:
    if not reason.strip():
        return Violation(_("Say why the attendee may keep it after the meeting."), field="reason",
                         code="reason_required")
    return None


def keeper_is_unit_office(*, is_office: bool, same_unit: bool, active: bool) -> Violation | None:
    """R8: documents kept after the meeting pass to the custody of the attendee's unit: its
    secrecy office."""
    if not (is_office and same_unit and active):
        return Violation(
            _("Documents kept after the meeting go to an active member of the secrecy office of your unit."),
            field="taker", code="not_unit_office", kind="refused",
        )
    return None


# --- the end: the return check --------------------------------------------------------------------


def all_accounted(*, unaccounted: list[str]) -> Violation | None:
    """R8: at the end every copy is returned, kept with approval, or declared missing."""
    if unaccounted:
        return Violation(
            _("The meeting cannot close: %(numbers)s not accounted for. Record their return, approve keeping them, or declare them missing.")
            % {"numbers": ", ".join(sorted(unaccounted))},
            field="missing", code="copies_unaccounted", kind="conflict",
        )
    return None


def missing_are_outstanding(*, not_outstanding: list[str]) -> Violation | None:
    if not_outstanding:
        return Violation(
            _("%(numbers)s is not outstanding from this meeting: only copies not returned or kept can be declared missing.")
            % {"numbers": ", ".join(sorted(not_outstanding))},
            field="missing", code="not_outstanding",
        )
    return None


def missing_explained(*, missing: list, note: str) -> Violation | None:
    if missing and not note.strip():
        return Violation(_("Say what is known of the missing copies (last seen, with whom)."), field="missing_note",
                         code="note_required")
    return None
