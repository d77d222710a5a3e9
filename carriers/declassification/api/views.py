from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission

from .. import selectors, services
from ..models import DeclassificationReview, Outcome
from .serializers import (
    ConditionMetCreateSerializer,
    ConditionMetSerializer,
    DeclassificationReviewCreateSerializer,
    DeclassificationReviewSerializer,
    QueueCarrierSerializer,
)


class DeclassificationReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Secrecy-period reviews. POST proposes to extend, downgrade or declassify a carrier of the
    caller's unit (its originating unit); the proposal goes to approval (kind declassification) and
    is applied to the carrier when approved. `queue`: carriers whose period ends within the window
    or has ended, and those whose declassification condition is met. `condition-met`: record that a
    carrier's declassification condition is met (a review is then due). Reviews a caller may not
    see answer 404. Send Idempotency-Key to retry safely."""

    serializer_class = DeclassificationReviewSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        params = self.request.query_params if self.action == "list" else {}
        refuse_blank(params, "status", "outcome", "carrier")
        wanted, outcome, carrier = params.get("status", ""), params.get("outcome", ""), params.get("carrier", "")
        if wanted and wanted not in DeclassificationReview.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        if outcome and outcome not in Outcome.values:
            raise ValidationError({"outcome": [_("Unknown outcome.")]})
        if carrier and not (carrier.isdigit() and 0 < int(carrier) < 2**63):
            raise ValidationError({"carrier": [_("Give a carrier id.")]})
        return selectors.review_list(user=self.request.user, status=wanted, outcome=outcome,
                                     carrier=int(carrier) if carrier else None)

    def get_object(self):
        return selectors.review_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=DeclassificationReview.Status.values),
                               OpenApiParameter("outcome", str, enum=Outcome.values),
                               OpenApiParameter("carrier", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DeclassificationReviewCreateSerializer, responses={201: DeclassificationReviewSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = DeclassificationReviewCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        review = services.propose_review(actor=request.user, **serializer.validated_data)
        review = selectors.review_get(user=request.user, pk=review.pk)
        return Response(DeclassificationReviewSerializer(review, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ConditionMetCreateSerializer, responses={201: ConditionMetSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=False, methods=["post"], url_path="condition-met")
    def condition_met(self, request):
        """Record that a carrier's declassification condition is met: its originating unit must
        now review it."""
        serializer = ConditionMetCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        record = services.record_condition_met(actor=request.user, **serializer.validated_data)
        record = selectors.visible_conditions(user=request.user).filter(pk=record.pk).first() or record
        return Response(ConditionMetSerializer(record, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=QueueCarrierSerializer(many=True))
    @action(detail=False, methods=["get"])
    def queue(self, request):
        """Carriers of the caller's unit due for review (period ending within the window or ended,
        or condition met), oldest end first."""
        rows = selectors.review_queue(user=request.user, today=timezone.localdate())
        page = self.paginate_queryset(rows)
        data = QueueCarrierSerializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
