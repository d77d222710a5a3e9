from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer
from carriers.models import Carrier
from common.api.serializers import (
    CleanCharField,
    LevelField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from ..models import Incident, IncidentStep


class IncidentStepSerializer(serializers.ModelSerializer):
    actor = PersonRefSerializer(read_only=True)

    class Meta:
        model = IncidentStep
        fields = ["id", "kind", "text", "happened_at", "actor", "recorded_at"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    level = LevelField(allow_null=True, read_only=True)
    carriers = serializers.SlugRelatedField(slug_field="registry_number", many=True, read_only=True)
    reporter = PersonRefSerializer(read_only=True, allow_null=True)
    last_holder = PersonRefSerializer(read_only=True, allow_null=True)
    concerns = PersonRefSerializer(read_only=True, allow_null=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)
    steps = IncidentStepSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id", "number", "kind", "status", "unit", "summary", "occurred_at", "level", "carriers", "last_seen",
            "last_holder", "concerns", "reporter", "anonymous", "source", "remedial_measures", "remedied_at",
            "reported_to", "reported_to_at", "reported_at", "closed_by", "closed_at", "closing_note", "routed_to_head", "steps",
        ]
        read_only_fields = fields


class IncidentReportSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    summary = CleanCharField(max_length=4000, help_text=_("What happened (never the secret content itself)."))
    occurred_at = serializers.DateTimeField(required=False, default=None, allow_null=True)
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, required=False, default=list)
    last_seen = CleanCharField(max_length=500, required=False, allow_blank=True, default="")
    concerns = VisiblePrimaryKeyField(model=get_user_model(), required=False, allow_null=True, default=None,
                                      help_text=_("Whose act it was, if known (a person of your unit)."))
    anonymous = serializers.BooleanField(required=False, default=False,
                                         help_text=_("Report to the secrecy office without your name on it."))
    remedial_measures = CleanCharField(max_length=4000, required=False, allow_blank=True, default="",
                                       help_text=_("What you have already done to limit the harm."))


class IncidentStepCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=[c for c in IncidentStep.Kind.choices if c[0] != "close"])
    text = CleanCharField(max_length=4000)
    happened_at = serializers.DateTimeField(required=False, default=None, allow_null=True)


class IncidentCloseSerializer(StrictSerializer):
    conclusion = CleanCharField(max_length=4000)
    password = serializers.CharField(write_only=True, max_length=256,
                                     help_text=_("Your password again: you sign the closing with it."))
