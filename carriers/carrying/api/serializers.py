from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer, UnitRefSerializer
from carriers.models import Carrier, Container
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from .. import selectors
from ..models import CarryOutRequest, Scope


class ChoicePrimaryKeyField(VisiblePrimaryKeyField):
    """A primary key among the rows a selector offers this user; anything else "does not exist"."""

    def __init__(self, *, choices_for, **kwargs):
        self.choices_for = choices_for
        super().__init__(model=kwargs.pop("model"), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.choices_for(user=getattr(request, "user", None))


def signature_data(signature):
    if signature is None:
        return None
    return {"printed_name": signature.printed_name, "signed_at": signature.signed_at, "meaning": signature.meaning,
            "meaning_label": signature.get_meaning_display(), "content_hash": signature.content_hash}


def _handover(handover):
    if handover is None:
        return None
    return {"id": handover.pk, "kind": handover.kind, "status": handover.status, "giver": handover.giver_id,
            "taker": handover.taker_id, "declared_count": handover.declared_count,
            "counted_count": handover.counted_count, "giver_signature": signature_data(handover.giver_signature),
            "taker_signature": signature_data(handover.taker_signature)}


class CarryOutRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    requester = PersonRefSerializer(read_only=True)
    carrier_person = PersonRefSerializer(read_only=True)
    checked_out_by = PersonRefSerializer(read_only=True, allow_null=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level = LevelField(read_only=True)
    carrier_count = serializers.IntegerField(read_only=True)
    hidden_carriers = serializers.SerializerMethodField(
        help_text=_("How many carriers the caller may not open: counted, never named."))
    carriers = serializers.SerializerMethodField()
    approval = serializers.SerializerMethodField()
    check_out = serializers.SerializerMethodField()
    check_in = serializers.SerializerMethodField()

    class Meta:
        model = CarryOutRequest
        fields = [
            "id", "number", "unit", "requester", "carrier_person", "carrier_count", "carriers", "hidden_carriers",
            "purpose",
            "destination", "scope", "scope_label", "protective_measures", "expected_return", "level", "status",
            "status_label", "approval", "checked_out_by", "checked_out_at", "check_out", "checked_in_at",
            "check_in", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_carriers(self, carry):
        """The listed carriers the caller may see."""
        return [{"id": c.pk, "registry_number": c.registry_number, "title": c.title,
                 "level": LevelField().to_representation(c.level), "marking": c.marking, "status": c.status}
                for c in carry.visible_carriers]

    def get_hidden_carriers(self, carry) -> int:
        return carry.carrier_count - len(carry.visible_carriers)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_approval(self, carry):
        if carry.approval_id is None:
            return None
        return {"id": carry.approval_id, "kind": carry.approval.kind, "variant": carry.approval.variant,
                "status": carry.approval.status, "status_label": carry.approval.get_status_display()}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_check_out(self, carry):
        return _handover(carry.checkout_handover)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_check_in(self, carry):
        return _handover(carry.checkin_handover)


class CarryOutRequestCreateSerializer(StrictSerializer):
    """Ask to carry carriers out. `carrier_person` defaults to the caller; `briefed` confirms the
    person carrying was told the rules (R5: no unrelated errands, shops or entertainment places)."""

    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    carrier_person = ChoicePrimaryKeyField(model=get_user_model(), choices_for=selectors.carrier_person_choices,
                                           required=False, allow_null=True, default=None)
    purpose = CleanCharField(max_length=2000)
    destination = CleanCharField(max_length=200)
    scope = serializers.ChoiceField(choices=Scope.choices)
    protective_measures = CleanCharField(max_length=500)
    expected_return = serializers.DateField()
    briefed = serializers.BooleanField(
        required=False, default=False,
        help_text=_("The person carrying has been told the rules for carrying out."),
    )


class CountSignSerializer(StrictSerializer):
    """Count and sign: the giver's declared count (check-out, check-in)."""

    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class AcceptSerializer(StrictSerializer):
    """The taker counts, checks and signs."""

    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class CheckInAcceptSerializer(AcceptSerializer):
    container = VisiblePrimaryKeyField(model=Container)
