"""The registry of scheduled checks. A later stage adds its deadline by adding ONE entry here
(or calling `register(...)` from its own module): a kind, a label, a severity, the target's
model label and a function (today, now) -> the due targets as one set-based query (a values()
queryset or a short list of dicts with alerts.selectors.DUE_FIELDS), or None when the stage that
owns it is absent. `told` optionally yields (target id, user id) pairs of people told besides the
responsible person. The runner (alerts.services.run_checks) does the rest: insert new alerts with
ON CONFLICT DO NOTHING, touch the ones still due, resolve the others in one UPDATE."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Severity


@dataclass(frozen=True)
class Check:
    kind: str
    label: str
    severity: str
    target_type: str
    due: Callable
    told: Callable | None = None


REGISTRY: dict[str, Check] = {}


def register(check: Check) -> Check:
    REGISTRY[check.kind] = check
    return check


for _check in (
    Check("secrecy_expiring", _("Secrecy period ending soon"), Severity.INFO, "carriers.carrier",
          selectors.due_secrecy_expiring),
    Check("secrecy_ended", _("Secrecy period ended"), Severity.WARNING, "carriers.carrier",
          selectors.due_secrecy_ended),
    Check("intermediate_overdue", _("Intermediate material not destroyed"), Severity.WARNING, "carriers.carrier",
          selectors.due_intermediates),
    Check("approval_step_waiting", _("Approval step waiting too long"), Severity.WARNING, "approvals.requeststep",
          selectors.due_approval_steps, selectors.approval_step_deciders),
    Check("dispatch_not_received", _("Dispatch not received"), Severity.WARNING, "transmission.dispatch",
          selectors.due_dispatches, selectors.dispatch_senders),
    Check("discrepancy_unresolved", _("Receipt discrepancy unresolved"), Severity.WARNING,
          "transmission.dispatchdiscrepancy", selectors.due_discrepancies, selectors.discrepancy_senders),
    Check("audit_chain_broken", _("Audit chain broken"), Severity.CRITICAL, "audit.chain",
          selectors.due_audit_chain, selectors.audit_chain_keepers),
    # opened by celery beat itself when it cannot reach the broker (alerts.beat); this check keeps
    # it while beat still fails and resolves it once beat sends again
    Check("scheduler_failing", _("Scheduler cannot run its tasks"), Severity.CRITICAL, "celery.beat",
          selectors.due_scheduler, selectors.audit_chain_keepers),
):
    register(_check)


def kind_label(kind: str):
    check = REGISTRY.get(kind)
    return check.label if check else kind


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, check.label) for kind, check in REGISTRY.items()]
