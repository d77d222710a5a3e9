"""Holdings reviews and spot checks over REST (issue 19, items 3 and 4), for the systems a secrecy
office already runs (an RFID cabinet, a portal where holders answer): the same services and the
same gate as the pages. Reads: the office sees its unit's reviews and checks (and only those whose
every carrier it may open); a holder sees the review lines they answer for. Writes: the office
opens and closes reviews and draws, scans and closes spot checks; the holder answers their line."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.permissions import GatePermission

from .. import selectors, services
from ..models import ReviewLine
from .serializers import (
    HoldingsReviewSerializer,
    ReviewAnswerSerializer,
    ReviewLineSerializer,
    ReviewOpenSerializer,
    SpotCheckDetailSerializer,
    SpotCheckDrawSerializer,
    SpotCheckLineSerializer,
    SpotCheckScanSerializer,
    SpotCheckSerializer,
)

LOOKUP = r"[0-9]{1,18}"
MAX_ID = 2**63 - 1


class HoldingsReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Holdings reviews (清理清退): the secrecy office opens one (POST) and every holder in the unit
    is asked to confirm each carrier they hold (see `review-lines`); closing it records the answers."""

    serializer_class = HoldingsReviewSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.reviews_with_counts(user=self.request.user)

    def _answer(self, review, code):
        return Response(self.get_serializer(selectors.reviews_with_counts(user=self.request.user).get(pk=review.pk)).data, status=code)

    @extend_schema(request=ReviewOpenSerializer, responses={201: HoldingsReviewSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = ReviewOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.open_review(actor=request.user, **serializer.validated_data)
        return self._answer(review, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=HoldingsReviewSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        review = services.close_review(actor=request.user, review_id=int(pk))
        return self._answer(review, status.HTTP_200_OK)


# true/false as an enum: a value that is neither is refused with 400 (django-filter's BooleanFilter
# would read "null" or "maybe" as no filter)
YES_NO = [("true", _("Yes")), ("false", _("No"))]


class ReviewLineFilter(django_filters.FilterSet):
    review = django_filters.NumberFilter(field_name="review_id", label=_("Review (id)"), min_value=1,
                                         max_value=MAX_ID)
    mine = django_filters.ChoiceFilter(choices=YES_NO, method="filter_yes_no", label=_("Only the lines I answer for"))
    answered = django_filters.ChoiceFilter(choices=YES_NO, method="filter_yes_no", label=_("Answered"))
    open = django_filters.ChoiceFilter(choices=YES_NO, method="filter_yes_no", label=_("Of an open review"))

    class Meta:
        model = ReviewLine
        fields = ["review", "mine", "answered", "open"]

    def filter_yes_no(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        clause = {
            "mine": Q(holder_id=getattr(getattr(self.request, "user", None), "pk", None)),
            "answered": Q(answered_at__isnull=False),
            "open": Q(review__closed_at__isnull=True),
        }[name]
        return queryset.filter(clause) if value == "true" else queryset.exclude(clause)


class ReviewLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The lines of holdings reviews: a holder sees and answers their own (`answer`); the office of
    the unit sees every line of its reviews, each with a carrier it may open."""

    serializer_class = ReviewLineSerializer
    permission_classes = [GatePermission]
    filterset_class = ReviewLineFilter
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_review_lines(user=self.request.user)

    @extend_schema(request=ReviewAnswerSerializer, responses=ReviewLineSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        serializer = ReviewAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.answer_line(actor=request.user, line_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=line.pk)).data)


class SpotCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spot checks (抽查): the secrecy office draws a random sample by level (POST), finds each
    carrier by scanning its label (`scan`) and closes the check with what was not found (`close`)."""

    serializer_class = SpotCheckSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.spot_checks_with_counts(user=self.request.user)

    def _detail(self, check_id, code=status.HTTP_200_OK):
        check = selectors.spot_checks_with_counts(user=self.request.user).get(pk=check_id)
        lines = selectors.spot_lines(user=self.request.user, check=check)
        return Response(SpotCheckDetailSerializer(check, context={"lines": lines}).data, status=code)

    @extend_schema(responses=SpotCheckDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._detail(self.get_object().pk)

    @extend_schema(request=SpotCheckDrawSerializer, responses={201: SpotCheckDetailSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = SpotCheckDrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.draw_spot_check(actor=request.user, strata=serializer.strata())
        return self._detail(check.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SpotCheckScanSerializer, responses=SpotCheckLineSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def scan(self, request, pk=None):
        serializer = SpotCheckScanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.scan(actor=request.user, check_id=int(pk), **serializer.validated_data)
        return Response(SpotCheckLineSerializer(line).data)

    @extend_schema(request=None, responses=SpotCheckDetailSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        check = services.close_spot_check(actor=request.user, check_id=int(pk))
        return self._detail(check.pk)
