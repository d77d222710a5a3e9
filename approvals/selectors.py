"""Reads of the approvals app, each starting from the access gate."""

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404

from common import access

from .models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalRequestUserObjectPermission,
    Decision,
    Delegation,
    Notice,
    PublicationReview,
    RequestStep,
)

_RELATED = ("requester__person", "unit", "department", "target_type")


def visible_requests(*, user):
    return access.restrict(ApprovalRequest.objects.select_related(*_RELATED), user)


def queue(*, user):
    """Exactly the open requests this user may decide now: those they hold the grant for
    (computed in SQL), within clearance."""
    grant = ApprovalRequestUserObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), user_id=user.pk, permission__codename="decide_approvalrequest"
    )
    return (
        visible_requests(user=user)
        .filter(Exists(grant), status__in=[ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW])
        .order_by("submitted_at", "pk")
    )


def requested_by(*, user):
    return visible_requests(user=user).filter(requester_id=user.pk)


def request_get(*, user, pk) -> ApprovalRequest:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    request = (
        visible_requests(user=user)
        .prefetch_related(
            Prefetch("steps", queryset=RequestStep.objects.select_related("approver_unit").order_by("order")),
            Prefetch("decisions", queryset=Decision.objects.select_related("approver__person", "acting_for__person", "signature", "step")),
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def request_history(*, request: ApprovalRequest):
    from audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(target_type="approvals.approvalrequest", target_id=str(request.pk))
        .select_related("signature")
        .order_by("seq")
    )


def policies(*, user):
    return access.restrict(ApprovalPolicy.objects.prefetch_related("steps"), user)


def visible_reviews(*, user):
    return access.restrict(PublicationReview.objects.select_related("author__person"), user)


def review_get(*, user, pk) -> PublicationReview:
    review = visible_reviews(user=user).filter(pk=pk).first()
    if review is None:
        raise Http404
    return review


def review_request(*, review: PublicationReview):
    from django.contrib.contenttypes.models import ContentType

    return (
        ApprovalRequest.objects.filter(target_type=ContentType.objects.get_for_model(review), target_id=review.pk)
        .order_by("-pk")
        .first()
    )


def unread_notices(*, user):
    """The user's unread notices about requests they may (still) see."""
    return access.restrict(Notice.objects.filter(read_at__isnull=True), user)


def delegations(*, user):
    """Delegations a user gave or received; the secrecy office sees those of its unit."""
    return access.restrict(Delegation.objects.all(), user).order_by("-starts_on", "-pk")
