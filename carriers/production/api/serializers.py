from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import CarrierSerializer
from carriers.models import Carrier, Container, Disposition, IntermediateKind
from common.api.serializers import (
    CleanCharField,
    LevelField,
    SafePrimaryKeyField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from personnel.models import Unit

from .. import selectors
from ..models import Enterprise, ProductionPlace, ProductionRequest, ProductionRun
from ..rules import DESCRIPTION_MAX, MAX_COPIES

PASSWORD_HELP = _("Your password again: you sign what is registered with it.")
HIDDEN_HELP = _("How many carriers the caller may not open: counted, never named.")


class ProductionPlaceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    max_level = LevelField()

    class Meta:
        model = ProductionPlace
        fields = ["id", "unit", "name", "name_zh", "name_en", "approval_reference", "max_level", "valid_from",
                  "valid_until", "location", "is_active", "created_at"]
        read_only_fields = fields


class ProductionPlaceCreateSerializer(StrictSerializer):
    name_zh = CleanCharField(max_length=200)
    name_en = CleanCharField(max_length=200)
    approval_reference = CleanCharField(max_length=100, required=False, allow_blank=True, default="")
    max_level = LevelField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    location = CleanCharField(max_length=200, required=False, allow_blank=True, default="")


class EnterpriseSerializer(serializers.ModelSerializer):
    licensed_level = LevelField(allow_null=True)

    class Meta:
        model = Enterprise
        fields = ["id", "unit", "name", "licence_number", "licensed_level", "licence_valid_until", "is_individual",
                  "is_active", "created_at"]
        read_only_fields = fields


class EnterpriseCreateSerializer(StrictSerializer):
    name = CleanCharField(max_length=200)
    licence_number = CleanCharField(max_length=100, required=False, allow_blank=True, default="")
    licensed_level = LevelField(required=False, allow_null=True, default=None)
    licence_valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    is_individual = serializers.BooleanField(required=False, default=False)




class ScopeUnitField(SafePrimaryKeyField):
    """Another top-level unit (the gate's unit list holds only the caller's own)."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.scope_unit_choices(user=getattr(request, "user", None))


class ProductionRequestCreateSerializer(StrictSerializer):
    title = CleanCharField(max_length=300)
    kind = serializers.ChoiceField(choices=Carrier.Kind.choices)
    medium = serializers.ChoiceField(choices=Carrier.Medium.choices, required=False, allow_blank=True, default="")
    level = LevelField()
    secrecy_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    secrecy_months = serializers.IntegerField(min_value=0, max_value=11, required=False, allow_null=True, default=None)
    declassification_condition = CleanCharField(max_length=300, required=False, allow_blank=True, default="")
    scope_departments = VisiblePrimaryKeyField(model=Unit, many=True, required=False, default=list)
    scope_people = VisiblePrimaryKeyField(
        model=get_user_model(), queryset=get_user_model().objects.all(), many=True, required=False, default=list
    )
    scope_units = ScopeUnitField(queryset=Unit.objects.all(), many=True, required=False, default=list)
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES)
    purpose = CleanCharField(max_length=2000)
    place = VisiblePrimaryKeyField(model=ProductionPlace, required=False, allow_null=True, default=None)
    enterprise = VisiblePrimaryKeyField(model=Enterprise, required=False, allow_null=True, default=None)


class ProductionRunCreateSerializer(StrictSerializer):
    container = VisiblePrimaryKeyField(model=Container)
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_COPIES, required=False, allow_null=True, default=None,
        help_text=_("Optional check: the run makes exactly the approved number of copies; more is refused."),
    )
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class IntermediateCreateSerializer(StrictSerializer):
    intermediate_kind = serializers.ChoiceField(choices=IntermediateKind.choices)
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    description = CleanCharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    container = VisiblePrimaryKeyField(
        model=Container, required=False, allow_null=True, default=None,
        help_text=_("Where it is kept until used or destroyed; empty: the run's container."),
    )
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class ProductionCarrierSerializer(CarrierSerializer):
    intermediate_kind_label = serializers.CharField(source="get_intermediate_kind_display", read_only=True)

    class Meta(CarrierSerializer.Meta):
        fields = [*CarrierSerializer.Meta.fields, "production_run", "intermediate_kind", "intermediate_kind_label",
                  "disposition", "dispose_by"]
        read_only_fields = fields


class ProductionRunSerializer(serializers.ModelSerializer):
    copies = serializers.SerializerMethodField()
    hidden_copies = serializers.SerializerMethodField(help_text=HIDDEN_HELP)

    class Meta:
        model = ProductionRun
        fields = ["id", "request", "run_by", "run_at", "container", "copies_made", "copies", "hidden_copies"]
        read_only_fields = fields

    def get_hidden_copies(self, run) -> int:
        return selectors.run_hidden(user=self.context["request"].user, run=run)["copies"]

    @extend_schema_field(ProductionCarrierSerializer(many=True))
    def get_copies(self, run):
        copies = selectors.run_copies(user=self.context["request"].user, run=run).prefetch_related(
            "scope_departments", "scope_people", "sources"
        )
        return ProductionCarrierSerializer(copies, many=True, context=self.context).data


class ApprovalStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    approved_quantity = serializers.IntegerField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    consumed_at = serializers.DateTimeField(allow_null=True)


class ProductionRequestSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    marking = serializers.CharField(read_only=True)
    approval = ApprovalStatusSerializer(read_only=True, allow_null=True)
    run = serializers.SerializerMethodField()

    class Meta:
        model = ProductionRequest
        fields = [
            "id", "title", "kind", "medium", "level", "level_label", "secrecy_years", "secrecy_months",
            "declassification_condition", "marking", "marking_zh", "marking_en", "scope_departments",
            "scope_people", "scope_units", "copies", "purpose", "place", "enterprise", "requester", "unit",
            "department", "status", "status_label", "approval", "run", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_run(self, production):
        run = getattr(production, "run", None)  # the reverse one-to-one: None before the run
        if run is None:
            return None
        return {"id": run.pk, "run_at": run.run_at, "copies_made": run.copies_made, "container": run.container_id}
