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
from ..models import Incident
from .serializers import (
    IncidentCloseSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    IncidentStepCreateSerializer,
)

STATUS_FILTERS = ["open", *Incident.Status.values]

# A named report answers the incident as its reporter sees it; an anonymous one only its receipt
# (nobody, not even the reporter, may see it afterwards).
REPORT_ANSWER = {"oneOf": [
    {"$ref": "#/components/schemas/Incident"},
    {"type": "object", "title": "AnonymousIncidentReceipt", "additionalProperties": False,
     "required": ["id", "number", "anonymous"],
     "properties": {"id": {"type": "integer"}, "number": {"type": "string"},
                    "anonymous": {"type": "boolean", "enum": [True]}}},
]}


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leaks, losses and violations (R13). Anyone registered may report (POST), also anonymously;
    the secrecy office of the incident's unit records remedial measures and reports upward
    (steps) and closes it once both are on record (close). Reporters see their own named reports;
    the secrecy office and auditors see their unit's. Filters: `status` (open = not closed), `kind`."""

    serializer_class = IncidentSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        params = self.request.query_params
        refuse_blank(params, "status", "kind")
        status_filter, kind = params.get("status", ""), params.get("kind", "")
        errors = {}
        if status_filter and status_filter not in STATUS_FILTERS:
            errors["status"] = [", ".join(STATUS_FILTERS)]
        if kind and kind not in Incident.Kind.values:
            errors["kind"] = [", ".join(Incident.Kind.values)]
        if errors:
            raise ValidationError(errors)
        return selectors.incident_list(user=self.request.user, status=status_filter, kind=kind).prefetch_related(
            "carriers", "steps__actor__person"
        )

    def get_object(self):
        return selectors.incident_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=STATUS_FILTERS),
                               OpenApiParameter("kind", str, enum=Incident.Kind.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IncidentReportSerializer, responses={201: REPORT_ANSWER}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = IncidentReportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        incident = services.report_incident(actor=request.user, **serializer.validated_data)
        if incident.anonymous:
            # nobody, not even the reporter, can see an anonymous report afterwards: answer its number only
            return Response({"id": incident.pk, "number": incident.number, "anonymous": True},
                            status=status.HTTP_201_CREATED)
        data = IncidentSerializer(selectors.incident_get(user=request.user, pk=incident.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentStepCreateSerializer, responses=IncidentSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        selectors.incident_get(user=request.user, pk=pk)
        serializer = IncidentStepCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_step(actor=request.user, incident_id=int(pk), **serializer.validated_data)
        return Response(IncidentSerializer(selectors.incident_get(user=request.user, pk=pk)).data)

    @extend_schema(request=IncidentCloseSerializer, responses=IncidentSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        selectors.incident_get(user=request.user, pk=pk)
        serializer = IncidentCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.close_incident(actor=request.user, incident_id=int(pk), **serializer.validated_data)
        return Response(IncidentSerializer(selectors.incident_get(user=request.user, pk=pk)).data)
