from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.permissions import GatePermission

from .. import selectors, services
from ..models import HoldItem
from .serializers import (
    HoldCreateSerializer,
    HoldFromIncidentSerializer,
    HoldLiftSerializer,
    HoldSerializer,
)

LOOKUP = r"[0-9]{1,18}"


class HoldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Holds (冻结): the secrecy office holds carriers (POST) so that none is destroyed, declassified,
    downgraded, copied, sent outside the unit or carried out until the hold is lifted (`lift`, signed with the
    password). `from-incident` holds every carrier a loss or leak incident concerns."""

    serializer_class = HoldSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        # the carriers' numbers of a page of holds in one query, not one a hold
        return selectors.visible_holds(user=self.request.user).prefetch_related(
            Prefetch("items", queryset=HoldItem.objects.select_related("carrier")))

    def _answer(self, hold, code=status.HTTP_201_CREATED):
        return Response(self.get_serializer(selectors.hold_get(user=self.request.user, pk=hold.pk)).data, status=code)

    @extend_schema(request=HoldCreateSerializer, responses={201: HoldSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = HoldCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        hold = services.place_hold(actor=request.user, carriers=data["carriers"], kind=data["kind"],
                                   reason=data["reason"], incident_id=data["incident"])
        return self._answer(hold)

    @extend_schema(request=HoldFromIncidentSerializer, responses={201: HoldSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=False, methods=["post"], url_path="from-incident")
    def from_incident(self, request):
        serializer = HoldFromIncidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = services.hold_for_incident(actor=request.user, incident_id=serializer.validated_data["incident"],
                                          reason=serializer.validated_data["reason"])
        return self._answer(hold)

    @extend_schema(request=HoldLiftSerializer, responses=HoldSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        serializer = HoldLiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = services.lift_hold(actor=request.user, hold_id=int(pk), **serializer.validated_data)
        return self._answer(hold, status.HTTP_200_OK)
