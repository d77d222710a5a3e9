from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.api import viewsets
from common.api.permissions import GateFilterBackend, GatePermission

from .. import selectors, services
from ..models import ApprovalPolicy, Decision, PublicationReview
from ..policy import MANAGE_POLICIES
from .serializers import (
    ApprovalPolicySerializer,
    ApprovalRequestSerializer,
    DecideSerializer,
    DelegationSerializer,
    EmptySerializer,
    PublicationReviewSerializer,
    PublicationSubmitSerializer,
    RejectSerializer,
    ReleaseSerializer,
)

BOXES = {"to_decide", "requested", "all"}


class ApprovalRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Approval requests: `?box=to_decide` (mine to decide), `?box=requested` (mine requested),
    or all I may see. Deciding needs the decide grant for the open step; others get 404."""

    serializer_class = ApprovalRequestSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        user = self.request.user
        box = self.request.query_params.get("box", "all")
        if box not in BOXES:
            raise ValidationError({"box": [_("Choose one of: to_decide, requested, all.")]})
        if box == "to_decide":
            qs = selectors.queue(user=user)
        elif box == "requested":
            qs = selectors.requested_by(user=user)
        else:
            qs = selectors.visible_requests(user=user)
        return qs.prefetch_related("steps", "decisions__signature", "decisions__step").order_by("-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self.request, "user", None) and self.request.user.is_authenticated:
            context["decidable_ids"] = set(selectors.queue(user=self.request.user).values_list("pk", flat=True))
        return context

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=sorted(BOXES))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _decide(self, request, pk, outcome, serializer_class):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decide(actor=request.user, request_id=int(pk), outcome=outcome, **serializer.validated_data)
        approval = selectors.request_get(user=request.user, pk=pk)
        return Response(self.get_serializer(approval).data)

    @extend_schema(request=DecideSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, pk, Decision.Outcome.APPROVE, DecideSerializer)

    @extend_schema(request=RejectSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, Decision.Outcome.REJECT, RejectSerializer)

    @extend_schema(request=EmptySerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        EmptySerializer(data=request.data or {}).is_valid(raise_exception=True)
        services.withdraw(actor=request.user, request_id=int(pk))
        return Response(self.get_serializer(selectors.request_get(user=request.user, pk=pk)).data)


class ApprovalPolicyViewSet(viewsets.ModelViewSet):
    """Who approves what: readable by everyone registered, edited by the secrecy office."""

    serializer_class = ApprovalPolicySerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = ApprovalPolicy.objects.prefetch_related("steps").order_by("kind", "variant", "level")
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    gate_actions = {"create": MANAGE_POLICIES, "update": MANAGE_POLICIES, "destroy": MANAGE_POLICIES}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = services.save_policy(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        policy = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if (data["kind"], data["variant"], data["level"]) != (policy.kind, policy.variant, policy.level):
            raise ValidationError({"kind": [_("Kind, variant and level identify a policy; create a new one instead.")]})
        policy = services.save_policy(actor=request.user, **data)
        return Response(self.get_serializer(policy).data)

    def destroy(self, request, *args, **kwargs):
        policy = self.get_object()
        services.delete_policy(actor=request.user, policy_id=policy.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicationReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R9: material submitted for confidentiality review before release."""

    serializer_class = PublicationReviewSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = PublicationReview.objects.select_related("author").order_by("-pk")
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=PublicationSubmitSerializer, responses={201: PublicationReviewSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PublicationSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.submit_publication_review(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReleaseSerializer, responses=PublicationReviewSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        serializer = ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.record_release(actor=request.user, review_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(review).data)


class DelegationViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Acting heads: a head (or the secrecy office) names someone to decide in their place for a
    period; listed for the people involved and the secrecy office."""

    serializer_class = DelegationSerializer
    permission_classes = [GatePermission]

    def get_queryset(self):
        return selectors.delegations(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delegation = services.delegate(
            actor=request.user, delegator=data["delegator"], delegate_user=data["delegate"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], reason=data["reason"],
        )
        return Response(self.get_serializer(delegation).data, status=status.HTTP_201_CREATED)
