import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from common import access
from common.api.pagination import SeqCursorPagination
from common.api.permissions import GateFilterBackend, GatePermission

from ..models import AuditEvent
from ..selectors import verify_chain


class AuditEventSerializer(serializers.ModelSerializer):
    signature = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "actor", "actor_name", "action", "target_type", "target_id", "target_label",
                  "details", "prev_hash", "hash", "signature"]

    def get_signature(self, event) -> dict | None:
        signature = getattr(event, "signature", None)
        if signature is None:
            return None
        return {"id": signature.pk, "printed_name": signature.printed_name, "signed_at": signature.signed_at,
                "meaning": signature.meaning, "meaning_label": signature.get_meaning_display(),
                "content_hash": signature.content_hash}


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(max_length=64)
    target_type = django_filters.CharFilter(max_length=64)
    target_id = django_filters.CharFilter(max_length=64)
    actor = django_filters.NumberFilter(field_name="actor_id", min_value=1, max_value=2**63 - 1)
    # the auditor's workspace: events about one carrier (id or registry number; its handovers and
    # dispatches too), and a time range (dates, both included)
    carrier = django_filters.CharFilter(method="filter_carrier", max_length=40, label=_("Carrier"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["action", "target_type", "target_id", "actor", "carrier", "since", "until"]

    def filter_carrier(self, queryset, name, value):
        from registers.workspace import carrier_events_q, visible_carrier_by_reference

        user = getattr(self.request, "user", None)
        carrier = visible_carrier_by_reference(user=user, reference=value) if user is not None else None
        if carrier is None:
            return queryset.none()
        return queryset.filter(carrier_events_q(carrier))


class AuditAccess(GatePermission):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and access.can(request.user, access.VIEW_AUDIT)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, newest first, for auditors and the secrecy office."""

    serializer_class = AuditEventSerializer
    permission_classes = [AuditAccess]
    filter_backends = [GateFilterBackend, django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = AuditEventFilter
    pagination_class = SeqCursorPagination
    queryset = AuditEvent.objects.select_related("signature")
    lookup_value_regex = r"[0-9]{1,18}"


class AuditVerifyView(APIView):
    """Recompute the whole hash chain now and say whether it holds."""

    permission_classes = [AuditAccess]

    @extend_schema(
        responses=inline_serializer(
            "ChainReport",
            {
                "ok": serializers.BooleanField(),
                "count": serializers.IntegerField(),
                "head": serializers.CharField(),
                "broken_seq": serializers.IntegerField(allow_null=True),
                "reason": serializers.CharField(),
            },
        )
    )
    def get(self, request):
        report = verify_chain()
        return Response(
            {"ok": report.ok, "count": report.count, "head": report.head, "broken_seq": report.broken_seq,
             "reason": report.reason}
        )


# --- the auditor's workspace ---------------------------------------------------------------------


class SignatureCheckView(APIView):
    """One signature: who signed what and when, the audit event that records it, and whether its
    hash still matches (an altered event or signature is named)."""

    permission_classes = [AuditAccess]

    @extend_schema(responses=inline_serializer("SignatureCheck", {
        "id": serializers.IntegerField(), "printed_name": serializers.CharField(),
        "signed_at": serializers.DateTimeField(), "meaning": serializers.CharField(),
        "meaning_label": serializers.CharField(), "content_hash": serializers.CharField(),
        "target_type": serializers.CharField(), "target_id": serializers.CharField(),
        "target_label": serializers.CharField(), "event_seq": serializers.IntegerField(),
        "event_hash": serializers.CharField(), "holds": serializers.BooleanField(),
        "problems": serializers.ListField(child=serializers.CharField()),
    }))
    def get(self, request, pk):
        from registers.workspace import signature_check

        check = signature_check(user=request.user, pk=pk)
        signature = check.signature
        return Response({
            "id": signature.pk, "printed_name": signature.printed_name, "signed_at": signature.signed_at,
            "meaning": signature.meaning, "meaning_label": signature.get_meaning_display(),
            "content_hash": signature.content_hash, "target_type": signature.target_type,
            "target_id": signature.target_id, "target_label": check.target_label, "event_seq": signature.event.seq,
            "event_hash": signature.event.hash, "holds": check.holds, "problems": [str(p) for p in check.problems],
        })


class CarrierHistoryView(APIView):
    """Every visible event about one carrier (its handovers and dispatches too), oldest first."""

    permission_classes = [AuditAccess]

    @extend_schema(responses=AuditEventSerializer(many=True))
    def get(self, request, carrier_id):
        from registers.workspace import carrier_history

        _carrier, events = carrier_history(user=request.user, pk=carrier_id)
        return Response(AuditEventSerializer(events, many=True).data)


class ChainVerificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    head = serializers.CharField()
    broken_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ChainVerificationViewSet(viewsets.ViewSet):
    """Verify the chain in the background: POST starts one (202), GET <id>/ shows its result
    (ok, count, head hash, the sequence number where it breaks). Only the requester sees it."""

    permission_classes = [AuditAccess]
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=None, responses={202: ChainVerificationSerializer})
    def create(self, request):
        from registers.services import request_chain_verification

        job = request_chain_verification(actor=request.user)
        return Response(ChainVerificationSerializer(job).data, status=202)

    @extend_schema(responses=ChainVerificationSerializer)
    def retrieve(self, request, pk=None):
        from django.http import Http404

        from registers.selectors import verification_get

        job = verification_get(user=request.user, verification_id=pk)
        if job is None:
            raise Http404
        return Response(ChainVerificationSerializer(job).data)
