"""Every write of the approvals app: submit, decide, withdraw, consume, delegate, move grants.
Each in one transaction with its audit events; notices are sent after commit."""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit import services as audit
from audit.models import Signature
from common import access, grants
from common.errors import Conflict, Refused, enforce
from personnel import roles
from personnel.models import Person

from . import policy as access_policy
from . import rules
from .models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApproverRole,
    Decision,
    Delegation,
    Notice,
    PublicationReview,
    RequestKind,
    RequestStep,
)

log = logging.getLogger(__name__)
DECIDE = access_policy.DECIDE_PERMISSION

# What happens to the target when a request is finally decided, by request kind. Stage apps add
# their own handler (kind -> function(request)) when they arrive.
OUTCOME_HANDLERS = {}

# What else an approver signs, by request kind: the stage's own terms read from its target (e.g.
# production: level, secrecy period, marking, copies, place, scope), so that the signature covers
# them (kind -> function(request) -> dict, or None when the request has no such target).
SIGNED_TERMS = {}


# --- policy resolution ------------------------------------------------------------------------


def resolve_policy(*, kind: str, variant: str, level: int) -> ApprovalPolicy:
    """The policy for kind/variant/level; a variant without its own policy falls back to the
    general one."""
    candidates = ApprovalPolicy.objects.filter(kind=kind, level=level, variant__in={variant, ""}).prefetch_related("steps")
    by_variant = {policy.variant: policy for policy in candidates}
    policy = by_variant.get(variant) or by_variant.get("")
    if policy is None or not policy.steps.all():
        raise Conflict(
            _("No approval policy covers %(kind)s at this level; ask the secrecy office to add one.")
            % {"kind": RequestKind(kind).label},
            code="no_policy",
        )
    return policy


def _cleared_posts(level: int) -> list[str]:
    return [post for post, clearance in settings.REGISTRY["CLEARANCE_BY_POST"].items() if clearance >= level]


def _role_holders(step: RequestStep):
    """Active people holding the step's role in the step's unit or department."""
    user_model = get_user_model()
    base = user_model.objects.filter(is_active=True, person__status="active")
    if step.approver_role == ApproverRole.DEPARTMENT_HEAD:
        return base.filter(groups__name=roles.DEPARTMENT_HEAD, person__department_id=step.approver_unit_id)
    if step.approver_role == ApproverRole.UNIT_HEAD:
        return base.filter(groups__name=roles.UNIT_HEAD, person__unit_id=step.approver_unit_id)
    if step.approver_role in (ApproverRole.SECURITY_ADMIN, ApproverRole.SYSTEM_ADMIN):
        # the administrators of the unit (issue 15: the four eyes on administrative changes)
        return base.filter(groups__name=step.approver_role, person__unit_id=step.approver_unit_id)
    return base.filter(groups__name=roles.SECRECY_OFFICE, person__unit_id=step.approver_unit_id)


def eligible_approvers(*, step: RequestStep, on: date | None = None):
    """Who may decide this step now: the role's holders and their acting heads (delegations in
    force), active, cleared for the request's level, never the requester. One query."""
    on = on or timezone.localdate()
    request = step.request
    holders = _role_holders(step)
    # an acting head never stands in for the requester: that would be deciding one's own request
    delegates = Delegation.objects.filter(
        delegator__in=holders.exclude(pk=request.requester_id).values("pk"), starts_on__lte=on, ends_on__gte=on,
        revoked_at__isnull=True,
    ).values("delegate_id")
    user_model = get_user_model()
    return (
        user_model.objects.filter(Q(pk__in=holders.values("pk")) | Q(pk__in=delegates))
        .filter(is_active=True, person__status="active", person__secrecy_post__in=_cleared_posts(request.level))
        .exclude(pk=request.requester_id)
        .distinct()
        .order_by("pk")
    )


# --- notices ----------------------------------------------------------------------------------


def _notify(*, recipients, kind: str, request: ApprovalRequest | None) -> None:
    recipients = list(recipients)
    Notice.objects.bulk_create(Notice(recipient=user, kind=kind, request=request) for user in recipients)
    emails = [user.email for user in recipients if user.email]
    if not emails:
        return
    label = Notice.Kind(kind)
    with override("zh-hans"):
        zh = str(label.label)
    with override("en"):
        en = str(label.label)
    subject = f"{zh} / {en}"
    # no title in the mail: titles can be sensitive; the link leads back into the registry
    where = f"{request} ({reverse('approvals:detail', args=[request.pk])})" if request else ""
    body = f"{zh}: {where}\n{en}: {where}\n"
    transaction.on_commit(lambda: _send(subject, body, emails))


def _send(subject, body, emails):
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:  # mail is a courtesy; the in-app notice is already there
        log.exception("could not send approval notice to %s", emails)


# --- steps and grants ------------------------------------------------------------------------


def _open_step(step: RequestStep, *, actor) -> None:
    approvers = list(eligible_approvers(step=step))
    if not approvers:
        raise Conflict(
            _("Nobody may decide step %(order)d (%(role)s) now: no active, cleared holder of that role.")
            % {"order": step.order, "role": step.get_approver_role_display()},
            code="no_approver",
        )
    step.status = RequestStep.Status.OPEN
    step.opened_at = timezone.now()
    step.save(update_fields=["status", "opened_at"])
    for user in approvers:
        grants.grant(user_or_group=user, perm=DECIDE, obj=step.request)
    audit.record(
        actor=actor, action="approval.step_opened", target=step.request,
        details={"step": step.order, "role": step.approver_role, "unit": step.approver_unit_id,
                 "approvers": [u.pk for u in approvers]},
    )
    _notify(recipients=approvers, kind=Notice.Kind.TO_DECIDE, request=step.request)


def _close_step(step: RequestStep, *, status: str, actor) -> None:
    step.status = status
    step.closed_at = timezone.now()
    step.save(update_fields=["status", "closed_at"])
    revoked = grants.revoke_all(perm=DECIDE, obj=step.request)
    # "waits for your decision" is no longer news once the step is closed, for any of its approvers
    Notice.objects.filter(request=step.request, kind=Notice.Kind.TO_DECIDE, read_at__isnull=True).update(
        read_at=step.closed_at
    )
    audit.record(
        actor=actor, action="approval.step_closed", target=step.request,
        details={"step": step.order, "status": status, "grants_revoked": revoked},
    )


def _cancel_waiting(request: ApprovalRequest) -> None:
    request.steps.filter(status=RequestStep.Status.WAITING).update(status=RequestStep.Status.CANCELLED)


# --- submit, decide, withdraw ------------------------------------------------------------------


def submit_request(
    *, actor, kind: str, level: int, title: str, purpose: str, variant: str = "", target=None,
    approved_quantity: int | None = None, valid_until: date | None = None, authority_unit=None,
) -> ApprovalRequest:
    """Submit a request for approval: resolve the policy, lay out its steps, open the first.

    `authority_unit`: the unit whose unit head and secrecy office decide those steps instead of
    the requester's own unit (e.g. R4: a copy is approved by the issuing authority, the source's
    originating unit). The department-head step stays with the requester's own department."""
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    enforce([rules.requester_cleared(clearance=person.clearance, level=level)])
    policy = resolve_policy(kind=kind, variant=variant, level=level)
    with transaction.atomic():
        request = ApprovalRequest.objects.create(
            kind=kind, variant=variant, requester=actor, unit=person.unit, department=person.department,
            level=level, title=title, purpose=purpose, status=ApprovalRequest.Status.SUBMITTED,
            approved_quantity=approved_quantity, valid_until=valid_until, submitted_at=timezone.now(),
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=target.pk if target is not None else None,
        )
        steps = RequestStep.objects.bulk_create(
            RequestStep(
                request=request, order=ps.order, approver_role=ps.approver_role,
                approver_unit=(person.department or person.unit)
                if ps.approver_role == ApproverRole.DEPARTMENT_HEAD else (authority_unit or person.unit),
            )
            for ps in policy.steps.all()
        )
        audit.record(
            actor=actor, action="approval.submitted", target=request,
            details={"kind": kind, "variant": variant, "level": level, "title": title, "purpose": purpose,
                     "policy": policy.pk, "steps": [s.approver_role for s in steps],
                     "target": f"{request.target_type_id}:{request.target_id}" if target is not None else None,
                     "approved_quantity": approved_quantity, "valid_until": valid_until,
                     **({"authority_unit": authority_unit.pk} if authority_unit is not None else {})},
        )
        _open_step(steps[0], actor=actor)
    return request


def _acting_for(actor, step: RequestStep):
    """The head this actor stands in for, when they decide as an acting head."""
    if _role_holders(step).filter(pk=actor.pk).exists():
        return None
    today = timezone.localdate()
    delegation = (
        Delegation.objects.filter(
            delegate=actor, delegator__in=_role_holders(step).values("pk"), starts_on__lte=today,
            ends_on__gte=today, revoked_at__isnull=True,
        ).order_by("-starts_on").first()
    )
    return delegation.delegator if delegation else None


def decide(
    *, actor, request_id: int, outcome: str, password: str, reason: str = "",
    approved_quantity: int | None = None, valid_until: date | None = None,
) -> ApprovalRequest:
    """Approve or reject the open step, signed with the approver's password. Users who may not
    decide this request get 404, as if it did not exist."""
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise Http404
        if not access_policy.may_decide(actor, request):
            _refuse_without_grant(actor, request)
        # read the approver's standing now, not as cached on the session's user object
        person = Person.objects.filter(user_id=actor.pk).first()
        enforce(
            [
                rules.request_open(status=request.status),
                rules.not_own_request(approver_id=actor.pk, requester_id=request.requester_id),
                rules.approver_active(is_active=person is not None and person.status == "active"),
                rules.clearance_reaches(clearance=person.clearance if person else 0, level=request.level),
                rules.rejection_has_reason(outcome=outcome, reason=reason),
                rules.valid_until_ahead(valid_until=valid_until, today=timezone.localdate()),
            ]
        )
        step = request.steps.select_for_update().get(status=RequestStep.Status.OPEN)
        if not eligible_approvers(step=step).filter(pk=actor.pk).exists():
            raise Refused(_("You are no longer among those who may decide this step."), code="not_eligible")
        credential = audit.reauthenticate(signer=actor, password=password)
        if approved_quantity is not None:
            # each step may lower the quantity asked for, never raise it
            enforce([rules.quantity_within_approval(requested=approved_quantity, approved=request.approved_quantity)])
        final = outcome == Decision.Outcome.REJECT or not request.steps.filter(status=RequestStep.Status.WAITING).exists()
        content = {
            "request": request.pk, "kind": request.kind, "variant": request.variant, "level": request.level,
            "title": request.title, "step": step.order, "outcome": outcome, "reason": reason,
            "approved_quantity": approved_quantity if approved_quantity is not None else request.approved_quantity,
            "valid_until": valid_until or request.valid_until,
        }
        terms = SIGNED_TERMS[request.kind](request) if request.kind in SIGNED_TERMS else None
        if terms is not None:
            content["terms"] = terms
        signature = audit.sign(
            signer=actor, credential=credential,
            meaning=Signature.Meaning.APPROVED if outcome == Decision.Outcome.APPROVE else Signature.Meaning.REJECTED,
            target=request, content=content,
        )
        acting_for = _acting_for(actor, step)
        Decision.objects.create(
            request=request, step=step, approver=actor, acting_for=acting_for, outcome=outcome,
            reason=reason, signature=signature, decided_at=signature.signed_at,
        )
        audit.record(
            actor=actor, action="approval.decided", target=request,
            details={**content, "signature": signature.pk, "acting_for": acting_for and acting_for.pk},
        )
        _close_step(
            step, status=RequestStep.Status.APPROVED if outcome == Decision.Outcome.APPROVE else RequestStep.Status.REJECTED,
            actor=actor,
        )
        if outcome == Decision.Outcome.APPROVE:
            # limits signed at any step hold for the rest of the request and the stage using it
            if approved_quantity is not None:
                request.approved_quantity = approved_quantity
            if valid_until is not None:
                request.valid_until = valid_until
        if outcome == Decision.Outcome.REJECT:
            _cancel_waiting(request)
            _finish(request, status=ApprovalRequest.Status.REJECTED, actor=actor)
        elif final:
            _finish(request, status=ApprovalRequest.Status.APPROVED, actor=actor)
        else:
            request.status = ApprovalRequest.Status.IN_REVIEW
            request.save(update_fields=["status", "approved_quantity", "valid_until"])
            _open_step(request.steps.filter(status=RequestStep.Status.WAITING).order_by("order").first(), actor=actor)
    return request


def _refuse_without_grant(actor, request: ApprovalRequest):
    """No grant: the requester hears why, an approver who already decided hears it is closed,
    and everyone else gets 404 exactly as for a request that does not exist."""
    if access.can(actor, access.VIEW, request):
        if actor.pk == request.requester_id:
            enforce([rules.not_own_request(approver_id=actor.pk, requester_id=request.requester_id)])
        if request.decisions.filter(approver=actor).exists():
            enforce([rules.request_open(status=request.status)])
            raise Conflict(_("You have already decided this request."), code="already_decided")
    raise Http404


def _finish(request: ApprovalRequest, *, status: str, actor) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at", "approved_quantity", "valid_until"])
    audit.record(actor=actor, action=f"approval.{status}", target=request,
                 details={"approved_quantity": request.approved_quantity, "valid_until": request.valid_until})
    handler = OUTCOME_HANDLERS.get(request.kind)
    if handler is not None:
        handler(request, actor=actor)
    _notify(
        recipients=[request.requester],
        kind=Notice.Kind.APPROVED if status == ApprovalRequest.Status.APPROVED else Notice.Kind.REJECTED,
        request=request,
    )


def withdraw(*, actor, request_id: int) -> ApprovalRequest:
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().filter(pk=request_id, requester=actor).first()
        if request is None:
            raise Http404
        enforce([rules.can_withdraw(actor_id=actor.pk, requester_id=request.requester_id, status=request.status)])
        step = request.steps.filter(status=RequestStep.Status.OPEN).first()
        if step is not None:
            _close_step(step, status=RequestStep.Status.CANCELLED, actor=actor)
        _cancel_waiting(request)
        request.status = ApprovalRequest.Status.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        audit.record(actor=actor, action="approval.withdrawn", target=request, details={})
        handler = OUTCOME_HANDLERS.get(request.kind)
        if handler is not None:
            handler(request, actor=actor)
    return request


def expire_overdue(*, today: date | None = None) -> int:
    """Open requests whose validity ran out before anyone decided become expired (scheduled)."""
    today = today or timezone.localdate()
    count = 0
    for request_id in ApprovalRequest.objects.filter(
        status__in=[ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW], valid_until__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
            if not request.is_open:
                continue
            step = request.steps.filter(status=RequestStep.Status.OPEN).first()
            if step is not None:
                _close_step(step, status=RequestStep.Status.CANCELLED, actor=None)
            _cancel_waiting(request)
            request.status = ApprovalRequest.Status.EXPIRED
            request.save(update_fields=["status"])
            audit.record(actor=None, action="approval.expired", target=request, details={"valid_until": request.valid_until})
            handler = OUTCOME_HANDLERS.get(request.kind)
            if handler is not None:
                handler(request, actor=None)
            count += 1
    return count


def consume(*, actor, request: ApprovalRequest, quantity: int = 1, today: date | None = None) -> ApprovalRequest:
    """A stage uses its approval, once, within its limits. Two callers at once: one wins, the
    other gets 409."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        enforce(
            [
                rules.approval_usable(status=locked.status, consumed=locked.consumed_at is not None,
                                      valid_until=locked.valid_until, today=today),
                rules.quantity_within_approval(requested=quantity, approved=locked.approved_quantity),
            ]
        )
        locked.consumed_at = timezone.now()
        locked.save(update_fields=["consumed_at"])
        audit.record(actor=actor, action="approval.consumed", target=locked, details={"quantity": quantity})
    return locked


# --- acting heads and departures ---------------------------------------------------------------


def delegate(*, actor, delegator, delegate_user, starts_on: date, ends_on: date, reason: str) -> Delegation:
    """Name an acting head for a period (by the head themselves or the secrecy office). The
    acting head also receives the grants of the head's open steps."""
    if not access_policy.may_delegate(actor, delegator):
        raise Refused(_("Only the head or the secrecy office can name an acting head."))
    head_person, delegate_person = access.person_of(delegator), access.person_of(delegate_user)
    today = timezone.localdate()
    enforce(
        rules.delegation_valid(
            delegator_is_head=access.has_role(delegator, roles.DEPARTMENT_HEAD, roles.UNIT_HEAD),
            delegate_active=delegate_person is not None and delegate_person.status == "active",
            same_unit=bool(head_person and delegate_person and head_person.unit_id == delegate_person.unit_id),
            starts_on=starts_on, ends_on=ends_on, today=today, same_person=delegator.pk == delegate_user.pk,
        )
    )
    with transaction.atomic():
        delegation = Delegation.objects.create(
            delegator=delegator, delegate=delegate_user, starts_on=starts_on, ends_on=ends_on, reason=reason,
            created_by=actor,
        )
        audit.record(
            actor=actor, action="approval.delegated", target=delegation,
            details={"delegator": delegator.pk, "delegate": delegate_user.pk, "starts_on": starts_on,
                     "ends_on": ends_on, "reason": reason},
        )
        if starts_on <= today:
            sync_open_grants(actor=actor, on=today)
        _notify(recipients=[delegate_user], kind=Notice.Kind.DELEGATED, request=None)
    return delegation


def sync_open_grants(*, actor=None, on: date | None = None) -> dict:
    """Make every open step's grants match who may decide it today: acting heads whose period
    began get the grant, those whose period ended (or who left) lose it. A step left with nobody
    is reported to the secrecy office of its unit. Run daily and after delegations/departures."""
    from .models import ApprovalRequestUserObjectPermission

    on = on or timezone.localdate()
    added = removed = orphaned = 0
    steps = RequestStep.objects.filter(status=RequestStep.Status.OPEN).select_related("request")
    for step in steps:
        request = step.request
        eligible = set(eligible_approvers(step=step, on=on).values_list("pk", flat=True))
        holding = set(
            ApprovalRequestUserObjectPermission.objects.filter(
                content_object=request, permission__codename="decide_approvalrequest"
            ).values_list("user_id", flat=True)
        )
        user_model = get_user_model()
        with transaction.atomic():
            if eligible != holding:
                for user in user_model.objects.filter(pk__in=eligible - holding):
                    grants.grant(user_or_group=user, perm=DECIDE, obj=request)
                    added += 1
                for user in user_model.objects.filter(pk__in=holding - eligible):
                    grants.revoke(user_or_group=user, perm=DECIDE, obj=request)
                    removed += 1
                audit.record(
                    actor=actor, action="approval.grants_synced", target=request,
                    details={"step": step.order, "added": sorted(eligible - holding), "removed": sorted(holding - eligible)},
                )
            already_told = Notice.objects.filter(kind=Notice.Kind.NO_APPROVER, request=request).exists()
            if not eligible and not already_told:
                orphaned += 1
                offices = user_model.objects.filter(
                    groups__name=roles.SECRECY_OFFICE, person__unit_id=request.unit_id, person__status="active"
                )
                audit.record(actor=actor, action="approval.orphaned", target=request, details={"step": step.order})
                _notify(recipients=offices, kind=Notice.Kind.NO_APPROVER, request=request)
    return {"added": added, "removed": removed, "orphaned": orphaned}


def transfer_grants(*, actor, departed, replacement) -> list[int]:
    """A departed person's open grants move to their replacement (where the replacement may
    decide: cleared, active, not the requester). Returns the request ids moved."""
    from .models import ApprovalRequestUserObjectPermission

    moved = []
    rows = ApprovalRequestUserObjectPermission.objects.filter(
        user=departed, permission__codename="decide_approvalrequest"
    ).select_related("content_object")
    with transaction.atomic():
        for row in rows:
            request = row.content_object
            grants.revoke(user_or_group=departed, perm=DECIDE, obj=request)
            rep_person = Person.objects.filter(user_id=replacement.pk).first() if replacement else None
            ok = (
                rep_person is not None and rep_person.status == "active"
                and rep_person.clearance >= request.level and replacement.pk != request.requester_id
            )
            if ok:
                grants.grant(user_or_group=replacement, perm=DECIDE, obj=request)
                moved.append(request.pk)
            audit.record(
                actor=actor, action="approval.grant_moved", target=request,
                details={"from": departed.pk, "to": replacement.pk if ok else None},
            )
    return moved


# --- publication review (R9) -------------------------------------------------------------------


def submit_publication_review(
    *, actor, title: str, material_kind: str, outlet_type: str, outlet_name: str, summary: str, related_level: int,
) -> PublicationReview:
    """Submit material for confidentiality review before release; an overseas outlet takes the
    stricter policy."""
    with transaction.atomic():
        review = PublicationReview.objects.create(
            title=title, material_kind=material_kind, outlet_type=outlet_type, outlet_name=outlet_name,
            summary=summary, related_level=related_level, author=actor,
        )
        audit.record(
            actor=actor, action="publication.submitted", target=review,
            details={"title": title, "material_kind": material_kind, "outlet_type": outlet_type,
                     "outlet_name": outlet_name, "related_level": related_level},
        )
        submit_request(
            actor=actor, kind=RequestKind.PUBLICATION_REVIEW,
            variant="overseas" if outlet_type == PublicationReview.Outlet.OVERSEAS else "",
            level=related_level, title=title, purpose=_("Release to %(outlet)s") % {"outlet": outlet_name},
            target=review,
        )
    return review


def _publication_outcome(request: ApprovalRequest, *, actor) -> None:
    status = {
        ApprovalRequest.Status.APPROVED: PublicationReview.Status.APPROVED,
        ApprovalRequest.Status.REJECTED: PublicationReview.Status.REJECTED,
        ApprovalRequest.Status.WITHDRAWN: PublicationReview.Status.WITHDRAWN,
        ApprovalRequest.Status.EXPIRED: PublicationReview.Status.EXPIRED,
    }.get(request.status)
    if status is not None:
        PublicationReview.objects.filter(pk=request.target_id).update(status=status)


OUTCOME_HANDLERS[RequestKind.PUBLICATION_REVIEW] = _publication_outcome


def record_release(*, actor, review_id: int, note: str = "") -> PublicationReview:
    """Record that approved material was released; only its author or the secrecy office."""
    with transaction.atomic():
        review = PublicationReview.objects.select_for_update().filter(pk=review_id).first()
        if review is None or not access.can(actor, access.VIEW, review):
            raise Http404
        if not access_policy.may_record_release(actor, review):
            raise Refused(_("Only the author or the secrecy office records the release."))
        enforce([rules.release_allowed(status=review.status)])
        review.status = PublicationReview.Status.RELEASED
        review.released_at = timezone.now()
        review.release_note = note
        review.save(update_fields=["status", "released_at", "release_note"])
        audit.record(actor=actor, action="publication.released", target=review, details={"note": note})
    return review


# --- policies (data, edited by the secrecy office) ------------------------------------------------


def _policy_change_approved(approval) -> None:
    """Issue 15 (four eyes): an approval policy changes only by an administrators' request that a
    second security administrator approved (administration.services); `approval` is that request's
    approval, approved. Anyone else, the secrecy office included, is refused (409)."""
    if approval is None or approval.kind != RequestKind.ADMINISTRATION or approval.status != ApprovalRequest.Status.APPROVED:
        raise Conflict(
            _("Approval policies change only by a security administrator's request that a second security "
              "administrator approves (Administration)."),
            code="approval_required",
        )


def save_policy(*, actor, kind: str, variant: str, level: int, steps: list[str], description: str = "",
                approval=None) -> ApprovalPolicy:
    """Create or replace the policy for kind/variant/level, as an approved administrators' request
    decided (`approval`). Requests already submitted keep the steps they were laid out with."""
    from .models import PolicyStep

    if approval is None and not access.can(actor, access_policy.MANAGE_POLICIES):
        raise Refused(_("Only the secrecy office edits approval policies."))
    enforce([rules.policy_steps_valid(steps=steps)])
    _policy_change_approved(approval)
    with transaction.atomic():
        policy, created = ApprovalPolicy.objects.select_for_update().get_or_create(
            kind=kind, variant=variant, level=level, defaults={"description": description}
        )
        before = list(policy.steps.order_by("order").values_list("approver_role", flat=True))
        policy.description = description
        policy.save(update_fields=["description", "updated_at"])
        policy.steps.all().delete()
        PolicyStep.objects.bulk_create(
            PolicyStep(policy=policy, order=i, approver_role=role) for i, role in enumerate(steps, start=1)
        )
        audit.record(
            actor=actor, action="approval.policy_saved", target=policy,
            details={"kind": kind, "variant": variant, "level": level, "before": before, "after": steps,
                     "created": created, "description": description, "approval": approval.pk},
        )
    return policy


def delete_policy(*, actor, policy_id: int, approval=None) -> None:
    if approval is None and not access.can(actor, access_policy.MANAGE_POLICIES):
        raise Refused(_("Only the secrecy office edits approval policies."))
    _policy_change_approved(approval)
    with transaction.atomic():
        policy = ApprovalPolicy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise Http404
        steps = list(policy.steps.order_by("order").values_list("approver_role", flat=True))
        audit.record(actor=actor, action="approval.policy_deleted", target=policy,
                     details={"kind": policy.kind, "variant": policy.variant, "level": policy.level, "steps": steps,
                              "approval": approval.pk})
        policy.delete()


def mark_notices_read(*, actor) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
