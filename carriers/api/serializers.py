from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from personnel.models import Unit

from ..models import BasisKind, Carrier, Container, Handover, SecretMatterItem


class UnitRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_zh", "name_en"]


class ContainerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    max_level = LevelField()
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Container
        fields = ["id", "code", "name", "name_zh", "name_en", "kind", "unit", "department", "max_level", "location", "is_active"]


class PersonRefSerializer(serializers.Serializer):
    """A person as the API shows them wherever one is named (holder, recipient, courier...)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_full_name(self, user):
        person = getattr(user, "person", None)
        return person.full_name if person else user.get_username()


class CarrierSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    marking = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    holder = PersonRefSerializer(read_only=True)
    container = serializers.SerializerMethodField()
    scope_departments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    scope_people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Carrier
        fields = [
            "id", "registry_number", "unit", "kind", "kind_label", "medium", "is_coded_telegram", "title",
            "document_number", "originator", "originating_unit", "level", "level_label",
            "secrecy_years", "secrecy_months", "declassification_condition", "period_start", "expires_on",
            "marking", "marking_zh", "marking_en", "copy_number", "copies_total", "scope_departments",
            "scope_people", "holder", "container", "status", "status_label", "sources", "basis_kind", "basis_item",
            "classifier", "classified_on", "registered_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_container(self, carrier):
        if carrier.container_id is None:
            return None
        return {"id": carrier.container_id, "code": carrier.container.code, "name": carrier.container.name}


class CarrierRegisterSerializer(StrictSerializer):
    """Register a carrier received from outside or already held. `password` signs the entry."""

    kind = serializers.ChoiceField(choices=Carrier.Kind.choices)
    medium = serializers.ChoiceField(choices=Carrier.Medium.choices, required=False, allow_blank=True, default="")
    is_coded_telegram = serializers.BooleanField(required=False, default=False)
    title = CleanCharField(max_length=300)
    document_number = CleanCharField(max_length=100, required=False, allow_blank=True, default="")
    originator = CleanCharField(max_length=200)
    originating_unit = VisiblePrimaryKeyField(model=Unit, required=False, allow_null=True, default=None)
    level = LevelField()
    secrecy_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    secrecy_months = serializers.IntegerField(min_value=0, max_value=11, required=False, allow_null=True, default=None)
    declassification_condition = CleanCharField(max_length=300, required=False, allow_blank=True, default="")
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    copy_number = CleanCharField(max_length=6, required=False, allow_blank=True, default="")
    copies_total = serializers.IntegerField(min_value=1, max_value=100000, required=False, default=1)
    scope_departments = VisiblePrimaryKeyField(model=Unit, many=True, required=False, default=list)
    scope_people = VisiblePrimaryKeyField(
        model=get_user_model(), queryset=get_user_model().objects.all(), many=True, required=False, default=list
    )
    container = VisiblePrimaryKeyField(model=Container)
    basis_kind = serializers.ChoiceField(
        choices=[c for c in BasisKind.choices if c[0] != BasisKind.PRODUCTION_APPROVAL], required=False,
        allow_blank=True, default="",
        help_text=_("Empty: derived when sources are named, otherwise as its originator determined."),
    )
    basis_item = VisiblePrimaryKeyField(model=SecretMatterItem, required=False, allow_null=True, default=None)
    classifier = VisiblePrimaryKeyField(
        model=get_user_model(), queryset=get_user_model().objects.all(), required=False, allow_null=True, default=None,
    )
    classified_on = serializers.DateField(required=False, allow_null=True, default=None)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"},
        help_text=_("Your password again: the registration is signed with it."),
    )


class HandoverItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="carrier.id")
    registry_number = serializers.CharField(source="carrier.registry_number")


class HandoverSerializer(serializers.ModelSerializer):
    items = HandoverItemSerializer(many=True, read_only=True)
    giver_signature = serializers.SerializerMethodField()
    taker_signature = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = ["id", "kind", "giver", "taker", "channel", "declared_count", "counted_count", "status", "note",
                  "items", "giver_signature", "taker_signature", "created_at", "completed_at"]
        read_only_fields = fields

    @staticmethod
    def _sig(signature):
        if signature is None:
            return None
        return {"printed_name": signature.printed_name, "signed_at": signature.signed_at,
                "meaning": signature.meaning, "content_hash": signature.content_hash}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_giver_signature(self, obj):
        return self._sig(obj.giver_signature)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_taker_signature(self, obj):
        return self._sig(obj.taker_signature)


class HandoverStartSerializer(StrictSerializer):
    taker = VisiblePrimaryKeyField(model=get_user_model())
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True, max_length=128)


class HandoverAcceptSerializer(StrictSerializer):
    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128)


class HandoverCancelSerializer(StrictSerializer):
    reason = CleanCharField(max_length=500)
