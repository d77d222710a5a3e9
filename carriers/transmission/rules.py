"""R2 (sending, receiving, transmitting) as pure functions: given facts, None when allowed, or a
Violation saying why not. The services gather the facts; nothing here touches the database.

R2: sending and receiving must be registered, numbered and signed; when signing, count and
check; distribution strictly within the prescribed scope; delivery only by the confidential
channels (confidential communication, confidential courier), never by ordinary mail nor through
unconcerned people; delivering oneself: a safe route and means of transport and strict
protective measures; abroad: by diplomatic courier, or as the rules on taking carriers out of
the country provide (an approval for carrying abroad)."""

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import Channel, DispatchDiscrepancy

PERMITTED_CHANNELS = (
    Channel.CONFIDENTIAL_COURIER, Channel.CONFIDENTIAL_COMMUNICATION, Channel.HAND_DELIVERY,
    Channel.DIPLOMATIC_COURIER,
)


def may_dispatch(*, is_office: bool) -> Violation | None:
    """The secrecy office (or a registered system acting for it) sends carriers to other units."""
    if not is_office:
        return Violation(_("Only the secrecy office dispatches carriers to other units."), code="not_office",
                         kind="refused")
    return None


def channel_permitted(*, channel: str) -> Violation | None:
    """R2: never by ordinary mail; only the confidential channels, hand delivery by cleared staff
    or, abroad, the diplomatic courier."""
    if channel == Channel.ORDINARY_MAIL:
        return Violation(
            _("Classified carriers are never sent by ordinary mail: use the confidential courier, confidential communication or hand delivery by cleared staff."),
            field="channel", code="forbidden_channel", kind="refused",
        )
    if channel not in PERMITTED_CHANNELS:
        return Violation(_("Choose a permitted channel."), field="channel", code="invalid_channel")
    return None


def recipient_elsewhere(*, sending_unit_id: int, receiving_unit_id: int | None, recipient_active: bool) -> Violation | None:
    if receiving_unit_id is None or not recipient_active:
        return Violation(_("The recipient must be an active registered person."), field="recipient",
                         code="recipient_inactive")
    if receiving_unit_id == sending_unit_id:
        return Violation(
            _("The recipient belongs to your own unit: within a unit carriers change hands by handover, not by dispatch."),
            field="recipient", code="same_unit",
        )
    return None


def receiving_unit_matches(*, given_unit_id: int | None, recipient_unit_id: int | None) -> Violation | None:
    if given_unit_id is not None and given_unit_id != recipient_unit_id:
        return Violation(_("The recipient does not belong to the receiving unit given."), field="receiving_unit",
                         code="unit_mismatch")
    return None


def recipient_in_scope(*, out_of_scope: list[str]) -> Violation | None:
    """R2: distribution strictly within the prescribed scope, never widened by sending."""
    if out_of_scope:
        return Violation(
            _("The recipient is outside the distribution scope of %(numbers)s; sending it there would widen the scope.")
            % {"numbers": ", ".join(sorted(out_of_scope))},
            field="recipient", code="out_of_scope", kind="refused",
        )
    return None


def hand_delivery_arranged(
    *, channel: str, courier_given: bool, courier_active: bool, courier_clearance: int, courier_same_unit: bool,
    levels: list[int], route: str, protective_measures: str,
) -> list[Violation]:
    """R2: delivering oneself: by cleared staff of the sending unit, on a safe route and means of
    transport, with strict protective measures, all recorded."""
    if channel != Channel.HAND_DELIVERY:
        return []
    problems = []
    if not courier_given:
        problems.append(Violation(_("Name the cleared staff member who carries the carriers."), field="courier",
                                  code="courier_required"))
    elif not courier_active or not courier_same_unit:
        problems.append(Violation(_("The courier must be an active member of the sending unit."), field="courier",
                                  code="courier_not_staff", kind="refused"))
    elif levels and courier_clearance < max(levels):
        problems.append(Violation(
            _("The courier's clearance does not reach %(level)s.") % {"level": Level(max(levels)).label},
            field="courier", code="courier_clearance", kind="refused",
        ))
    if not route.strip():
        problems.append(Violation(_("Record the route and means of transport."), field="route", code="route_required"))
    if not protective_measures.strip():
        problems.append(Violation(_("Record the protective measures taken."), field="protective_measures",
                                  code="measures_required"))
    return problems


def abroad_permitted(*, is_abroad: bool, channel: str, has_approval: bool) -> Violation | None:
    """R2/R5: abroad only by diplomatic courier, or with an approval for carrying abroad."""
    if is_abroad and channel != Channel.DIPLOMATIC_COURIER and not has_approval:
        return Violation(
            _("Abroad, carriers go by diplomatic courier, or with an approved request for carrying abroad."),
            field="channel", code="abroad_without_approval", kind="refused",
        )
    return None


def approval_fits(
    *, is_abroad: bool, kind: str, unit_id: int, sending_unit_id: int, level: int, levels: list[int],
) -> Violation | None:
    """The approval given must be one for carrying abroad, of the sending unit, covering the
    carriers' level. (Whether it is approved, unused and in time is checked when it is used.)"""
    if not is_abroad:
        return Violation(_("An approval for carrying abroad is only for dispatches abroad."), field="approval",
                         code="approval_not_needed")
    if kind != "carrying_abroad":
        return Violation(_("This approval is not for carrying abroad."), field="approval", code="approval_kind")
    if unit_id != sending_unit_id:
        return Violation(_("This approval belongs to another unit."), field="approval", code="approval_unit",
                         kind="refused")
    if levels and level < max(levels):
        return Violation(
            _("This approval covers carriers up to %(approved)s; the dispatch holds %(level)s.")
            % {"approved": Level(level).label, "level": Level(max(levels)).label},
            field="approval", code="approval_level", kind="refused",
        )
    return None


def count_matches_list(*, declared: int, listed: int) -> Violation | None:
    """R2: the sender counts what is listed and declares it."""
    if declared != listed:
        return Violation(
            _("The count %(declared)d does not match the %(listed)d carriers listed.")
            % {"declared": declared, "listed": listed},
            field="declared_count", code="count_mismatch",
        )
    return None


# --- receipt ----------------------------------------------------------------------------------


def receipt_differences(*, listed: int, counted: int, arrived: int, unexpected: int) -> dict:
    """What differs between the list and what the recipient counted and checked."""
    return {
        "missing": listed - arrived,
        "unexpected": unexpected,
        "count_differs": counted != arrived + unexpected,
        "any": arrived != listed or unexpected > 0 or counted != listed,
    }


def checked_on_list(*, not_listed: list) -> Violation | None:
    if not_listed:
        return Violation(
            _("These carriers are not on this dispatch: %(ids)s. Report anything unlisted that arrived under 'unexpected'.")
            % {"ids": ", ".join(str(i) for i in sorted(not_listed))},
            field="carriers", code="not_on_dispatch",
        )
    return None


def difference_recorded(*, differences: dict, listed: int, counted: int, note: str) -> Violation | None:
    """R2: count and check when signing. A difference is signed only as a recorded discrepancy,
    with a note; otherwise nothing is signed."""
    if differences["any"] and not note.strip():
        if counted != listed:
            message = _("The count %(counted)d does not match the %(listed)d carriers listed; nothing was signed. Count again, or record the difference as a discrepancy with a note.") % {"counted": counted, "listed": listed}
        else:
            message = _("What arrived does not match the list; nothing was signed. Check again, or record the difference as a discrepancy with a note.")
        return Violation(message, field="counted_count", code="count_mismatch")
    return None


def receiver_is_recipient(*, actor_id: int, recipient_id: int) -> Violation | None:
    """The named recipient counts and signs, nobody else."""
    if actor_id != recipient_id:
        return Violation(_("Only the recipient named on the dispatch counts and signs for it."), code="not_recipient",
                         kind="refused")
    return None


def still_in_transit(*, status: str, label: str) -> Violation | None:
    if status != "in_transit":
        return Violation(_("This dispatch has already been received (%(status)s).") % {"status": label},
                         code="already_received", kind="conflict")
    return None


def carrier_in_transit(*, number: str, status: str, label: str) -> Violation | None:
    """Only a carrier on its way (in transit) is received; a scanned one in any other status is not
    part of a dispatch still to receive."""
    if status != "in_transit":
        return Violation(_("%(number)s is not in transit (it is %(status)s): there is nothing of it to receive.")
                         % {"number": number, "status": label}, field="carriers", code="not_in_transit",
                         kind="conflict")
    return None


# --- resolving discrepancies ------------------------------------------------------------------


RESOLUTIONS_BY_KIND = {
    DispatchDiscrepancy.Kind.MISSING: ("found", "returned", "lost"),
    DispatchDiscrepancy.Kind.UNEXPECTED: ("found", "returned"),
    DispatchDiscrepancy.Kind.COUNT: ("found", "returned"),
}


def discrepancy_open(*, resolution: str) -> Violation | None:
    if resolution:
        return Violation(_("This discrepancy has already been resolved."), code="already_resolved", kind="conflict")
    return None


def resolution_fits(*, kind: str, resolution: str) -> Violation | None:
    if resolution not in RESOLUTIONS_BY_KIND.get(kind, ()):
        return Violation(
            _("A discrepancy of this kind cannot be resolved as %(resolution)s.")
            % {"resolution": dict(DispatchDiscrepancy.Resolution.choices).get(resolution, resolution)},
            field="resolution", code="bad_resolution",
        )
    return None


def may_resolve(
    *, kind: str, resolution: str, is_recipient: bool, office_of_sender: bool, office_of_receiver: bool,
) -> Violation | None:
    """Who resolves what: a missing carrier that turns up is signed for by the recipient; one that
    came back to the sender by the sending unit's secrecy office; a loss is recorded by either
    secrecy office; other differences by either secrecy office or the recipient."""
    if kind == DispatchDiscrepancy.Kind.MISSING and resolution == "found":
        allowed, message = is_recipient, _("Only the recipient signs for a missing carrier that turned up.")
    elif kind == DispatchDiscrepancy.Kind.MISSING and resolution == "returned":
        allowed, message = office_of_sender, _("Only the sending unit's secrecy office records a carrier returned to it.")
    elif kind == DispatchDiscrepancy.Kind.MISSING:
        allowed, message = office_of_sender or office_of_receiver, _("Only the secrecy office of the sending or the receiving unit records a loss.")
    else:
        allowed = office_of_sender or office_of_receiver or is_recipient
        message = _("Only the recipient or the secrecy office of either unit resolves this discrepancy.")
    if not allowed:
        return Violation(message, code="may_not_resolve", kind="refused")
    return None


def resolution_explained(*, note: str) -> Violation | None:
    if not note.strip():
        return Violation(_("Say how the discrepancy was resolved."), field="note", code="note_required")
    return None
