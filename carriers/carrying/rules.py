"""R5 (carrying classified carriers out) as pure functions: given facts, None when allowed, or a
Violation saying why not. The services gather the facts; nothing here touches the database.

R5: secret-related staff who take carriers out for their work take the necessary safety measures
so that the carriers stay under effective protection; they run no unrelated errands and enter no
shops, entertainment or other public places unfit for it. Carriers are not taken to foreign-affairs
activities; if really necessary, only with the approval of the head of the unit and protective
measures. Taking carriers out of the country without permission is strictly forbidden; if really
necessary, only after the approval procedure, with careful protective measures."""

from datetime import date

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import CarryOutRequest, Scope

# which approval (kind, variant) each scope needs
APPROVAL_FOR_SCOPE = {
    Scope.DOMESTIC: ("carrying_out", ""),
    Scope.FOREIGN_AFFAIRS: ("carrying_out", "foreign_affairs"),
    Scope.ABROAD: ("carrying_abroad", ""),
}

# requests whose carriers are spoken for (a carrier is in at most one of them)
ACTIVE_STATUSES = (
    CarryOutRequest.Status.SUBMITTED, CarryOutRequest.Status.APPROVED, CarryOutRequest.Status.CHECKING_OUT,
    CarryOutRequest.Status.CARRIED_OUT, CarryOutRequest.Status.CHECKING_IN,
)
OUT_STATUSES = (CarryOutRequest.Status.CARRIED_OUT, CarryOutRequest.Status.CHECKING_IN)


def scope_valid(*, scope: str) -> Violation | None:
    if scope not in APPROVAL_FOR_SCOPE:
        return Violation(_("Say whether it is domestic, a foreign-affairs activity or abroad."), field="scope")
    return None


def protective_measures_given(*, measures: str, scope: str) -> Violation | None:
    """R5: the necessary safety measures, always; for abroad and foreign affairs, in earnest."""
    if not (measures or "").strip():
        return Violation(_("Say which protective measures keep the carriers under effective protection."),
                         field="protective_measures", code="no_protective_measures")
    return None


def briefed(*, acknowledged: bool) -> Violation | None:
    """R5: no unrelated errands, no shops or entertainment venues: the person carrying was told."""
    if not acknowledged:
        return Violation(
            _("Confirm that the person carrying has been told the rules: no unrelated errands, no shops, entertainment or other public places."),
            field="briefed", code="not_briefed",
        )
    return None


def destination_given(*, destination: str, purpose: str) -> list[Violation]:
    problems = []
    if not (destination or "").strip():
        problems.append(Violation(_("Say where the carriers are taken."), field="destination"))
    if not (purpose or "").strip():
        problems.append(Violation(_("Say why the carriers are taken out."), field="purpose"))
    return problems


def return_date(*, expected_return: date | None, today: date) -> Violation | None:
    if expected_return is None:
        return Violation(_("Give the expected return date."), field="expected_return")
    if expected_return < today:
        return Violation(_("The expected return cannot be in the past."), field="expected_return",
                         code="return_in_past")
    return None


def carrier_person_fit(*, active: bool, same_unit: bool, clearance: int, levels: list[int],
                       out_of_scope: list[str]) -> Violation | None:
    """The person carrying: an active registered person of the requester's unit, cleared for every
    carrier, within its scope."""
    if not active:
        return Violation(_("The person carrying must be an active registered person."), field="carrier_person",
                         code="person_inactive")
    if not same_unit:
        return Violation(_("The person carrying must belong to your unit."), field="carrier_person",
                         code="person_other_unit", kind="refused")
    if levels and clearance < max(levels):
        return Violation(
            _("The person carrying is not cleared for %(level)s.") % {"level": Level(max(levels)).label},
            field="carrier_person", code="person_clearance", kind="refused",
        )
    if out_of_scope:
        return Violation(
            _("The person carrying is outside the distribution scope of %(numbers)s.")
            % {"numbers": ", ".join(sorted(out_of_scope))},
            field="carrier_person", code="out_of_scope", kind="refused",
        )
    return None


def carriers_available(*, statuses: dict[str, str], taken: list[str]) -> list[Violation]:
    """Only carriers in custody, each in at most one open carry-out request."""
    problems = []
    blocked = sorted(number for number, status in statuses.items() if status != "in_custody")
    if blocked:
        problems.append(Violation(
            _("%(numbers)s is not in custody and cannot be carried out.") % {"numbers": ", ".join(blocked)},
            field="carriers", code="bad_status", kind="conflict",
        ))
    if taken:
        problems.append(Violation(
            _("%(numbers)s is already in another carry-out request.") % {"numbers": ", ".join(sorted(taken))},
            field="carriers", code="already_requested", kind="conflict",
        ))
    return problems


def approval_fits(*, scope: str, approval_kind: str | None, approval_variant: str | None,
                  approval_status: str | None) -> Violation | None:
    """R5: nothing leaves without its approval; abroad only with an approval for carrying abroad,
    a foreign-affairs activity only with the unit head's (its variant of carrying out)."""
    kind, variant = APPROVAL_FOR_SCOPE[scope]
    if approval_kind != kind or (approval_variant or "") != variant:
        if scope == Scope.ABROAD:
            message = _("Carriers are never taken abroad without an approval for carrying abroad.")
        elif scope == Scope.FOREIGN_AFFAIRS:
            message = _("Carriers are taken to a foreign-affairs activity only with the approval of the head of the unit.")
        else:
            message = _("Carrying out needs an approval for carrying out.")
        return Violation(message, code="wrong_approval", kind="refused")
    if approval_status != "approved":
        if scope == Scope.ABROAD:
            message = _("Carrying abroad is refused: it has not been approved.")
        else:
            message = _("This carry-out request has not been approved.")
        return Violation(message, code="not_approved", kind="refused")
    return None


def may_check_out(*, status: str, handover_cancelled: bool) -> Violation | None:
    if status == CarryOutRequest.Status.APPROVED or (status == CarryOutRequest.Status.CHECKING_OUT and handover_cancelled):
        return None
    return Violation(
        _("Only an approved request that has not been checked out can be checked out (it is %(status)s).")
        % {"status": CarryOutRequest.Status(status).label},
        code="bad_request_status", kind="conflict",
    )


def one_giver(*, holders: set[int], actor_id: int) -> Violation | None:
    """The holder checks the carriers out: all of them must be the actor's."""
    if holders != {actor_id}:
        return Violation(
            _("Only the holder of every carrier in the request checks them out; you do not hold them all."),
            field="carriers", code="not_holder", kind="refused",
        )
    return None


def two_people(*, giver_id: int, carrier_person_id: int) -> Violation | None:
    if giver_id == carrier_person_id:
        return Violation(
            _("The person carrying already holds these carriers: check-out is a handover from their holder, so hand them to the secrecy office first."),
            field="carrier_person", code="same_person", kind="conflict",
        )
    return None


def may_check_in(*, status: str, handover_cancelled: bool) -> Violation | None:
    if status == CarryOutRequest.Status.CARRIED_OUT or (status == CarryOutRequest.Status.CHECKING_IN and handover_cancelled):
        return None
    return Violation(
        _("Only carriers that are carried out can be checked in (the request is %(status)s).")
        % {"status": CarryOutRequest.Status(status).label},
        code="not_carried_out", kind="conflict",
    )


def is_carrier_person(*, actor_id: int, carrier_person_id: int) -> Violation | None:
    if actor_id != carrier_person_id:
        return Violation(_("Only the person carrying checks the carriers back in."), code="not_carrier_person",
                         kind="refused")
    return None


def is_taker(*, actor_id: int, taker_id: int | None, step: str) -> Violation | None:
    if taker_id is None or actor_id != taker_id:
        if step == "check_out":
            message = _("Only the person carrying counts and signs for the check-out.")
        else:
            message = _("Only the person who checked the carriers out counts and signs for their return.")
        return Violation(message, code="not_taker", kind="refused")
    return None


def handover_pending(*, status: str, expected: str) -> Violation | None:
    if status != expected:
        return Violation(
            _("There is nothing waiting for your signature (the request is %(status)s).")
            % {"status": CarryOutRequest.Status(status).label},
            code="nothing_pending", kind="conflict",
        )
    return None
