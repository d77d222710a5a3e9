from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer, UnitRefSerializer
from carriers.models import Carrier
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)
from common.levels import LEVEL_BY_CODE

from ..models import ConditionMet, DeclassificationReview, Outcome

UNCLASSIFIED = "UNCLASSIFIED"


class NewLevelField(serializers.ChoiceField):
    """A level code; UNCLASSIFIED is understood so that the rule can refuse it with its reason."""

    def __init__(self, **kwargs):
        super().__init__(choices=[*LEVEL_BY_CODE, UNCLASSIFIED], **kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        return 0 if code == UNCLASSIFIED else LEVEL_BY_CODE[code]

    def to_representation(self, value):
        return LevelField().to_representation(value)


def _carrier_ref(carrier):
    return {"id": carrier.pk, "registry_number": carrier.registry_number, "title": carrier.title,
            "level": LevelField().to_representation(carrier.level), "marking": carrier.marking,
            "expires_on": carrier.expires_on, "status": carrier.status}


class ConditionMetSerializer(serializers.ModelSerializer):
    carrier = serializers.SerializerMethodField()
    unit = UnitRefSerializer(read_only=True)
    recorded_by = PersonRefSerializer(read_only=True)
    level = LevelField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConditionMet
        fields = ["id", "carrier", "unit", "level", "condition", "note", "met_on", "recorded_by", "recorded_at",
                  "is_open", "closed_by", "closed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_carrier(self, row):
        return _carrier_ref(row.carrier)


class DeclassificationReviewSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    carrier = serializers.SerializerMethodField()
    unit = UnitRefSerializer(read_only=True)
    requester = PersonRefSerializer(read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level = LevelField(read_only=True)
    new_level = LevelField(read_only=True, allow_null=True)
    approval = serializers.SerializerMethodField()

    class Meta:
        model = DeclassificationReview
        fields = [
            "id", "number", "carrier", "unit", "requester", "outcome", "outcome_label", "reason", "condition_met",
            "level", "secrecy_years", "secrecy_months", "expires_on", "new_level", "new_secrecy_years",
            "new_secrecy_months", "new_expires_on", "new_marking_zh", "new_marking_en", "status", "status_label",
            "approval", "created_at", "applied_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_carrier(self, review):
        return _carrier_ref(review.carrier)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_approval(self, review):
        if review.approval_id is None:
            return None
        return {"id": review.approval_id, "status": review.approval.status,
                "status_label": review.approval.get_status_display()}


class DeclassificationReviewCreateSerializer(StrictSerializer):
    """Propose a review: `extend` names the new period (years/months from the period's start, never
    beyond the statutory maximum); `downgrade` names a lower level (never UNCLASSIFIED) and
    optionally a new period; `declassify` names neither."""

    carrier = VisiblePrimaryKeyField(model=Carrier)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = CleanCharField(max_length=2000)
    new_level = NewLevelField(required=False, allow_null=True, default=None)
    new_secrecy_years = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                                 max_value=100)
    new_secrecy_months = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                                  max_value=11)


class ConditionMetCreateSerializer(StrictSerializer):
    carrier = VisiblePrimaryKeyField(model=Carrier)
    note = CleanCharField(max_length=1000, help_text=_("How and when the declassification condition was met."))
    met_on = serializers.DateField(required=False, allow_null=True, default=None)


class QueueCarrierSerializer(serializers.Serializer):
    """A carrier in the review queue."""

    id = serializers.IntegerField()
    registry_number = serializers.CharField()
    title = serializers.CharField()
    level = LevelField()
    marking = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    declassification_condition = serializers.CharField()
    status = serializers.CharField()
    condition_open = serializers.BooleanField()
    review_open = serializers.BooleanField()
