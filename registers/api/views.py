from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from audit.api.views import AuditAccess
from common.api import viewsets
from common.api.permissions import GateFilterBackend
from common.api.serializers import StrictSerializer
from common.api.views import APIView

from .. import services
from ..definitions import REGISTERS
from ..models import JobStatus, RegisterExport


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


# --- background exports ------------------------------------------------------------------------------

class RegisterExportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField()
    waiting_for_broker = serializers.BooleanField(
        read_only=True, help_text="Queued while the task broker was unreachable: it starts when the broker is back.")
    may_retry = serializers.SerializerMethodField(help_text="Failed or stuck: POST retry/ queues it again.")
    notice = serializers.SerializerMethodField(help_text="Why a job waits (the broker, a stopped worker), or empty.")

    class Meta:
        model = RegisterExport
        fields = ["id", "register", "format", "language", "filters", "status", "status_label", "progress", "rows",
                  "pages", "level", "error", "attempts", "chain_head", "chain_count", "created_at", "started_at",
                  "finished_at", "expires_at", "download_url", "waiting_for_broker", "may_retry", "notice"]
        read_only_fields = fields

    def get_may_retry(self, job) -> bool:
        return services.is_stuck(job)

    def get_notice(self, job) -> str:
        return services.job_notice(job)

    def get_download_url(self, job) -> str | None:
        if job.status != JobStatus.DONE:
            return None
        return reverse("api:register-export-download", kwargs={"pk": job.pk})


class RegisterExportCreateSerializer(StrictSerializer):
    register = serializers.CharField(max_length=40, help_text="The register's name (GET /api/v1/register-exports/registers/).")
    format = serializers.ChoiceField(choices=["pdf", "csv"], default="pdf")
    lang = serializers.ChoiceField(choices=["zh-hans", "en"], default="zh-hans")
    filters = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True), required=False, default=dict,
        help_text="unit, department, level, status, kind, date_from, date_to (as the register takes them).",
    )


class RegisterExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Register exports in the background: POST to queue one (202), GET it for its status and
    progress, GET download/ for the file (its requester only, while their clearance reaches the
    register's level), POST retry/ when it failed. Each user sees only their own exports."""

    serializer_class = RegisterExportSerializer
    permission_classes = [AuditAccess]
    filter_backends = [GateFilterBackend]
    queryset = RegisterExport.objects.all()
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=RegisterExportCreateSerializer, responses={202: RegisterExportSerializer})
    def create(self, request):
        data = RegisterExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = services.request_export(actor=request.user, name=values["register"], params=values["filters"],
                                      fmt=values["format"], language=values["lang"])
        return Response(RegisterExportSerializer(job).data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": reverse("api:register-export-detail", kwargs={"pk": job.pk})})

    @extend_schema(request=None, responses={202: RegisterExportSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = services.retry_export(actor=request.user, export_id=pk)
        return Response(RegisterExportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                              (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
                              403: OpenApiResponse(description="Clearance no longer reaches the register's level"),
                              404: OpenApiResponse(description="No such export of yours"),
                              409: OpenApiResponse(description="Not finished, failed or expired")})
    @action(detail=True, methods=["get"], content_negotiation_class=JSONForErrors)
    def download(self, request, pk=None):
        result = services.download_export(actor=request.user, export_id=pk)
        response = FileResponse(open(result.path, "rb"), content_type=result.content_type)  # noqa: SIM115
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response

    @extend_schema(responses=inline_serializer("RegisterInfo", {
        "name": serializers.CharField(), "title": serializers.CharField(), "filters": serializers.ListField()},
        many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def registers(self, request):
        """The registers one may export, with the filters each takes."""
        language = "zh-hans" if (get_language() or "").startswith("zh") else "en"
        return Response([{"name": r.name, "title": r.title(language), "filters": list(r.filter_names)}
                         for r in REGISTERS.ordered()])
