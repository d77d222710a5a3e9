from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api.permissions import GatePermission
from common.idempotency import idempotent

from .. import selectors, services
from ..models import DestructionRequest
from .serializers import (
    CertificateCreateSerializer,
    DestructionRequestCreateSerializer,
    DestructionRequestSerializer,
    ExecuteSerializer,
    FacilityCreateSerializer,
    FacilityHandoverSerializer,
    FacilityReceiveSerializer,
    FacilitySerializer,
)

LOOKUP = r"[0-9]{1,18}"


class DestructionFacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Designated destruction facilities registered by the caller's unit (R7: batches are destroyed
    there). The secrecy office registers them (POST)."""

    serializer_class = FacilitySerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_facilities(user=self.request.user)

    @extend_schema(request=FacilityCreateSerializer, responses={201: FacilitySerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request):
        services.check_may_manage_facilities(request.user)
        serializer = FacilityCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        facility = services.create_facility(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(facility).data, status=status.HTTP_201_CREATED)


class DestructionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Destruction requests (R7). POST registers one and submits it for approval by the competent
    leader (the approver signs carriers, method and where). Approved: `execute` destroys in house
    with the destroyer's and the supervisor's signatures on the spot; or `handover` takes the batch
    to the designated facility's courier, who signs for it (`receive`), and `certificate` records
    the facility's certificate. Requests a caller may not see answer 404."""

    serializer_class = DestructionRequestSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        rows = selectors.visible_requests(user=self.request.user)
        wanted = self.request.query_params.get("status") if self.action == "list" else None
        if wanted:
            if wanted not in DestructionRequest.Status.values:
                raise ValidationError({"status": [_("Unknown status.")]})
            rows = rows.filter(status=wanted)
        return rows

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=DestructionRequest.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(selectors.request_get(user=self.request.user, pk=pk)).data, status=code)

    @extend_schema(request=DestructionRequestCreateSerializer, responses={201: DestructionRequestSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request):
        serializer = DestructionRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        destruction = services.submit_destruction_request(actor=request.user, **serializer.validated_data)
        return self._answer(destruction.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ExecuteSerializer, responses=DestructionRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def execute(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)  # 404 before any field error
        serializer = ExecuteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.execute_in_house(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=FacilityHandoverSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def handover(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = FacilityHandoverSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.hand_over_to_facility(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=FacilityReceiveSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def receive(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = FacilityReceiveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.receive_for_facility(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=CertificateCreateSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def certificate(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = CertificateCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.record_certificate(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)
