from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer
from carriers.models import Carrier
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from ..models import Hold

PASSWORD_HELP = _("Your password again: you sign with it.")


class HoldSerializer(serializers.ModelSerializer):
    """A hold, its carriers by registry number (the gate shows a hold only to readers of all of them)."""

    level = LevelField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    incident = serializers.SerializerMethodField()
    carriers = serializers.SerializerMethodField()
    placed_by = PersonRefSerializer(read_only=True)
    lifted_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Hold
        fields = ["id", "number", "kind", "kind_label", "reason", "incident", "level", "carrier_count", "carriers",
                  "placed_by", "placed_at", "lifted_by", "lifted_at", "lift_reason"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_incident(self, hold):
        # only an incident the reader may see is named (carriers.holds.selectors.visible_holds)
        return hold.incident.number if hold.incident_id and getattr(hold, "incident_seen", False) else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_carriers(self, hold):
        return sorted(item.carrier.registry_number for item in hold.items.all())


class HoldCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    reason = CleanCharField(max_length=2000)
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    incident = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True,
                                        default=None)


class HoldFromIncidentSerializer(StrictSerializer):
    incident = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = CleanCharField(max_length=2000)


class HoldLiftSerializer(StrictSerializer):
    reason = CleanCharField(max_length=2000)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"},
                                     help_text=PASSWORD_HELP)
