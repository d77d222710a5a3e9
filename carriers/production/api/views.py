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
from ..models import ProductionRequest
from .serializers import (
    EnterpriseCreateSerializer,
    EnterpriseSerializer,
    IntermediateCreateSerializer,
    ProductionCarrierSerializer,
    ProductionPlaceCreateSerializer,
    ProductionPlaceSerializer,
    ProductionRequestCreateSerializer,
    ProductionRequestSerializer,
    ProductionRunCreateSerializer,
    ProductionRunSerializer,
)

LOOKUP = r"[0-9]{1,18}"


class ProductionPlaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Places of the caller's unit approved for producing classified carriers (R1). The secrecy
    office registers them (POST)."""

    serializer_class = ProductionPlaceSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_places(user=self.request.user)

    @extend_schema(request=ProductionPlaceCreateSerializer, responses={201: ProductionPlaceSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        services.check_may_manage_sites(request.user)
        serializer = ProductionPlaceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        place = services.create_place(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(place).data, status=status.HTTP_201_CREATED)


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Outside enterprises and their licences, as recorded by the caller's unit. Production is never
    entrusted to an unlicensed enterprise or a self-employed individual (R1)."""

    serializer_class = EnterpriseSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_enterprises(user=self.request.user)

    @extend_schema(request=EnterpriseCreateSerializer, responses={201: EnterpriseSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        services.check_may_manage_sites(request.user)
        serializer = EnterpriseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        enterprise = services.create_enterprise(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(enterprise).data, status=status.HTTP_201_CREATED)


class ProductionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Production requests (R1). POST submits one for approval (the approver signs level, period,
    marking, copies, place and scope); `run` carries an approved one out once, making exactly the
    approved copies; `intermediates` lists and registers the drafts, proofs and waste of the run.
    Requests a caller may not see answer 404."""

    serializer_class = ProductionRequestSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        rows = selectors.visible_requests(user=self.request.user)
        if self.action == "list":
            refuse_blank(self.request.query_params, "status")
        wanted = self.request.query_params.get("status") if self.action == "list" else None
        if wanted:
            if wanted not in ProductionRequest.Status.values:
                raise ValidationError({"status": [_("Unknown status.")]})
            rows = rows.filter(status=wanted)
        return rows

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=ProductionRequest.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, pk):
        return self.get_serializer(selectors.request_get(user=self.request.user, pk=pk)).data

    @extend_schema(request=ProductionRequestCreateSerializer, responses={201: ProductionRequestSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = ProductionRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        production = services.submit_production_request(actor=request.user, **serializer.validated_data)
        return Response(self._detail(production.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductionRunCreateSerializer, responses={201: ProductionRunSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        services.check_may_run(request.user)
        serializer = ProductionRunCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        run = services.run_production(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return Response(ProductionRunSerializer(run, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProductionCarrierSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def intermediates(self, request, pk=None):
        production = selectors.request_get(user=request.user, pk=pk)
        run = selectors.run_of(request=production)
        rows = selectors.run_intermediates(user=request.user, run=run) if run else []
        return Response(ProductionCarrierSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=IntermediateCreateSerializer, responses={201: ProductionCarrierSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @intermediates.mapping.post
    def register_intermediate(self, request, pk=None):
        services.check_may_run(request.user)
        production = selectors.request_get(user=request.user, pk=pk)
        serializer = IntermediateCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        run = selectors.run_of(request=production)
        if run is None:
            services.refuse_not_produced()
        carrier = services.register_intermediate(actor=request.user, run_id=run.pk, **serializer.validated_data)
        carrier = selectors.run_intermediates(user=request.user, run=run).get(pk=carrier.pk)
        return Response(ProductionCarrierSerializer(carrier, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
