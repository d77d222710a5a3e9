"""R6, keeping, and the inventory check, as pure functions: given facts, None when allowed, or a
Violation saying why not.

"It is strictly forbidden for individuals to keep confidential documents and articles without
permission. Places and equipment with confidentiality conditions must be selected to store
confidential documents and articles. Confidential documents that should be filed shall be filed in
time or handed over to the archives department for preservation." Where a container may hold a
level is carriers.rules.container_may_hold (REGISTRY["STORAGE_MIN_CONTAINER"]). Nothing here
touches the database."""

from datetime import date

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

# statuses in which a carrier is kept by its unit (in a container, or by a person on a retention)
KEPT_STATUSES = ("registered", "in_custody", "archived", "pending_destruction")
# statuses from which a carrier may be put into (or moved between) containers
STORABLE_STATUSES = ("registered", "in_custody", "archived", "pending_destruction")
NOTE_MAX = 500


def may_store(*, is_holder: bool, is_office: bool) -> Violation | None:
    """The accountable holder or the secrecy office of the unit puts a carrier away."""
    if not (is_holder or is_office):
        return Violation(
            _("Only the carrier's holder or the secrecy office may put it into a container."),
            code="not_holder", kind="refused",
        )
    return None


def storable(*, status: str, label: str, in_handover: bool) -> Violation | None:
    if status not in STORABLE_STATUSES:
        return Violation(
            _("A carrier that is %(status)s cannot be put into a container here.") % {"status": label},
            field="carrier", code="bad_status", kind="conflict",
        )
    if in_handover:
        return Violation(
            _("This carrier is being handed over; put it away after the handover."),
            field="carrier", code="handover_in_progress", kind="conflict",
        )
    return None


def text_within(*, value: str, field: str, limit: int = NOTE_MAX) -> Violation | None:
    if len(value) > limit:
        return Violation(_("Write at most %(max)d characters.") % {"max": limit}, field=field)
    return None


# --- temporary retention ---------------------------------------------------------------------


def retention_requested_by_holder(*, is_holder: bool) -> Violation | None:
    """Only the accountable holder asks to keep a carrier outside a container."""
    if not is_holder:
        return Violation(
            _("Only the carrier's accountable holder may ask to keep it outside a container."),
            field="carrier", code="not_holder", kind="refused",
        )
    return None


def retention_terms(*, reason: str, ends_on: date | None, today: date, max_days: int) -> list[Violation]:
    """A reason and an end date, after today and within the longest retention allowed."""
    problems = []
    if not reason.strip():
        problems.append(Violation(_("Give the reason for keeping it outside a container."), field="reason"))
    problems.append(text_within(value=reason, field="reason"))
    if ends_on is None:
        problems.append(Violation(_("Give the date it goes back into a container."), field="ends_on"))
    elif ends_on <= today:
        problems.append(Violation(_("The end date must be after today."), field="ends_on", code="ends_in_past"))
    elif (ends_on - today).days > max_days:
        problems.append(Violation(
            _("A temporary retention lasts at most %(days)d days.") % {"days": max_days},
            field="ends_on", code="too_long",
        ))
    return [p for p in problems if p is not None]


def retention_carrier_kept(*, status: str, label: str) -> Violation | None:
    if status != "in_custody":
        return Violation(
            _("Only a carrier in custody can be kept outside a container; this one is %(status)s.") % {"status": label},
            field="carrier", code="bad_status", kind="conflict",
        )
    return None


def retention_approved(*, status: str, approval_status: str | None, ends_on: date, today: date) -> Violation | None:
    """R6: keeping outside a container only with an approved request, until its end date."""
    if status == "active":
        return Violation(_("This carrier is already kept outside its container."), code="already_active",
                         kind="conflict")
    if status != "approved" or approval_status != "approved":
        return Violation(
            _("Keeping a carrier outside a container needs an approved temporary retention; this one is not approved."),
            code="not_approved", kind="refused",
        )
    if today > ends_on:
        return Violation(
            _("The approved retention ended on %(date)s; ask again.") % {"date": ends_on.isoformat()},
            code="retention_ended", kind="conflict",
        )
    return None


# --- filing to the archives ------------------------------------------------------------------


def archive_usable(*, is_active: bool, same_unit: bool) -> Violation | None:
    if not is_active or not same_unit:
        return Violation(_("Choose archives of your own unit that are in use."), field="archive",
                         code="archive_unusable")
    return None


def keeper_is_not_giver(*, keeper_id: int, giver_id: int) -> Violation | None:
    if keeper_id == giver_id:
        return Violation(
            _("You keep these archives yourself: filing is a handover to the archives keeper, another person."),
            field="archive", code="keeper_is_giver",
        )
    return None


def is_keeper(*, actor_id: int, keeper_id: int) -> Violation | None:
    """The archives keeper (the filing handover's taker), and nobody else, accepts a filing."""
    if actor_id != keeper_id:
        return Violation(_("Only the archives keeper accepts a filing."), code="not_keeper", kind="refused")
    return None


def is_filer(*, actor_id: int, filer_id: int) -> Violation | None:
    if actor_id != filer_id:
        return Violation(_("Only whoever filed it may take it back."), code="not_filer", kind="refused")
    return None


def filing_pending(*, status: str, label: str) -> Violation | None:
    if status != "pending":
        return Violation(_("This filing is already %(status)s.") % {"status": label}, code="filing_closed",
                         kind="conflict")
    return None


# --- container access log --------------------------------------------------------------------


def may_log_access(*, is_office: bool, holds_carrier_in_it: bool, of_its_department: bool,
                   cleared: bool) -> Violation | None:
    """Who opens, closes or checks a container: the secrecy office, someone holding a carrier kept
    in it, or a secret-related member of the department it belongs to."""
    if not cleared or not (is_office or holds_carrier_in_it or of_its_department):
        return Violation(
            _("Only the secrecy office, a holder of a carrier kept in it or a secret-related member of its department may log access to this container."),
            code="not_allowed", kind="refused",
        )
    return None


# --- inventory -----------------------------------------------------------------------------


def inventory_scope(*, scope: str, has_department: bool, has_container: bool, in_unit: bool) -> Violation | None:
    if scope == "department" and not has_department:
        return Violation(_("Choose the department to check."), field="department")
    if scope == "container" and not has_container:
        return Violation(_("Choose the container to check."), field="container")
    if scope == "unit" and (has_department or has_container):
        return Violation(_("An inventory of the whole unit names no department or container."), field="scope")
    if not in_unit:
        return Violation(_("You can check only your own unit, its departments and its containers."),
                         field="scope", code="other_unit")
    return None


def opener_cleared(*, clearance: int, level: int | None) -> Violation | None:
    """Whoever opens an inventory sees every expected registry number: they must be cleared for
    the highest level among them."""
    if level is not None and level > clearance:
        return Violation(
            _("This inventory includes %(level)s carriers; it must be opened by someone cleared for that level.")
            % {"level": Level(level).label},
            code="above_clearance", kind="refused",
        )
    return None


def inventory_open(*, status: str) -> Violation | None:
    if status != "open":
        return Violation(_("This inventory is closed; nothing more can be recorded."), code="inventory_closed",
                         kind="conflict")
    return None


def inventory_printable(*, status: str) -> Violation | None:
    """The record of an inventory is printed once it is closed with its two signatures."""
    if status != "closed":
        return Violation(_("This inventory is still open: its record can be printed once it is closed with two "
                           "signatures."), code="inventory_not_closed", kind="conflict")
    return None


def scan_undoable(*, outcome: str) -> Violation | None:
    """Only a line seen during this inventory can be taken back (a mistyped or doubled scan)."""
    if outcome == "pending":
        return Violation(_("This carrier has not been seen yet: there is no scan to undo."),
                         code="not_seen", kind="conflict")
    return None


def registry_number_given(*, number: str) -> Violation | None:
    if not number:
        return Violation(_("Scan or type the registry number."), field="registry_number")
    if len(number) > 40:
        return Violation(_("A registry number has at most 40 characters."), field="registry_number")
    return None


def two_signers(*, first_id: int, second_id: int | None) -> Violation | None:
    """An inventory closes with the signatures of two different people."""
    if second_id is None:
        return Violation(
            _("An inventory closes with two signatures: name the second person who signs."),
            field="second_signer", code="second_signature_missing",
        )
    if second_id == first_id:
        return Violation(
            _("The two signatures must be of two different people."),
            field="second_signer", code="same_signer", kind="refused",
        )
    return None


def second_signer_fit(*, active: bool, same_unit: bool, clearance: int, level: int) -> Violation | None:
    if not active or not same_unit:
        return Violation(_("The second signer must be an active person of this unit."), field="second_signer",
                         code="second_signer_unfit")
    if clearance < level:
        return Violation(
            _("The second signer's clearance does not reach %(level)s.") % {"level": Level(level).label},
            field="second_signer", code="second_signer_clearance", kind="refused",
        )
    return None


def outcome_of(*, expected: bool, expected_container_id: int | None, seen_container_id: int | None) -> str:
    """What a confirmation means: found where recorded, misplaced, or unexpected here."""
    if not expected:
        return "unexpected"
    return "found" if expected_container_id == seen_container_id else "misplaced"
