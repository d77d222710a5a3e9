from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import CarrierSerializer, PersonRefSerializer, UnitRefSerializer
from carriers.models import Carrier, Container
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from personnel.models import Unit

from .. import selectors
from ..models import CopyLicence, CopyRequest, Derivation
from ..rules import CONDITION_MAX, MAX_COPIES, MAX_SOURCES

PASSWORD_HELP = _("Your password again: you sign what is registered with it.")
HIDDEN_HELP = _("How many carriers the caller may not open: counted, never named.")


# --- licences ------------------------------------------------------------------------------------


class CopyLicenceSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    recorded_by = PersonRefSerializer(read_only=True)
    is_current = serializers.BooleanField(read_only=True, help_text=_("The unit's latest record: its licence now."))

    class Meta:
        model = CopyLicence
        fields = ["id", "unit", "licensed", "licensed_on", "valid_until", "licence_number",
                  "may_copy_coded_telegrams", "granted_by", "note", "recorded_by", "created_at", "is_current"]
        read_only_fields = fields


class CopyLicenceCreateSerializer(StrictSerializer):
    unit = VisiblePrimaryKeyField(model=Unit, help_text=_("Your unit or one of its departments."))
    licensed = serializers.BooleanField(required=False, default=True,
                                        help_text=_("False records that the licence is withdrawn."))
    licensed_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    licence_number = CleanCharField(max_length=100, required=False, allow_blank=True, default="")
    may_copy_coded_telegrams = serializers.BooleanField(
        required=False, default=False, help_text=_("The unit is a confidential department (机要部门).")
    )
    granted_by = CleanCharField(max_length=200)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")


# --- copy requests -------------------------------------------------------------------------------


class CarrierRefSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    marking = serializers.CharField(read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "registry_number", "title", "level", "marking", "copy_number", "copies_total",
                  "period_start", "expires_on", "declassification_condition", "is_coded_telegram", "status"]
        read_only_fields = fields


class ApprovalStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    approved_quantity = serializers.IntegerField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    consumed_at = serializers.DateTimeField(allow_null=True)


class CopyRequestSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source = CarrierRefSerializer(read_only=True)
    requester = PersonRefSerializer(read_only=True)
    executed_by = PersonRefSerializer(read_only=True, allow_null=True)
    authority_unit = UnitRefSerializer(read_only=True)
    approval = ApprovalStatusSerializer(read_only=True, allow_null=True)
    copies_made = serializers.SerializerMethodField()
    hidden_copies = serializers.SerializerMethodField(help_text=HIDDEN_HELP)

    class Meta:
        model = CopyRequest
        fields = ["id", "source", "level", "level_label", "copies", "purpose", "requester", "unit", "department",
                  "authority_unit", "approval", "status", "status_label", "executed_by", "executed_at", "container",
                  "copies_made", "hidden_copies", "created_at"]
        read_only_fields = fields

    def get_hidden_copies(self, request) -> int:
        return selectors.copies_hidden(user=self.context["request"].user, request=request)

    @extend_schema_field(CarrierSerializer(many=True))
    def get_copies_made(self, request):
        user = self.context["request"].user
        copies = selectors.copies_of(user=user, request=request).prefetch_related(
            "scope_departments", "scope_people", "sources")
        return CarrierSerializer(copies, many=True, context=self.context).data


class CopyRequestCreateSerializer(StrictSerializer):
    source = VisiblePrimaryKeyField(model=Carrier, help_text=_("The carrier to copy."))
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES)
    purpose = CleanCharField(max_length=2000)


class CopyExecuteSerializer(StrictSerializer):
    container = VisiblePrimaryKeyField(model=Container, help_text=_("Where the copies are kept."))
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_COPIES, required=False, allow_null=True, default=None,
        help_text=_("How many copies to make; empty: the approved quantity. More than approved is refused."),
    )
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


# --- derivations ---------------------------------------------------------------------------------


class _TermsFields(StrictSerializer):
    sources = VisiblePrimaryKeyField(
        model=Carrier, many=True, help_text=_("The carriers extracted or quoted from, or the parts compiled."),
    )
    title = CleanCharField(max_length=300)
    purpose = CleanCharField(max_length=2000)
    carrier_kind = serializers.ChoiceField(choices=Carrier.Kind.choices, required=False, default="paper")
    medium = serializers.ChoiceField(choices=Carrier.Medium.choices, required=False, allow_blank=True, default="")
    level = LevelField(required=False, allow_null=True, default=None,
                       help_text=_("Empty: the highest level of the sources. Lower is refused."))
    secrecy_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    secrecy_months = serializers.IntegerField(min_value=0, max_value=11, required=False, allow_null=True, default=None)
    declassification_condition = CleanCharField(
        max_length=CONDITION_MAX, required=False, allow_blank=True, default="",
        help_text=_("Empty: the sources' conditions. A source's condition is always kept."),
    )
    period_start = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("Empty: the start of the period of the source that ends last."),
    )

    def validate_sources(self, value):
        if len(value) > MAX_SOURCES:
            raise serializers.ValidationError(_("Name at most %(max)d source carriers.") % {"max": MAX_SOURCES})
        return value


class DerivationCreateSerializer(_TermsFields):
    kind = serializers.ChoiceField(choices=Derivation.Kind.choices)
    container = VisiblePrimaryKeyField(
        model=Container, required=False, allow_null=True, default=None,
        help_text=_("Extract: where the derived carrier is kept (required)."),
    )
    password = serializers.CharField(
        write_only=True, max_length=128, required=False, allow_blank=True, default="",
        help_text=_("Extract: your password, to sign the registration (required)."),
    )

    def validate(self, data):
        if data["kind"] == Derivation.Kind.EXTRACT:
            errors = {}
            if data.get("container") is None:
                errors["container"] = [_("Choose the container the extract is kept in.")]
            if not data.get("password"):
                errors["password"] = [_("Enter your password to sign the registration.")]
            if errors:
                raise serializers.ValidationError(errors)
        return data


class DerivationPreviewSerializer(_TermsFields):
    kind = serializers.ChoiceField(choices=Derivation.Kind.choices)
    title = CleanCharField(max_length=300, required=False, allow_blank=True, default="")
    purpose = CleanCharField(max_length=2000, required=False, allow_blank=True, default="")


class DerivationMakeSerializer(StrictSerializer):
    container = VisiblePrimaryKeyField(model=Container, help_text=_("Where the compilation is kept."))
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class DerivationSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    marking = serializers.CharField(read_only=True)
    sources = CarrierRefSerializer(many=True, read_only=True)
    requester = PersonRefSerializer(read_only=True)
    made_by = PersonRefSerializer(read_only=True, allow_null=True)
    approval = ApprovalStatusSerializer(read_only=True, allow_null=True)
    carrier = serializers.SerializerMethodField()

    class Meta:
        model = Derivation
        fields = ["id", "kind", "kind_label", "title", "purpose", "sources", "carrier_kind", "medium", "level",
                  "level_label", "secrecy_years", "secrecy_months", "declassification_condition", "period_start",
                  "expires_on", "marking", "marking_zh", "marking_en", "requester", "unit", "department", "approval",
                  "status", "status_label", "carrier", "made_by", "made_at", "created_at"]
        read_only_fields = fields

    @extend_schema_field(CarrierRefSerializer(allow_null=True))
    def get_carrier(self, derivation):
        if derivation.carrier_id is None:
            return None
        return CarrierRefSerializer(derivation.carrier, context=self.context).data


class TermsSerializer(serializers.Serializer):
    level = LevelField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    secrecy_years = serializers.IntegerField(read_only=True, allow_null=True)
    secrecy_months = serializers.IntegerField(read_only=True, allow_null=True)
    declassification_condition = serializers.CharField(source="condition", read_only=True)
    expires_on = serializers.DateField(read_only=True, allow_null=True)


class PreviewSerializer(serializers.Serializer):
    inherited = TermsSerializer(read_only=True)
    terms = TermsSerializer(read_only=True)
    marking_zh = serializers.CharField(read_only=True)
    marking_en = serializers.CharField(read_only=True)
    allowed = serializers.BooleanField(read_only=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), read_only=True)


# --- lineage -------------------------------------------------------------------------------------


class LineageNodeSerializer(CarrierRefSerializer):
    depth = serializers.IntegerField(source="lineage_depth", read_only=True)
    made_how = serializers.CharField(read_only=True)

    class Meta(CarrierRefSerializer.Meta):
        fields = [*CarrierRefSerializer.Meta.fields, "depth", "made_how"]
        read_only_fields = fields


class LineageSerializer(serializers.Serializer):
    carrier = CarrierRefSerializer(read_only=True)
    made_how = serializers.CharField(read_only=True)
    ancestors = LineageNodeSerializer(many=True, read_only=True)
    descendants = LineageNodeSerializer(many=True, read_only=True)
    edges = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()), read_only=True,
        help_text=_("[derived carrier id, source carrier id] pairs among the carriers shown."),
    )
