from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer
from carriers.models import Carrier, Container
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from personnel.models import Unit

from ..models import Archive, ContainerAccess, Filing, Inventory, InventoryLine, TemporaryRetention

PASSWORD_HELP = _("Your password again: you sign with it.")


def signature_data(signature):
    if signature is None:
        return None
    return {"printed_name": signature.printed_name, "signed_at": signature.signed_at, "meaning": signature.meaning,
            "meaning_label": signature.get_meaning_display(), "content_hash": signature.content_hash}


class StorageContainerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Container
        fields = ["id", "code", "name", "kind"]
        read_only_fields = fields


class StoredCarrierSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    marking = serializers.CharField(read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "registry_number", "title", "level", "marking", "status"]
        read_only_fields = fields


# --- container access log ----------------------------------------------------------------------


class ContainerAccessSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = ContainerAccess
        fields = ["id", "container", "action", "action_label", "by", "at", "note"]
        read_only_fields = fields


class ContainerAccessCreateSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=ContainerAccess.Action.choices)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")


# --- storing -------------------------------------------------------------------------------------


class StorageEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carrier = StoredCarrierSerializer()
    from_container = StorageContainerSerializer(allow_null=True)
    to_container = StorageContainerSerializer()
    level = LevelField()
    stored_by = PersonRefSerializer()
    stored_at = serializers.DateTimeField()
    note = serializers.CharField()
    retention = serializers.IntegerField(source="retention_id", allow_null=True)


class StoreSerializer(StrictSerializer):
    carrier = VisiblePrimaryKeyField(model=Carrier)
    container = VisiblePrimaryKeyField(model=Container)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")


# --- retentions ---------------------------------------------------------------------------------


class RetentionSerializer(serializers.ModelSerializer):
    carrier = StoredCarrierSerializer(read_only=True)
    holder = PersonRefSerializer(read_only=True)
    level = LevelField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    container_before = StorageContainerSerializer(read_only=True, allow_null=True)
    approval_status = serializers.SerializerMethodField()

    class Meta:
        model = TemporaryRetention
        fields = ["id", "carrier", "holder", "unit", "level", "reason", "ends_on", "status", "status_label",
                  "approval", "approval_status", "container_before", "requested_at", "started_at", "ended_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approval_status(self, retention):
        return retention.approval.status if retention.approval_id else None


class RetentionCreateSerializer(StrictSerializer):
    carrier = VisiblePrimaryKeyField(model=Carrier)
    reason = CleanCharField(max_length=500)
    ends_on = serializers.DateField()


# --- archives and filings --------------------------------------------------------------------


class ArchiveSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    keeper = PersonRefSerializer(read_only=True)
    container = StorageContainerSerializer(read_only=True)

    class Meta:
        model = Archive
        fields = ["id", "unit", "name", "name_zh", "name_en", "keeper", "container", "is_active", "created_at"]
        read_only_fields = fields


class ArchiveCreateSerializer(StrictSerializer):
    name_zh = CleanCharField(max_length=200)
    name_en = CleanCharField(max_length=200)
    keeper = VisiblePrimaryKeyField(model=get_user_model())
    container = VisiblePrimaryKeyField(model=Container)


class FilingSerializer(serializers.ModelSerializer):
    archive = ArchiveSerializer(read_only=True)
    filed_by = PersonRefSerializer(read_only=True)
    level = LevelField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    carriers = serializers.SerializerMethodField()
    filer_signature = serializers.SerializerMethodField()
    keeper_signature = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = ["id", "archive", "handover", "level", "filed_by", "filed_at", "status", "status_label",
                  "archived_at", "carriers", "filer_signature", "keeper_signature"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_carriers(self, filing):
        return [item.carrier.registry_number for item in filing.handover.items.all()]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_filer_signature(self, filing):
        return signature_data(filing.handover.giver_signature)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_keeper_signature(self, filing):
        return signature_data(filing.handover.taker_signature)


class FilingCreateSerializer(StrictSerializer):
    archive = VisiblePrimaryKeyField(model=Archive)
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class FilingAcceptSerializer(StrictSerializer):
    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class FilingCancelSerializer(StrictSerializer):
    reason = CleanCharField(max_length=500)


# --- inventories --------------------------------------------------------------------------------


class InventoryLineSerializer(serializers.ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    level = LevelField(read_only=True, allow_null=True)
    in_registry = serializers.SerializerMethodField()
    expected_container = StorageContainerSerializer(read_only=True, allow_null=True)
    seen_container = StorageContainerSerializer(read_only=True, allow_null=True)
    expected_holder = PersonRefSerializer(read_only=True, allow_null=True)
    seen_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = InventoryLine
        fields = ["id", "registry_number", "in_registry", "expected", "level", "expected_status", "expected_container",
                  "expected_holder", "outcome", "outcome_label", "seen_container", "seen_by", "seen_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_in_registry(self, line):
        return line.carrier_id is not None


class InventorySerializer(serializers.ModelSerializer):
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level = LevelField(read_only=True)
    container = StorageContainerSerializer(read_only=True, allow_null=True)
    opened_by = PersonRefSerializer(read_only=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)
    counts = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()

    class Meta:
        model = Inventory
        fields = ["id", "unit", "scope", "scope_label", "department", "container", "level", "status", "status_label",
                  "note", "expected_count", "counts", "opened_by", "opened_at", "closed_by", "closed_at",
                  "remedial_measures", "reported_to", "signatures"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, inventory):
        return {name: getattr(inventory, f"{name}_count", 0) for name in
                ("found", "misplaced", "unexpected", "missing", "pending", "left")}

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_signatures(self, inventory):
        return [signature_data(s) for s in (inventory.first_signature, inventory.second_signature) if s is not None]


class InventoryDetailSerializer(InventorySerializer):
    lines = serializers.SerializerMethodField()
    hidden_lines = serializers.SerializerMethodField()
    incidents = serializers.SerializerMethodField()

    class Meta(InventorySerializer.Meta):
        fields = [*InventorySerializer.Meta.fields, "lines", "hidden_lines", "incidents"]
        read_only_fields = fields

    @extend_schema_field(InventoryLineSerializer(many=True))
    def get_lines(self, inventory):
        """The lines the caller may see: a line naming a carrier they may not open is left out."""
        from .. import selectors

        request = self.context.get("request")
        lines = selectors.inventory_lines(user=getattr(request, "user", None), inventory=inventory)
        return InventoryLineSerializer(lines, many=True).data

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_lines(self, inventory):
        """How many lines name a carrier the caller may not open (counted, never named)."""
        from .. import selectors

        request = self.context.get("request")
        return selectors.hidden_lines(user=getattr(request, "user", None), inventory=inventory)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_incidents(self, inventory):
        from .. import selectors

        request = self.context.get("request")
        return [{"id": i.pk, "number": i.number} for i in
                selectors.inventory_incidents(user=getattr(request, "user", None), inventory=inventory)]


class InventoryCreateSerializer(StrictSerializer):
    scope = serializers.ChoiceField(choices=Inventory.Scope.choices)
    department = VisiblePrimaryKeyField(model=Unit, required=False, allow_null=True, default=None)
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)
    note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")


class InventoryConfirmSerializer(StrictSerializer):
    registry_number = CleanCharField(max_length=40)
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)


class InventoryCloseSerializer(StrictSerializer):
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)
    second_signer = VisiblePrimaryKeyField(model=get_user_model(), required=False, allow_null=True, default=None,
                                           help_text=_("The second person who signs (another person)."))
    second_password = serializers.CharField(write_only=True, max_length=128, required=False, allow_blank=True,
                                            default="", help_text=_("The second signer's password."))
    second_otp = serializers.CharField(write_only=True, max_length=12, required=False, allow_blank=True, default="",
                                       help_text=_("The second signer's one-time code, if enrolled."))
    remedial_measures = CleanCharField(max_length=1000, required=False, allow_blank=True, default="")
    reported_to = CleanCharField(max_length=300, required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        from audit.services import SigningSecret

        values["second_password"] = SigningSecret(values.get("second_password", ""), otp=values.pop("second_otp", ""))
        return values
