"""R3 (use) as pure functions: given facts, None when allowed, or a Violation saying why not. The
services gather the facts; nothing here touches the database.

R3: use strictly within the prescribed scope, never widened without authorisation; read only in
an office or a reading room with confidentiality guarantees; circulated documents are
registered; readers pass nothing on directly to others and keep nothing circulated; those who
read or listen are told beforehand what they may not record, photograph or keep; borrowing with
a valid credential, through the borrowing procedure, returned in time."""

from datetime import date, datetime

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

# --- who may read or borrow: the credential --------------------------------------------------------


def person_credential(*, active: bool, clearance: int, level: int, in_scope: bool, field: str = "reader",
                      who: str | None = None) -> Violation | None:
    """R3: a valid credential: an active registered person, cleared for the carrier's level, and
    within its distribution scope (need-to-know). The first that fails is the reason."""
    who = who or _("The reader")
    if not active:
        return Violation(_("%(who)s is not an active registered person.") % {"who": who}, field=field,
                         code="inactive", kind="refused")
    if clearance < level:
        return Violation(
            _("%(who)s is not cleared for %(level)s.") % {"who": who, "level": Level(level).label},
            field=field, code="clearance", kind="refused",
        )
    if not in_scope:
        return Violation(
            _("%(who)s is outside the carrier's distribution scope; the scope of use may not be widened.")
            % {"who": who},
            field=field, code="out_of_scope", kind="refused",
        )
    return None


def may_record_use(*, is_holder: bool, is_office: bool) -> Violation | None:
    """Reading sessions and circulations are recorded by the carrier's holder or the secrecy office."""
    if not (is_holder or is_office):
        return Violation(_("Only the carrier's holder or the secrecy office records its use."), code="not_holder",
                         kind="refused")
    return None


def carrier_usable(*, status: str, label: str) -> Violation | None:
    """Only a carrier in custody is read, circulated or lent (not one in transit, lost, destroyed...)."""
    if status not in ("in_custody", "registered"):
        return Violation(_("A carrier that is %(status)s cannot be used now.") % {"status": label},
                         field="carrier", code="bad_status", kind="conflict")
    return None


# --- reading places and sessions ------------------------------------------------------------------


def may_manage_places(*, is_office: bool) -> Violation | None:
    if not is_office:
        return Violation(_("Only the secrecy office manages reading places."), code="not_office", kind="refused")
    return None


def place_fit(*, place_unit_id: int, unit_id: int, is_active: bool, max_level: int, level: int) -> Violation | None:
    """R3: read only in an office or reading room of the unit, in use and approved for the level."""
    if place_unit_id != unit_id:
        return Violation(_("This reading place belongs to another unit."), field="place", code="place_unit")
    if not is_active:
        return Violation(_("This reading place is no longer in use."), field="place", code="place_inactive")
    if max_level < level:
        return Violation(
            _("This place is approved for reading up to %(approved)s; the carrier is %(level)s.")
            % {"approved": Level(max_level).label, "level": Level(level).label},
            field="place", code="place_level", kind="refused",
        )
    return None


def rules_told(*, told: bool) -> Violation | None:
    """R3: the reader is told beforehand: no recording, photographing or keeping."""
    if not told:
        return Violation(
            _("Tell the reader the rules first (no recording, photographing or keeping) and tick the box."),
            field="rules_told", code="rules_not_told",
        )
    return None


def session_times(*, started_at: datetime, ended_at: datetime | None, now: datetime) -> list[Violation]:
    problems = []
    if started_at > now:
        problems.append(Violation(_("A reading session cannot start in the future."), field="started_at",
                                  code="future"))
    if ended_at is not None and ended_at < started_at:
        problems.append(Violation(_("The session ends before it starts."), field="ended_at", code="ends_before"))
    if ended_at is not None and ended_at > now:
        problems.append(Violation(_("A reading session cannot end in the future."), field="ended_at", code="future"))
    return problems


def session_open(*, ended_at) -> Violation | None:
    if ended_at is not None:
        return Violation(_("This reading session has already ended."), code="session_ended", kind="conflict")
    return None


# --- circulation ------------------------------------------------------------------------------------


def readers_listed(*, reader_ids: list[int]) -> list[Violation]:
    problems = []
    if not reader_ids:
        problems.append(Violation(_("List at least one reader."), field="readers", code="required"))
    elif len(set(reader_ids)) != len(reader_ids):
        problems.append(Violation(_("A reader appears twice on the list."), field="readers", code="duplicate"))
    return problems


def readers_credentials(*, refused: list[tuple[str, str]]) -> Violation | None:
    """R3: every reader on a circulation list within the scope and cleared; the reasons, per reader."""
    if refused:
        return Violation(
            _("These readers may not read it: %(reasons)s") % {"reasons": "; ".join(f"{n}: {r}" for n, r in refused)},
            field="readers", code="readers_refused", kind="refused",
        )
    return None


def not_circulating(*, busy: bool) -> Violation | None:
    """One circulation of a carrier at a time; a circulating carrier is not lent meanwhile."""
    if busy:
        return Violation(_("This carrier is being circulated; wait until the circulation is complete."),
                         field="carrier", code="circulating", kind="conflict")
    return None


def circulation_open(*, status: str) -> Violation | None:
    if status != "in_progress":
        return Violation(_("This circulation is no longer going round."), code="circulation_closed", kind="conflict")
    return None


def on_the_list(*, on_list: bool) -> Violation | None:
    """R3: only the readers on the list read a circulated carrier."""
    if not on_list:
        return Violation(_("You are not on this circulation list."), code="not_on_list", kind="refused")
    return None


def readers_turn(*, is_current: bool, already_signed: bool) -> Violation | None:
    if already_signed:
        return Violation(_("You have already signed for this circulation."), code="already_signed", kind="conflict")
    if not is_current:
        return Violation(_("It is not your turn yet: the carrier goes round in the listed order."),
                         code="not_your_turn", kind="conflict")
    return None


def passed_on_list(*, pass_to_id: int | None, next_id: int | None, on_list: bool, starter_id: int) -> Violation | None:
    """R3: readers pass a circulated carrier to nobody off the list; it goes to the next reader (or,
    after the last, back to whoever sent it round)."""
    if pass_to_id is None:
        return None
    expected = next_id if next_id is not None else starter_id
    if pass_to_id == expected:
        return None
    if not on_list and pass_to_id != starter_id:
        return Violation(
            _("Readers may not pass a circulated carrier on to anyone off the circulation list."),
            field="pass_to", code="off_the_list", kind="refused",
        )
    return Violation(_("It goes to the next reader on the list, in order."), field="pass_to", code="out_of_order",
                     kind="conflict")


# --- borrowing --------------------------------------------------------------------------------------


def due_date(*, due_on: date, today: date, max_days: int, field: str = "due_on") -> Violation | None:
    """R3: returned in time: a due date after today, at most LOAN_MAX_DAYS away."""
    if due_on <= today:
        return Violation(_("The due date must be after today."), field=field, code="due_past")
    if (due_on - today).days > max_days:
        return Violation(
            _("A loan may last at most %(days)d days.") % {"days": max_days}, field=field, code="due_too_far",
        )
    return None


def may_request_for(*, is_self: bool, is_office: bool) -> Violation | None:
    if not (is_self or is_office):
        return Violation(_("Only the borrower themselves, or the secrecy office for them, asks to borrow."),
                         field="borrower", code="not_for_others", kind="refused")
    return None


def not_holder_borrowing(*, is_holder: bool) -> Violation | None:
    if is_holder:
        return Violation(_("The borrower already holds this carrier."), field="carrier", code="already_holder",
                         kind="conflict")
    return None


def no_open_loan(*, has_open: bool) -> Violation | None:
    if has_open:
        return Violation(_("This borrower already has an open loan or request for this carrier."), field="carrier",
                         code="loan_open", kind="conflict")
    return None


def loan_status(*, status: str, allowed: tuple, label: str) -> Violation | None:
    if status not in allowed:
        return Violation(_("This loan is %(status)s; that cannot be done now.") % {"status": label},
                         code="loan_status", kind="conflict")
    return None


def may_lend(*, is_holder: bool, is_office: bool) -> Violation | None:
    """The holder lends, and only through the secrecy office's borrowing procedure."""
    if not is_holder:
        return Violation(_("Only the carrier's holder lends it."), code="not_holder", kind="refused")
    if not is_office:
        return Violation(_("Carriers are lent through the secrecy office's borrowing procedure."),
                         code="not_office", kind="refused")
    return None


def is_borrower(*, actor_id: int, borrower_id: int) -> Violation | None:
    if actor_id != borrower_id:
        return Violation(_("Only the borrower does this."), code="not_borrower", kind="refused")
    return None


def return_to_lender(*, taker_id: int | None, lender_id: int) -> Violation | None:
    """R3: a borrowed carrier goes back to the one who lent it, to nobody else."""
    if taker_id is not None and taker_id != lender_id:
        return Violation(
            _("A borrowed carrier is returned to the lender only; the borrower may not pass it on to anyone else."),
            field="taker", code="not_lender", kind="refused",
        )
    return None


def is_lender(*, actor_id: int, lender_id: int) -> Violation | None:
    if actor_id != lender_id:
        return Violation(_("Only the lender takes a borrowed carrier back."), code="not_lender", kind="refused")
    return None


def may_cancel(*, status: str, is_borrower_: bool, is_lender_side: bool) -> Violation | None:
    if status == "requested" and (is_borrower_ or is_lender_side):
        return None
    if status == "lending" and is_lender_side:
        return None
    if status in ("requested", "lending"):
        return Violation(_("You may not cancel this loan."), code="may_not_cancel", kind="refused")
    return Violation(_("Only a loan not yet handed over can be cancelled."), code="loan_status", kind="conflict")


def extension_fits(*, requested: date, current_due: date, today: date, max_days: int, has_pending: bool,
                   status: str) -> list[Violation]:
    problems = []
    if status != "on_loan":
        problems.append(Violation(_("Only a carrier on loan can be kept longer."), code="loan_status",
                                  kind="conflict"))
    if has_pending:
        problems.append(Violation(_("An extension of this loan is already waiting for approval."),
                                  code="extension_pending", kind="conflict"))
    if requested <= current_due:
        problems.append(Violation(_("Ask for a date after the current due date."), field="due_on",
                                  code="not_later"))
    elif (requested - today).days > max_days:
        problems.append(Violation(_("A loan may last at most %(days)d days from today.") % {"days": max_days},
                                  field="due_on", code="due_too_far"))
    return problems
