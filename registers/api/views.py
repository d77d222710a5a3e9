from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from audit.api.views import AuditAccess

from .. import services


class JSONForErrors(DefaultContentNegotiation):
    """?format= names the register's file format (pdf, csv), not a DRF renderer: errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RegisterExportView(APIView):
    """A register as PDF or CSV, drawn now, for auditors and the secrecy office. The export is
    recorded in the audit trail with its filters, row count and the chain head it was drawn from."""

    permission_classes = [AuditAccess]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONForErrors

    @extend_schema(
        operation_id="registers_export",
        parameters=[
            OpenApiParameter("format", str, enum=["pdf", "csv"], description="File format (default pdf)."),
            OpenApiParameter("lang", str, enum=["zh-hans", "en"], description="Language (default zh-hans)."),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Period start (included)."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Period end (included)."),
            OpenApiParameter("unit", int, description="Carrier ledger: registering unit id."),
            OpenApiParameter("level", str, description="Carrier ledger: TOP_SECRET, SECRET, CONFIDENTIAL."),
            OpenApiParameter("status", str, description="Carrier ledger: carrier status."),
            OpenApiParameter("kind", str, description="Carrier ledger: carrier kind."),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The register"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The register"),
            400: OpenApiResponse(description="Bad filter, format or language"),
            403: OpenApiResponse(description="Not an auditor or the secrecy office"),
            404: OpenApiResponse(description="No such register"),
        },
    )
    def get(self, request, name):
        result = services.export_register(
            actor=request.user,
            name=name,
            params=request.query_params,
            fmt=request.query_params.get("format", "pdf"),
            language=request.query_params.get("lang", "zh-hans"),
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
