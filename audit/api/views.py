import django_filters
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

    class Meta:
        model = AuditEvent
        fields = ["action", "target_type", "target_id", "actor"]


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
