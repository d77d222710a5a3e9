"""R1, production, as pure functions: given facts, None when allowed, or a Violation saying why not.

"The production of confidential documents and articles must go through the examination and
approval procedures and must be carried out in places where confidentiality is guaranteed. It is
strictly forbidden to entrust them to unapproved enterprises and self-employed individuals; they
shall be made in strict accordance with the approved quantity, no more copies made or kept
privately; classification and period determined and marked; intermediate materials (drafts,
revisions, proofs, negatives, semi-finished products, waste) kept under the same measures as the
final copies, or destroyed in time." Nothing here touches the database."""

from datetime import date

from django.utils.translation import gettext as _

from carriers.models import Disposition, IntermediateKind
from common.errors import Violation
from common.levels import Level

# A copy number has six digits (GLOSSARY), so at most 999999; one run registers and signs every
# copy inside one request (about 10 ms each on PostgreSQL), so a run is capped well below that.
MAX_COPIES = 1000


def place_xor_enterprise(*, has_place: bool, has_enterprise: bool) -> Violation | None:
    """At an approved place of the unit, or by one licensed outside enterprise: exactly one."""
    if has_place == has_enterprise:
        return Violation(
            _("Choose either a production place of the unit or an outside enterprise, not both or neither."),
            field="place", code="place_or_enterprise",
        )
    return None


def place_approved(*, approval_reference: str, is_active: bool, max_level: int, valid_from: date,
                   valid_until: date, same_unit: bool, level: int, today: date) -> Violation | None:
    """Production only at a place approved for it, within the approval's validity and level."""
    if not same_unit:
        return Violation(_("This production place belongs to another unit."), field="place", code="place_unit")
    if not approval_reference.strip() or not is_active:
        return Violation(
            _("This place is not approved for producing classified carriers."),
            field="place", code="place_unapproved", kind="refused",
        )
    if today < valid_from:
        return Violation(
            _("The approval of this place is valid only from %(date)s.") % {"date": valid_from.isoformat()},
            field="place", code="place_not_yet_valid", kind="refused",
        )
    if today > valid_until:
        return Violation(
            _("The approval of this place expired on %(date)s.") % {"date": valid_until.isoformat()},
            field="place", code="place_expired", kind="refused",
        )
    if level > max_level:
        return Violation(
            _("This place is approved only up to %(approved)s, not for %(level)s.")
            % {"approved": Level(max_level).label, "level": Level(level).label},
            field="place", code="place_level", kind="refused",
        )
    return None


def enterprise_licensed(*, is_individual: bool, licence_number: str, licensed_level: int | None,
                        licence_valid_until: date | None, is_active: bool, level: int,
                        today: date) -> Violation | None:
    """Never a self-employed individual; only an enterprise licensed for the level, in validity."""
    if is_individual:
        return Violation(
            _("Classified production is never entrusted to a self-employed individual."),
            field="enterprise", code="individual", kind="refused",
        )
    if not licence_number.strip() or licensed_level is None or licence_valid_until is None or not is_active:
        return Violation(
            _("This enterprise holds no licence for producing classified carriers."),
            field="enterprise", code="enterprise_unlicensed", kind="refused",
        )
    if today > licence_valid_until:
        return Violation(
            _("The licence of this enterprise expired on %(date)s.") % {"date": licence_valid_until.isoformat()},
            field="enterprise", code="enterprise_expired", kind="refused",
        )
    if level > licensed_level:
        return Violation(
            _("This enterprise is licensed only up to %(approved)s, not for %(level)s.")
            % {"approved": Level(licensed_level).label, "level": Level(level).label},
            field="enterprise", code="enterprise_level", kind="refused",
        )
    return None


def copies_requested(*, copies: int) -> Violation | None:
    if not 1 <= copies <= MAX_COPIES:
        return Violation(
            _("Ask for 1 to %(max)d copies.") % {"max": MAX_COPIES}, field="copies", code="copies_range"
        )
    return None


def production_approved(*, request_status: str, approval_status: str | None) -> Violation | None:
    """No production without an approval."""
    if request_status == "produced":
        return Violation(
            _("This request has already been produced; no further copies may be made."),
            code="already_produced", kind="conflict",
        )
    if approval_status != "approved":
        return Violation(
            _("This production has not been approved; nothing may be produced."),
            code="not_approved", kind="refused",
        )
    return None


def run_quantity(*, quantity: int | None, approved: int) -> Violation | None:
    """Exactly the approved quantity: more is over-production (refused), fewer is not this run."""
    if quantity is None or quantity == approved:
        return None
    if quantity > approved:
        return Violation(
            _("Only %(approved)d copies were approved; making %(quantity)d would be over-production.")
            % {"approved": approved, "quantity": quantity},
            field="quantity", code="over_production", kind="refused",
        )
    return Violation(
        _("A run makes exactly the approved %(approved)d copies, not %(quantity)d.")
        % {"approved": approved, "quantity": quantity},
        field="quantity", code="quantity_mismatch",
    )


def copy_numbers(*, approved: int) -> list[str]:
    """000001 .. the approved number: unique and without gaps within the run."""
    return [f"{n:06d}" for n in range(1, approved + 1)]


DESCRIPTION_MAX = 200


def intermediate_valid(*, kind: str, disposition: str, description: str = "") -> list[Violation]:
    problems = []
    if len(description) > DESCRIPTION_MAX:
        problems.append(Violation(
            _("Describe it in at most %(max)d characters.") % {"max": DESCRIPTION_MAX}, field="description"
        ))
    if kind not in IntermediateKind.values:
        problems.append(Violation(_("Say which intermediate material this is."), field="intermediate_kind"))
    if disposition not in Disposition.values:
        problems.append(Violation(_("Say whether it is kept or destroyed."), field="disposition"))
    return problems


def intermediate_same_level(*, level: int, run_level: int) -> Violation | None:
    """Intermediate materials are protected like the final copies: the run's level, never lower."""
    if level != run_level:
        return Violation(
            _("Intermediate materials carry the level of their run (%(level)s).") % {"level": Level(run_level).label},
            field="level", code="intermediate_level",
        )
    return None
