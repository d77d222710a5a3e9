"""One kit for stage requests (issue 13, item 5): production, copying, compilation, carrying-out,
retention, destruction, declassification review, travel and departure requests are each a request
that an approval request decides (approvals.ApprovalRequest, one-to-one `approval`). What they
share is here, once; each stage keeps only what differs (decision 0020):

- StageRequest: the abstract base model (unit, level, created_at: the same columns in every stage,
  so inheriting them changes no table). Each stage declares its own `approval`, `status` (its
  Status choices use the approval's outcome names: submitted, approved, rejected, withdrawn,
  expired, then its own), requester and the rest.
- visibility(): the one visibility rule, for access.register in the stage's policy.py.
- hand_off() and signed_terms(): the approval's outcome mirrored onto the request, and the terms an
  approver signs, for approvals.OUTCOME_HANDLERS / SIGNED_TERMS in the stage's services.py.
- parse_pk(), get_or_404(), locked_or_404(): an invisible request is answered as a missing one.
- history(): the request's events from the audit trail.

Import direction: this module imports only Django, common and audit, and names approvals' and
personnel's models by label, so that any app's models.py may inherit from StageRequest (personnel's
travel and departure requests included) without an import cycle while the apps load."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from audit.models import AuditEvent
from common import access
from common.levels import NO_CLEARANCE, Level

APPROVAL = "approvals.approvalrequest"
# a stage request waiting for its approval's outcome
WAITING = "submitted"
# the final outcomes of an approval (approvals.ApprovalRequest.Status), mirrored onto the stage
# request under the same names
APPROVED = "approved"
OUTCOMES = (APPROVED, "rejected", "withdrawn", "expired")
MAX_PK = 2**63


class StageRequest(models.Model):
    """A stage's request decided by an approval request. A stage whose column differs in name or
    label overrides the field (e.g. a "reviewing unit"), or removes it with `created_at = None`."""

    unit = models.ForeignKey("personnel.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


# --- who sees a stage request --------------------------------------------------------------------


def visibility(*, seen_by: Iterable[str] = ("requester",),
               also: Callable[[object, object], Q | None] | None = None) -> Callable[[QuerySet, object], QuerySet]:
    """The visibility rule of a stage request, for access.register: the people it names (`seen_by`:
    paths to a user, e.g. "requester", "handover__taker", "traveller__user"), whoever may see its
    approval request (its approvers), the unit-wide office roles of its unit, and what the stage adds
    (`also(user, person)` -> Q or None); always within clearance (the request's level). The gate
    adds the clause for the carriers a request names, if the stage registered names_carriers."""
    paths = tuple(seen_by)

    def visible(queryset: QuerySet, user) -> QuerySet:
        person = access.person_of(user)
        if person is None or person.clearance == NO_CLEARANCE:
            return queryset.none()
        need = Q()
        for path in paths:
            need |= Q(**{f"{path}_id": user.pk})
        need |= Q(approval_id__in=access.restrict_label(APPROVAL, user).values("pk"))
        if access.is_unit_wide(user):
            need |= Q(unit_id=person.unit_id)
        extra = also(user, person) if also is not None else None
        if extra is not None:
            need |= extra
        return queryset.filter(need, level__lte=person.clearance)

    return visible


# --- the approval's outcome, handed off onto the request ---------------------------------------


def hand_off(model, *, action: str, details: Callable | None = None, before: Callable | None = None,
             on_approved: Callable | None = None) -> Callable:
    """An approvals.OUTCOME_HANDLERS entry for `model`, run inside the decision's transaction: the
    request of this approval, locked, still waiting, takes the approval's final outcome as its
    status, audited as `action` with {"approval", "status"} and `details(approval)`.
    `before(obj, approval, actor=)` runs first for any outcome (it may refuse: the decision is
    rolled back); `on_approved(obj, approval, actor=)`, if given, takes an approval instead of the
    mirror (it sets the status and audits itself)."""
    statuses = set(model.Status.values)
    missing = [o for o in OUTCOMES if o not in statuses and not (o == APPROVED and on_approved)]
    if WAITING not in statuses or missing:
        raise ImproperlyConfigured(f"{model._meta.label} has no status for {missing or [WAITING]}")

    def handler(approval, *, actor) -> None:
        outcome = approval.status
        if outcome not in OUTCOMES:
            return
        obj = model._default_manager.select_for_update(of=("self",)).filter(approval_id=approval.pk).first()
        if obj is None or obj.status != WAITING:
            return
        if before is not None:
            before(obj, approval, actor=actor)
        if outcome == APPROVED and on_approved is not None:
            on_approved(obj, approval, actor=actor)
            return
        obj.status = outcome
        obj.save(update_fields=["status"])
        audit.record(actor=actor, action=action, target=obj,
                     details={"approval": approval.pk, "status": outcome, **(details(approval) if details else {})})

    return handler


def signed_terms(model, terms_of: Callable) -> Callable:
    """An approvals.SIGNED_TERMS entry: the terms of the request of this approval (None if none)."""

    def terms(approval) -> dict | None:
        obj = model._default_manager.filter(approval_id=approval.pk).first()
        return terms_of(obj) if obj is not None else None

    return terms


# --- get visible or 404 ------------------------------------------------------------------------


def parse_pk(pk) -> int:
    """An id from a path or a body; anything that cannot be one answers 404 like a missing row."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < MAX_PK:
        raise Http404
    return pk


def get_or_404(queryset: QuerySet, pk):
    """One row of an already gated queryset, or 404 exactly as if it did not exist."""
    obj = queryset.filter(pk=parse_pk(pk)).first()
    if obj is None:
        raise Http404
    return obj


def locked_or_404(model, user, pk):
    """The row, if this user may see it (else 404), locked for the caller's transaction."""
    pk = parse_pk(pk)
    if not access.restrict(model._default_manager.filter(pk=pk), user).exists():
        raise Http404
    return model._default_manager.select_for_update(of=("self",)).get(pk=pk)


# --- history ------------------------------------------------------------------------------------


def history(obj, *, also: Q | None = None) -> QuerySet:
    """The events about a request (and `also`: its runs, handovers...) from the audit trail, in
    order. The caller has checked that the reader may see the request."""
    about = Q(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    if also is not None:
        about |= also
    return AuditEvent.objects.filter(about).select_related("signature").order_by("seq")
