from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from approvals import kit
from carriers import selectors as carrier_selectors
from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission
from common.api.views import GenericAPIView
from common.errors import ValidationFailed

from .. import selectors, services
from ..models import CopyRequest, Derivation
from .serializers import (
    CopyExecuteSerializer,
    CopyLicenceCreateSerializer,
    CopyLicenceSerializer,
    CopyRequestCreateSerializer,
    CopyRequestSerializer,
    DerivationCreateSerializer,
    DerivationMakeSerializer,
    DerivationPreviewSerializer,
    DerivationSerializer,
    LineageSerializer,
    PreviewSerializer,
)

LOOKUP = r"[0-9]{1,18}"


def _status_filter(rows, params, choices):
    refuse_blank(params, "status")
    wanted = params.get("status")
    if wanted:
        if wanted not in choices:
            raise ValidationError({"status": [_("Unknown status.")]})
        rows = rows.filter(status=wanted)
    return rows


class CopyLicenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units and departments of the caller's unit registered as licensed to copy state secret
    carriers (R4), and whether each is a confidential department that may copy coded telegrams.
    Records are never edited: the latest record of a unit (`is_current`) is its licence now; the
    secrecy office POSTs a new record to grant or (licensed false) withdraw one."""

    serializer_class = CopyLicenceSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_licences(user=self.request.user)

    @extend_schema(request=CopyLicenceCreateSerializer, responses={201: CopyLicenceSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        services.check_may_manage_licences(request.user)
        serializer = CopyLicenceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        licence = services.record_licence(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(selectors.licence_get(user=request.user, pk=licence.pk)).data,
                        status=status.HTTP_201_CREATED)


class CopyRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Copy requests (R4). POST asks to copy a carrier n times for a purpose; the issuing authority
    (the source's originating unit, by policy) approves. `execute` (the secrecy office of a
    licensed unit) uses the approval once and registers the copies as carriers in their own right,
    with the original's level, end of secrecy period and scope. Requests a caller may not see
    answer 404."""

    serializer_class = CopyRequestSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        rows = selectors.visible_copy_requests(user=self.request.user)
        if self.action == "list":
            rows = _status_filter(rows, self.request.query_params, CopyRequest.Status.values)
        return rows

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=CopyRequest.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, pk):
        return self.get_serializer(selectors.copy_request_get(user=self.request.user, pk=pk)).data

    @extend_schema(request=CopyRequestCreateSerializer, responses={201: CopyRequestSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = CopyRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        copy_request = services.submit_copy_request(actor=request.user, **serializer.validated_data)
        return Response(self._detail(copy_request.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=CopyExecuteSerializer, responses={201: CopyRequestSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        services.check_may_copy(request.user)
        selectors.copy_request_get(user=request.user, pk=pk)
        serializer = CopyExecuteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.execute_copy_request(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return Response(self._detail(pk), status=status.HTTP_201_CREATED)


class DerivationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Extracts, quotations and compilations (R4). POST with kind `extract` registers the derived
    carrier at once (secrecy office; container and password required); with kind `compilation` it
    asks for approval, and `make` registers the compilation once approved. Level and period are
    inherited from the sources (the highest level, the latest end, every declassification
    condition) unless higher or later ones are given; lower ones are refused (400, field errors).
    `preview` answers the inherited and resulting terms without writing anything."""

    serializer_class = DerivationSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        rows = selectors.visible_derivations(user=self.request.user)
        if self.action == "list":
            rows = _status_filter(rows, self.request.query_params, Derivation.Status.values)
            refuse_blank(self.request.query_params, "kind")
            kind = self.request.query_params.get("kind")
            if kind:
                if kind not in Derivation.Kind.values:
                    raise ValidationError({"kind": [_("Unknown kind.")]})
                rows = rows.filter(kind=kind)
        return rows

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=Derivation.Status.values),
                               OpenApiParameter("kind", str, enum=Derivation.Kind.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, pk):
        return self.get_serializer(selectors.derivation_get(user=self.request.user, pk=pk)).data

    @extend_schema(request=DerivationCreateSerializer, responses={201: DerivationSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = DerivationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind = data.pop("kind")
        if kind == Derivation.Kind.EXTRACT:
            services.check_may_register_derived(request.user)
            derivation = services.make_extract(actor=request.user, **data)
        else:
            data.pop("container", None)
            data.pop("password", None)
            derivation = services.submit_compilation(actor=request.user, parts=data.pop("sources"), **data)
        return Response(self._detail(derivation.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=DerivationPreviewSerializer, responses={200: PreviewSerializer})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        serializer = DerivationPreviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        requested = {k: data[k] for k in ("level", "secrecy_years", "secrecy_months", "declassification_condition",
                                          "period_start")}
        sources = data["sources"]
        if not sources:
            raise ValidationFailed({"sources": [_("Name at least one source carrier.")]})
        inherited = services.requested_terms(sources=[services.terms_of_carrier(c) for c in sources])
        terms, problems = services.preview_terms(actor=request.user, sources=sources, kind=data["kind"],
                                                 carrier_kind=data["carrier_kind"], medium=data["medium"], **requested)
        errors: dict = {}
        for problem in problems:
            errors.setdefault(problem.field or "non_field_errors", []).append(str(problem.message))
        marking_zh, marking_en = services._marking(terms)
        return Response(PreviewSerializer({
            "inherited": inherited, "terms": terms, "marking_zh": marking_zh, "marking_en": marking_en,
            "allowed": not errors, "errors": errors,
        }).data)

    @extend_schema(request=DerivationMakeSerializer, responses={201: DerivationSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def make(self, request, pk=None):
        services.check_may_register_derived(request.user)
        selectors.derivation_get(user=request.user, pk=pk)
        serializer = DerivationMakeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.make_compilation(actor=request.user, derivation_id=int(pk), **serializer.validated_data)
        return Response(self._detail(pk), status=status.HTTP_201_CREATED)


class LineageView(GenericAPIView):
    """A carrier's lineage both ways: what it was copied, extracted or compiled from (ancestors)
    and what was made from it (descendants), through the carriers the caller may see, each with
    its distance and how it was made. A carrier the caller may not see answers 404."""

    serializer_class = LineageSerializer
    permission_classes = [GatePermission]

    def get_queryset(self):
        return carrier_selectors.visible_carriers(user=self.request.user)

    def get(self, request, carrier_id=None):
        carrier = carrier_selectors.carrier_get(user=request.user, pk=kit.parse_pk(carrier_id))
        return Response(LineageSerializer(selectors.lineage(user=request.user, carrier=carrier)).data)
