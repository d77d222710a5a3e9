import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from common import access
from common.api import viewsets
from common.api.filters import StrictFilterBackend
from common.api.pagination import SeqCursorPagination
from common.api.permissions import GateFilterBackend, GatePermission
from common.api.views import APIView

from .. import policy
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
        return super().has_permission(request, view) and access.can(request.user, policy.VIEW_AUDIT)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, newest first, for auditors and the secrecy office."""

    serializer_class = AuditEventSerializer
    permission_classes = [AuditAccess]
    filter_backends = [GateFilterBackend, StrictFilterBackend]
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


# --- checkpoints and Merkle proofs ---------------------------------------------------------------


class ProofCheckpointSerializer(serializers.Serializer):
    """A checkpoint as a proof carries it (audit.checkpoints.Checkpoint.as_dict)."""

    seq = serializers.IntegerField()
    head = serializers.CharField()
    root = serializers.CharField()
    at = serializers.CharField()
    key_id = serializers.CharField()
    signature = serializers.CharField()


class CheckpointSerializer(ProofCheckpointSerializer):
    qr_text = serializers.CharField()


def _checkpoint_data(cp) -> dict:
    return {**cp.as_dict(), "qr_text": cp.qr_text()}


class CheckpointListView(APIView):
    """The signed checkpoints in the trail, newest first, and the public key that verifies them."""

    permission_classes = [AuditAccess]

    @extend_schema(responses=inline_serializer("CheckpointList", {
        "public_key": serializers.CharField(), "checkpoints": CheckpointSerializer(many=True)}))
    def get(self, request):
        from audit import checkpoints

        public = checkpoints.public_pem(checkpoints.load_private_key().public_key()).decode("ascii")
        return Response({"public_key": public,
                         "checkpoints": [_checkpoint_data(cp) for cp in reversed(checkpoints.all_in_trail())]})


class ProofQuery(serializers.Serializer):
    seq = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    signature = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    checkpoint = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def validate(self, attrs):
        if ("seq" in attrs) == ("signature" in attrs):
            raise serializers.ValidationError({"seq": [_("Give either an event (seq) or a signature.")]})
        return attrs


class InclusionProofView(APIView):
    """An inclusion proof (RFC 9162) of an event or a signature against a checkpoint (the newest
    by default): verify it offline with `manage.py verify_proof` or tools/verify_audit_proof.py."""

    permission_classes = [AuditAccess]

    @extend_schema(parameters=[ProofQuery], responses=inline_serializer("InclusionProof", {
        "type": serializers.CharField(), "seq": serializers.IntegerField(), "leaf": serializers.CharField(),
        "index": serializers.IntegerField(), "size": serializers.IntegerField(),
        "path": serializers.ListField(child=serializers.CharField()), "checkpoint": ProofCheckpointSerializer()}))
    def get(self, request):
        from audit import checkpoints

        query = ProofQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if "signature" in data:
            proof = checkpoints.proof_for_signature(user=request.user, pk=data["signature"],
                                                    checkpoint_seq=data.get("checkpoint"))
        else:
            proof = checkpoints.proof_for_event(user=request.user, seq=data["seq"],
                                                checkpoint_seq=data.get("checkpoint"))
        return Response(proof)


class ConsistencyQuery(serializers.Serializer):
    old = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    new = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ConsistencyProofView(APIView):
    """A consistency proof (RFC 9162) that checkpoint `new` (the newest by default) extends
    checkpoint `old`: the trail signed then is a prefix of the trail signed now."""

    permission_classes = [AuditAccess]

    @extend_schema(parameters=[ConsistencyQuery], responses=inline_serializer("ConsistencyProof", {
        "type": serializers.CharField(), "old": ProofCheckpointSerializer(), "new": ProofCheckpointSerializer(),
        "path": serializers.ListField(child=serializers.CharField())}))
    def get(self, request):
        from audit import checkpoints

        query = ConsistencyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return Response(checkpoints.proof_between(old_seq=data["old"], new_seq=data.get("new")))
