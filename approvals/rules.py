"""The approval rules as pure functions: None when allowed, or a Violation saying why not."""

from datetime import date

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import ApprovalRequest, Decision


def not_own_request(*, approver_id: int, requester_id: int) -> Violation | None:
    """The requester never approves their own request."""
    if approver_id == requester_id:
        return Violation(_("You cannot decide your own request."), code="own_request", kind="refused")
    return None


def clearance_reaches(*, clearance: int, level: int) -> Violation | None:
    if clearance < level:
        return Violation(
            _("Your clearance does not reach %(level)s, the level of this request.") % {"level": Level(level).label},
            code="clearance", kind="refused",
        )
    return None


def approver_active(*, is_active: bool) -> Violation | None:
    """Departed or inactive people cannot approve."""
    if not is_active:
        return Violation(_("Departed or inactive people cannot decide requests."), code="inactive", kind="refused")
    return None


def request_open(*, status: str) -> Violation | None:
    if status not in (ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW):
        return Violation(
            _("This request is %(status)s and can no longer be decided.")
            % {"status": ApprovalRequest.Status(status).label},
            code="not_open", kind="conflict",
        )
    return None


def rejection_has_reason(*, outcome: str, reason: str) -> Violation | None:
    if outcome == Decision.Outcome.REJECT and not reason.strip():
        return Violation(_("Give the reason for the rejection."), field="reason", code="reason_required")
    return None


def valid_until_ahead(*, valid_until: date | None, today: date) -> Violation | None:
    """An approver who limits the approval's validity gives a day still to come (issue 17)."""
    if valid_until is not None and valid_until < today:
        return Violation(_("This date has passed; give today or a later date."), field="valid_until",
                         code="date_in_past")
    return None


def approval_usable(*, status: str, consumed: bool, valid_until: date | None, today: date) -> Violation | None:
    """An approval is used once, before it runs out."""
    if status != ApprovalRequest.Status.APPROVED:
        return Violation(_("This request has not been approved."), code="not_approved", kind="refused")
    if consumed:
        return Violation(_("This approval has already been used."), code="approval_used", kind="conflict")
    if valid_until is not None and valid_until < today:
        return Violation(_("This approval expired on %(date)s.") % {"date": valid_until.isoformat()},
                         code="approval_expired", kind="conflict")
    return None


def quantity_within_approval(*, requested: int, approved: int | None) -> Violation | None:
    if approved is not None and requested > approved:
        return Violation(
            _("Only %(approved)d were approved; %(requested)d asked.") % {"approved": approved, "requested": requested},
            field="quantity", code="over_quantity", kind="refused",
        )
    return None


def can_withdraw(*, actor_id: int, requester_id: int, status: str) -> Violation | None:
    if actor_id != requester_id:
        return Violation(_("Only the requester can withdraw a request."), code="not_requester", kind="refused")
    return request_open(status=status)


def delegation_valid(
    *, delegator_is_head: bool, delegate_active: bool, same_unit: bool, starts_on: date, ends_on: date,
    today: date, same_person: bool,
) -> list[Violation]:
    problems = []
    if same_person:
        problems.append(Violation(_("A head cannot delegate to themselves."), field="delegate"))
    if not delegator_is_head:
        problems.append(Violation(_("Only a head can have an acting head."), field="delegator"))
    if not delegate_active:
        problems.append(Violation(_("The acting head must be an active person."), field="delegate"))
    if not same_unit:
        problems.append(Violation(_("The acting head must belong to the same unit."), field="delegate"))
    if ends_on < starts_on:
        problems.append(Violation(_("The period ends before it starts."), field="ends_on"))
    if ends_on < today:
        problems.append(Violation(_("The period is already over."), field="ends_on"))
    return problems


def release_allowed(*, status: str) -> Violation | None:
    """R9: nothing is released before the confidentiality review approves it."""
    if status != "approved":
        return Violation(
            _("Only material approved by the confidentiality review can be released."),
            code="not_approved", kind="conflict",
        )
    return None


def requester_cleared(*, clearance: int, level: int) -> Violation | None:
    """Nobody asks for approval about material above their own clearance."""
    if clearance < level:
        return Violation(
            _("Your clearance does not reach %(level)s.") % {"level": Level(level).label},
            field="level", code="above_clearance", kind="refused",
        )
    return None


def policy_steps_valid(*, steps: list[str]) -> Violation | None:
    from .models import ApproverRole

    if not steps:
        return Violation(_("A policy needs at least one step."), field="steps")
    if any(step not in ApproverRole.values for step in steps):
        return Violation(_("Unknown approver in the steps."), field="steps")
    if len(set(steps)) != len(steps):
        return Violation(_("The same approver cannot take two steps of one request."), field="steps")
    return None
