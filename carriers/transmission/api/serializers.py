from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.models import ApprovalRequest
from carriers.api.serializers import PersonRefSerializer, UnitRefSerializer
from carriers.models import Carrier, Container
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from personnel.models import Unit

from .. import selectors
from ..models import Channel, Dispatch, DispatchDiscrepancy

MAX_ID = VisiblePrimaryKeyField.MAX_ID


class ChoicePrimaryKeyField(VisiblePrimaryKeyField):
    """A primary key among the rows a selector offers this user (e.g. the recipients they may
    address); anything else, huge ids included, is "does not exist"."""

    def __init__(self, *, choices_for, **kwargs):
        self.choices_for = choices_for
        super().__init__(model=kwargs.pop("model"), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.choices_for(user=getattr(request, "user", None))


class RecipientSerializer(PersonRefSerializer):
    unit = UnitRefSerializer(source="person.unit")
    is_secrecy_office = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField())
    def get_is_secrecy_office(self, user):
        return any(group.name == "secrecy_office" for group in user.groups.all())


def _signature(signature):
    if signature is None:
        return None
    return {"printed_name": signature.printed_name, "signed_at": signature.signed_at, "meaning": signature.meaning,
            "meaning_label": signature.get_meaning_display(), "content_hash": signature.content_hash}


class DiscrepancySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    resolution_label = serializers.CharField(source="get_resolution_display", read_only=True)
    carrier = serializers.SerializerMethodField()
    recorded_by = PersonRefSerializer(read_only=True)
    resolved_by = PersonRefSerializer(read_only=True, allow_null=True)
    signature = serializers.SerializerMethodField()

    class Meta:
        model = DispatchDiscrepancy
        fields = ["id", "kind", "kind_label", "carrier", "description", "expected_count", "counted_count",
                  "recorded_by", "recorded_at", "resolution", "resolution_label", "resolution_note", "resolved_by",
                  "resolved_at", "signature"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_carrier(self, row):
        if row.carrier_id is None:
            return None
        return {"id": row.carrier_id, "registry_number": row.carrier.registry_number}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_signature(self, row):
        return _signature(row.signature)


class DispatchSerializer(serializers.ModelSerializer):
    sending_unit = UnitRefSerializer(read_only=True)
    receiving_unit = UnitRefSerializer(read_only=True)
    recipient = PersonRefSerializer(read_only=True)
    dispatched_by = PersonRefSerializer(read_only=True)
    received_by = PersonRefSerializer(read_only=True, allow_null=True)
    courier = PersonRefSerializer(read_only=True, allow_null=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level = LevelField(read_only=True)
    carrier_count = serializers.IntegerField(read_only=True)
    carriers = serializers.SerializerMethodField()
    hidden_carriers = serializers.SerializerMethodField()
    container = serializers.SerializerMethodField()
    sender_signature = serializers.SerializerMethodField()
    recipient_signature = serializers.SerializerMethodField()
    discrepancies = DiscrepancySerializer(many=True, read_only=True)

    class Meta:
        model = Dispatch
        fields = [
            "id", "number", "sending_unit", "receiving_unit", "recipient", "channel", "channel_label", "is_abroad",
            "destination", "approval", "courier", "route", "protective_measures", "level", "declared_count",
            "carrier_count", "carriers", "hidden_carriers", "status", "status_label", "note", "dispatched_by", "dispatched_at",
            "sender_signature", "receipt_number", "received_by", "received_at", "counted_count", "receipt_note",
            "container", "recipient_signature", "discrepancies", "resolved_at", "handover",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_carriers(self, dispatch):
        """The listed carriers the caller may see, each with where it stands."""
        return [
            {"id": line["carrier"].pk, "registry_number": line["carrier"].registry_number,
             "title": line["carrier"].title, "level": LevelField().to_representation(line["carrier"].level),
             "marking": line["carrier"].marking, "state": line["state"]}
            for line in selectors.carrier_lines(dispatch=dispatch)
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_carriers(self, dispatch):
        """How many listed carriers the caller may not open (counted, never named)."""
        return dispatch.carrier_count - len(dispatch.handover.visible_items)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_container(self, dispatch):
        if dispatch.container_id is None:
            return None
        return {"id": dispatch.container_id, "code": dispatch.container.code}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_sender_signature(self, dispatch):
        return _signature(dispatch.handover.giver_signature)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_recipient_signature(self, dispatch):
        return _signature(dispatch.handover.taker_signature)


class DispatchCreateSerializer(StrictSerializer):
    """Register, number and sign a dispatch. `password` signs it (the sender's signature)."""

    recipient = ChoicePrimaryKeyField(model=get_user_model(), choices_for=selectors.recipient_choices)
    receiving_unit = ChoicePrimaryKeyField(
        model=Unit, choices_for=lambda user: Unit.objects.filter(kind=Unit.Kind.UNIT), required=False,
        allow_null=True, default=None, help_text=_("Optional: when given, the recipient must belong to it."),
    )
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    # every channel is a valid choice, ordinary mail included: its refusal is the rule's, with the reason
    channel = serializers.ChoiceField(choices=Channel.choices)
    is_abroad = serializers.BooleanField(required=False, default=False)
    destination = CleanCharField(max_length=200, required=False, allow_blank=True, default="")
    approval = VisiblePrimaryKeyField(model=ApprovalRequest, required=False, allow_null=True, default=None)
    courier = ChoicePrimaryKeyField(model=get_user_model(), choices_for=selectors.courier_choices, required=False,
                                    allow_null=True, default=None)
    route = CleanCharField(max_length=300, required=False, allow_blank=True, default="")
    protective_measures = CleanCharField(max_length=500, required=False, allow_blank=True, default="")
    note = CleanCharField(max_length=400, required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class DispatchReceiveSerializer(StrictSerializer):
    """The recipient counts, checks and signs. `carriers`: the listed carriers that arrived
    (default: all listed). Any difference needs `discrepancy_note`, or nothing is signed."""

    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    carriers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, allow_null=True,
        default=None, max_length=100000,
    )
    unexpected = serializers.ListField(
        child=CleanCharField(max_length=300), required=False, default=list, max_length=1000,
        help_text=_("Anything that arrived but is not on the list (its number, marking, description)."),
    )
    discrepancy_note = CleanCharField(max_length=1000, required=False, allow_blank=True, default="")
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class DispatchResolveSerializer(StrictSerializer):
    discrepancy = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    resolution = serializers.ChoiceField(choices=DispatchDiscrepancy.Resolution.choices)
    note = CleanCharField(max_length=500)
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
