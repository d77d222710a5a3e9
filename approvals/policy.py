"""Access policy of the approvals app, registered with the gate in ApprovalsConfig.ready(): who
sees approval requests and what hangs off them (steps, decisions, notices), policies, delegations
and publication reviews; and who may decide, edit policies, name an acting head, record a release.

Carriers: an approval request names its target (a stage's request), not carriers, though its
title may carry a registry number (e.g. "Keep U-2026-000001 on loan until ..."). It is therefore
kept within the reader's clearance by its own level, which the stage sets to the highest level of
what it concerns, and within need-to-know by who it is for: the requester, its approvers (the
decide grant, or a decision already made: the approval is their need-to-know, so they see it even
when the carrier is not otherwise theirs to open) and the unit-wide office roles of its unit. No
`names_carriers`: the link from a request to carriers is the stage's, and each stage's request
inherits its carriers' clearance through its own policy.

A notice ("a request waits for your decision") is the recipient's alone and shows only while its
request is visible to them: its text is the request's kind and number, so a notice never says
more than the request it points at.

A policy function is called only for a registered, active person (the gate answers nothing
otherwise), so `access.person_of(user)` is never None here."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from common import access, grants
from common.levels import NO_CLEARANCE
from personnel import roles

from .models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalRequestGroupObjectPermission,
    ApprovalRequestUserObjectPermission,
    Decision,
    Delegation,
    Notice,
    PolicyStep,
    PublicationReview,
    RequestStep,
)

# actions (access.can(user, ACTION, obj))
MANAGE_POLICIES = "manage_policies"
DECIDE = "decide_approval"
DELEGATE = "name_acting_head"
RECORD_RELEASE = "record_publication_release"

# the guardian permission of the decide grant (common.grants)
DECIDE_PERMISSION = "approvals.decide_approvalrequest"

# --- visibility --------------------------------------------------------------------------------


def visible_approval_requests(queryset: QuerySet, user) -> QuerySet:
    """The requester, those who may decide it now (the decide grant) or did decide it, and the
    unit-wide office roles of its unit; always within clearance (the request's level)."""
    person = access.person_of(user)
    if person.clearance == NO_CLEARANCE:
        return queryset.none()
    request = OuterRef("pk")
    need = Q(requester_id=user.pk)
    need |= Exists(
        ApprovalRequestUserObjectPermission.objects.filter(
            content_object_id=request, user_id=user.pk, permission__codename="decide_approvalrequest"
        )
    )
    need |= Exists(Decision.objects.filter(request_id=request, approver_id=user.pk))
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_request_ids(user) -> QuerySet:
    return visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk")


def visible_request_parts(queryset: QuerySet, user) -> QuerySet:
    """Steps and decisions: seen with their request."""
    return queryset.filter(request_id__in=_visible_request_ids(user))


def visible_notices(queryset: QuerySet, user) -> QuerySet:
    """The recipient's own notices, each only while its request is visible to them."""
    return queryset.filter(recipient_id=user.pk).filter(
        Q(request_id__isnull=True) | Q(request_id__in=_visible_request_ids(user))
    )


def visible_publication_reviews(queryset: QuerySet, user) -> QuerySet:
    """R9: the author, and whoever may see its approval request."""
    content_type = ContentType.objects.get_for_model(PublicationReview)
    requests = visible_approval_requests(
        ApprovalRequest.objects.filter(target_type=content_type, target_id=OuterRef("pk")), user
    )
    return queryset.filter(Q(author_id=user.pk) | Exists(requests))


def everyone_registered(queryset: QuerySet, user) -> QuerySet:
    """Approval policies and their steps: data that every registered person may read (who
    approves what), edited by the secrecy office."""
    return queryset


def visible_delegations(queryset: QuerySet, user) -> QuerySet:
    """Acting heads: the head and the acting head; the secrecy office sees those of its unit."""
    mine = Q(delegator_id=user.pk) | Q(delegate_id=user.pk)
    if access.has_role(user, roles.SECRECY_OFFICE):
        mine |= Q(delegator__person__unit_id=access.person_of(user).unit_id)
    return queryset.filter(mine)


def nobody(queryset: QuerySet, user) -> QuerySet:
    """The decide grant's rows are plumbing of the grant helper (common.grants): read by the queue
    and the request's visibility above, never listed."""
    return queryset.none()


# --- actions ------------------------------------------------------------------------------------


def may_manage_policies(user, obj=None) -> bool:
    return access.has_role(user, roles.SECRECY_OFFICE)


def may_decide(user, request: ApprovalRequest | None = None) -> bool:
    """Holds the decide grant of the request's open step (given to its eligible approvers when the
    step opens, revoked when it closes). The service checks the rest (own request, clearance,
    still eligible) with the reason why not."""
    if request is None:
        return access.person_of(user) is not None
    return request.is_open and grants.has_grant(user=user, perm=DECIDE_PERMISSION, obj=request)


def may_delegate(user, delegator=None) -> bool:
    """A head names their own acting head; the secrecy office names one for any head."""
    return (delegator is not None and user.pk == delegator.pk) or access.has_role(user, roles.SECRECY_OFFICE)


def may_record_release(user, review: PublicationReview | None = None) -> bool:
    """The author of the reviewed material, or the secrecy office."""
    if access.has_role(user, roles.SECRECY_OFFICE):
        return True
    return review is not None and user.pk == review.author_id


def register() -> None:
    access.register(ApprovalRequest, visible_approval_requests)
    access.register(RequestStep, visible_request_parts)
    access.register(Decision, visible_request_parts)
    access.register(Notice, visible_notices)
    access.register(PublicationReview, visible_publication_reviews)
    access.register(ApprovalPolicy, everyone_registered)
    access.register(PolicyStep, everyone_registered)
    access.register(Delegation, visible_delegations)
    access.register(ApprovalRequestUserObjectPermission, nobody)
    access.register(ApprovalRequestGroupObjectPermission, nobody)
    access.register_action(MANAGE_POLICIES, may_manage_policies)
    access.register_action(DECIDE, may_decide)
    access.register_action(DELEGATE, may_delegate)
    access.register_action(RECORD_RELEASE, may_record_release)
