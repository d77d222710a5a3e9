from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import viewsets
from common.api.permissions import GateFilterBackend, GatePermission

from .. import policy, selectors, services
from ..filters import CarrierFilter
from ..models import Container
from .serializers import (
    CarrierRegisterSerializer,
    CarrierSerializer,
    ContainerSerializer,
    HandoverAcceptSerializer,
    HandoverCancelSerializer,
    HandoverSerializer,
    HandoverStartSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Send the same key when retrying: the request then creates nothing twice (another body: 422).",
)


class CarrierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Classified carriers the caller may see (clearance and need-to-know). Others answer 404."""

    serializer_class = CarrierSerializer
    permission_classes = [GatePermission]
    # the queryset is the gate's already (carriers_for_api): the gate filter once more would
    # repeat every need-to-know clause in the SQL
    filter_backends = list(viewsets.GenericViewSet.filter_backends)
    filterset_class = CarrierFilter
    gate_actions = {"create": policy.REGISTER_CARRIER}
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        # the filter backend restricts it through the gate again; lineage is already restricted
        return selectors.carriers_for_api(user=self.request.user)

    @extend_schema(request=CarrierRegisterSerializer, responses={201: CarrierSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = CarrierRegisterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        carrier = services.register_carrier(actor=request.user, **serializer.validated_data)
        carrier = selectors.carrier_get(user=request.user, pk=carrier.pk)
        return Response(CarrierSerializer(carrier, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class ContainerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ContainerSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = Container.objects.select_related("unit").order_by("code")
    lookup_value_regex = r"[0-9]{1,18}"


class HandoverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Custody moves only by handover. The giver lists, counts and signs (POST); the taker counts
    and signs (accept); the carriers then belong to the taker. Send Idempotency-Key to retry
    safely. Only transfers between holders are accepted or cancelled here; a stage's handover
    (loan, dispatch, meeting, carrying out, archives, destruction) is completed through its own
    endpoint (409 `stage_handover` here)."""

    serializer_class = HandoverSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.visible_handovers(user=self.request.user)

    @extend_schema(request=HandoverStartSerializer, responses={201: HandoverSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = HandoverStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        handover = services.start_handover(
            actor=request.user, password=data["password"], taker=data["taker"], carriers=data["carriers"],
            declared_count=data["declared_count"], note=data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=handover.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandoverAcceptSerializer, responses=HandoverSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        serializer = HandoverAcceptSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.accept_handover(actor=request.user, handover_id=int(pk), only_kind="transfer",
                                 **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=HandoverCancelSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = HandoverCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_handover(actor=request.user, handover_id=int(pk), only_kind="transfer",
                                 **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)
