from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission

from .. import selectors, services
from ..checks import REGISTRY
from ..models import Alert, Severity
from .serializers import AcknowledgeSerializer, AlertSerializer

STATUS_FILTERS = ["active", *Alert.Status.values]


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts raised by the scheduled checks that the caller may see. Filters: `kind`, `severity`,
    `status` (open, acknowledged, resolved, or active = open or acknowledged)."""

    serializer_class = AlertSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        params = self.request.query_params
        refuse_blank(params, "kind", "severity", "status")
        filters = {name: params.get(name, "") for name in ("kind", "severity", "status")}
        errors = {}
        if filters["kind"] and filters["kind"] not in REGISTRY:
            errors["kind"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(REGISTRY)}]
        if filters["severity"] and filters["severity"] not in Severity.values:
            errors["severity"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Severity.values)}]
        if filters["status"] and filters["status"] not in STATUS_FILTERS:
            errors["status"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(STATUS_FILTERS)}]
        if errors:
            raise ValidationError(errors)
        return selectors.alert_list(user=self.request.user, **filters).select_related(None).select_related(
            "responsible__person", "acknowledged_by__person"
        )

    @extend_schema(parameters=[
        OpenApiParameter("kind", str, enum=sorted(REGISTRY)),
        OpenApiParameter("severity", str, enum=Severity.values),
        OpenApiParameter("status", str, enum=STATUS_FILTERS),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AcknowledgeSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.acknowledge(actor=request.user, alert_id=int(pk), comment=serializer.validated_data["comment"],
                             password=serializer.validated_data.get("password") or None)
        return Response(self.get_serializer(selectors.alert_get(user=request.user, pk=pk)).data)
