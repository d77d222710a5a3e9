from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from common import access
from common.api.permissions import GateFilterBackend, GatePermission

from .. import selectors, services
from ..filters import CarrierFilter
from ..models import Container
from .serializers import CarrierRegisterSerializer, CarrierSerializer, ContainerSerializer


class CarrierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Classified carriers the caller may see (clearance and need-to-know). Others answer 404."""

    serializer_class = CarrierSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend, *viewsets.GenericViewSet.filter_backends]
    filterset_class = CarrierFilter
    gate_actions = {"create": access.REGISTER_CARRIER}
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        # the filter backend restricts it through the gate again; lineage is already restricted
        return selectors.carriers_for_api(user=self.request.user)

    @extend_schema(request=CarrierRegisterSerializer, responses={201: CarrierSerializer})
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
