from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.api.serializers import SignatureSerializer
from audit.services import SigningSecret
from carriers.api.serializers import PersonRefSerializer
from carriers.models import Carrier
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from .. import selectors
from ..models import DestructionCertificate, DestructionFacility, DestructionRequest, Method, Route

PASSWORD_HELP = _("Your password again: you sign with it.")
HIDDEN_HELP = _("How many carriers the caller may not open: counted, never named.")
OTP_HELP = _("The one-time code, if this signer has enrolled an authenticator.")
MAX_CARRIERS = 1000


class FacilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = DestructionFacility
        fields = ["id", "unit", "name", "licence_number", "address", "valid_until", "is_active", "created_at"]
        read_only_fields = fields


class FacilityCreateSerializer(StrictSerializer):
    name = CleanCharField(max_length=200)
    licence_number = CleanCharField(max_length=100)
    address = CleanCharField(max_length=300)
    valid_until = serializers.DateField()


class DestructionRequestCreateSerializer(StrictSerializer):
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    reason = CleanCharField(max_length=2000)
    method = serializers.ChoiceField(choices=Method.choices)
    route = serializers.ChoiceField(choices=Route.choices, required=False, default=Route.IN_HOUSE)
    facility = VisiblePrimaryKeyField(model=DestructionFacility, required=False, allow_null=True, default=None)

    def validate_carriers(self, carriers):
        if len(carriers) > MAX_CARRIERS:
            raise serializers.ValidationError(_("At most %(max)d carriers in one request.") % {"max": MAX_CARRIERS})
        return carriers


def _signer_field(help_text):
    return VisiblePrimaryKeyField(model=get_user_model(), queryset=get_user_model().objects.all(), help_text=help_text)


class ExecuteSerializer(StrictSerializer):
    """Both signers on one request, each with their own password (and one-time code)."""

    destroyer = _signer_field(_("The person who destroys the carriers (a user id of this unit)."))
    destroyer_password = serializers.CharField(write_only=True, max_length=128, help_text=_("The destroyer's password."))
    destroyer_otp = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=12, default="",
                                          help_text=OTP_HELP)
    supervisor = _signer_field(_("The person who supervises on the spot (another user id of this unit)."))
    supervisor_password = serializers.CharField(write_only=True, max_length=128,
                                                help_text=_("The supervisor's password."))
    supervisor_otp = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=12,
                                           default="", help_text=OTP_HELP)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        for role in ("destroyer", "supervisor"):
            values[f"{role}_password"] = SigningSecret(values[f"{role}_password"], otp=values.pop(f"{role}_otp", ""))
        return values


class FacilityHandoverSerializer(StrictSerializer):
    courier = _signer_field(_("Who takes the batch to the facility: a registered person of this unit, cleared for the level."))
    declared_count = serializers.IntegerField(min_value=0, max_value=MAX_CARRIERS)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class FacilityReceiveSerializer(StrictSerializer):
    counted_count = serializers.IntegerField(min_value=0, max_value=MAX_CARRIERS)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class CertificateCreateSerializer(StrictSerializer):
    number = CleanCharField(max_length=100)
    issued_on = serializers.DateField()
    received_by = CleanCharField(max_length=150, help_text=_("Who at the facility received the batch."))
    carriers = serializers.ListField(
        child=CleanCharField(max_length=40), allow_empty=False, max_length=MAX_CARRIERS,
        help_text=_("The registry numbers the certificate lists: exactly those handed over."),
    )
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class CertificateSerializer(serializers.ModelSerializer):
    signature = SignatureSerializer()
    recorded_by = PersonRefSerializer()

    class Meta:
        model = DestructionCertificate
        fields = ["number", "issued_on", "received_by", "facility", "recorded_by", "recorded_at", "signature"]


class DestructionRequestSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    route_label = serializers.CharField(source="get_route_display", read_only=True)
    requester = PersonRefSerializer(read_only=True)
    destroyer = PersonRefSerializer(read_only=True, allow_null=True)
    supervisor = PersonRefSerializer(read_only=True, allow_null=True)
    destroyer_signature = SignatureSerializer(read_only=True, allow_null=True)
    supervisor_signature = SignatureSerializer(read_only=True, allow_null=True)
    approval = serializers.SerializerMethodField()
    carriers = serializers.SerializerMethodField()
    hidden_carriers = serializers.SerializerMethodField(help_text=HIDDEN_HELP)
    handover = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = DestructionRequest
        fields = [
            "id", "unit", "department", "requester", "reason", "method", "method_label", "route", "route_label",
            "facility", "level", "level_label", "carrier_count", "carriers", "hidden_carriers", "status", "status_label", "approval",
            "destroyer", "destroyer_signature", "supervisor", "supervisor_signature", "handover", "certificate",
            "destroyed_at", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_approval(self, request):
        approval = request.approval
        if approval is None:
            return None
        return {"id": approval.pk, "status": approval.status, "status_label": approval.get_status_display(),
                "consumed_at": approval.consumed_at}

    def _carriers(self, request):
        if not hasattr(request, "_shown_carriers"):
            request._shown_carriers = selectors.request_carriers(user=self.context["request"].user, request=request)
        return request._shown_carriers

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_carriers(self, request):
        """The registry numbers of the carriers the caller may open (titles are on the carriers)."""
        return [carrier.registry_number for carrier in self._carriers(request)[0]]

    def get_hidden_carriers(self, request) -> int:
        return self._carriers(request)[1]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_handover(self, request):
        handover = request.handover
        if handover is None:
            return None
        return {"id": handover.pk, "status": handover.status, "taker": handover.taker_id,
                "declared_count": handover.declared_count, "counted_count": handover.counted_count}

    @extend_schema_field(CertificateSerializer(allow_null=True))
    def get_certificate(self, request):
        certificate = getattr(request, "certificate", None)
        return CertificateSerializer(certificate).data if certificate is not None else None
