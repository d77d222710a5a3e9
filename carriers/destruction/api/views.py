from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission
from registers.api.views import JSONForErrors

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
        if self.action == "list":
            refuse_blank(self.request.query_params, "status")
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
    def create(self, request):
        serializer = DestructionRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        destruction = services.submit_destruction_request(actor=request.user, **serializer.validated_data)
        return self._answer(destruction.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ExecuteSerializer, responses=DestructionRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)  # 404 before any field error
        serializer = ExecuteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.execute_in_house(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=FacilityHandoverSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = FacilityHandoverSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.hand_over_to_facility(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=FacilityReceiveSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = FacilityReceiveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.receive_for_facility(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=CertificateCreateSerializer, responses=DestructionRequestSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def certificate(self, request, pk=None):
        selectors.request_get(user=request.user, pk=pk)
        serializer = CertificateCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.record_certificate(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(
        operation_id="destruction_requests_record",
        parameters=[OpenApiParameter("lang", str, enum=["zh-hans", "en"],
                                     description="Language of the record (default: the request's language).")],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The destruction record (A4 PDF) with the signed audit checkpoint "
                                                 "it was drawn from, as text and QR code"),
            400: OpenApiResponse(description="Unknown language"),
            404: OpenApiResponse(description="No such destruction request, or not visible to the caller"),
            409: OpenApiResponse(description="The carriers are not destroyed yet"),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer], content_negotiation_class=JSONForErrors)
    def record(self, request, pk=None):
        """The destruction record once destroyed; printing is audited (destruction.record_printed)."""
        language = request.query_params.get("lang") or (
            "zh-hans" if (get_language() or "").startswith("zh") else "en")
        printed = services.print_destruction_record(actor=request.user, request_id=pk, language=language)
        response = HttpResponse(printed.content, content_type=printed.content_type)
        response["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
        return response
