"""The API's view of holdings reviews and spot checks (issue 19, items 3 and 4)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carriers.api.serializers import PersonRefSerializer
from common.api.serializers import CleanCharField, LevelField, StrictSerializer
from common.levels import LEVEL_CODES, Level

from .. import rules
from ..models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine


class HoldingsReviewSerializer(serializers.ModelSerializer):
    """A holdings review (清理) of a unit: every holder confirms each carrier they hold."""

    level = LevelField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    answered_count = serializers.IntegerField(read_only=True, help_text=_("Lines answered so far."))
    opened_by = PersonRefSerializer(read_only=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HoldingsReview
        fields = ["id", "number", "note", "due_on", "level", "line_count", "answered_count", "is_open",
                  "opened_by", "opened_at", "closed_by", "closed_at"]
        read_only_fields = fields


class ReviewLineSerializer(serializers.ModelSerializer):
    """One carrier of a review, answered by its holder: keep (with a reason), return or propose
    destruction."""

    review = serializers.CharField(source="review.number", read_only=True)
    review_id = serializers.IntegerField(read_only=True)
    carrier = serializers.CharField(source="carrier.registry_number", read_only=True)
    carrier_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="carrier.title", read_only=True)
    level = LevelField(source="carrier.level", read_only=True)
    holder = PersonRefSerializer(read_only=True, allow_null=True)
    answer_label = serializers.SerializerMethodField()

    class Meta:
        model = ReviewLine
        fields = ["id", "review", "review_id", "carrier", "carrier_id", "title", "level", "holder", "answer",
                  "answer_label", "reason", "answered_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_answer_label(self, line):
        return line.get_answer_display() if line.answer else ""


class ReviewOpenSerializer(StrictSerializer):
    days = serializers.IntegerField(min_value=1, max_value=rules.MAX_REVIEW_DAYS, default=30,
                                    help_text=_("Days the holders have to answer."))
    note = CleanCharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewAnswerSerializer(StrictSerializer):
    answer = serializers.ChoiceField(choices=ReviewLine.Answer.choices)
    reason = CleanCharField(max_length=1000, required=False, allow_blank=True, default="",
                            help_text=_("Required to keep a carrier: why you still need it."))


class SpotCheckSerializer(serializers.ModelSerializer):
    """A spot check: a random sample of the unit's carriers, each found by scanning."""

    level = LevelField(read_only=True)
    strata = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    found_count = serializers.IntegerField(read_only=True)
    drawn_by = PersonRefSerializer(read_only=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SpotCheck
        fields = ["id", "number", "strata", "size", "found_count", "missing_count", "level", "is_open", "drawn_by",
                  "drawn_at", "closed_by", "closed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_strata(self, check):
        """How many were asked for of each level, by the level's identifier."""
        return {LEVEL_CODES.get(int(key), str(key)): value for key, value in (check.strata or {}).items()}


class SpotCheckLineSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.registry_number", read_only=True)
    carrier_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="carrier.title", read_only=True)
    level = LevelField(source="carrier.level", read_only=True)
    found_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SpotCheckLine
        fields = ["id", "carrier", "carrier_id", "title", "level", "found_at", "found_by"]
        read_only_fields = fields


class SpotCheckDetailSerializer(SpotCheckSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(SpotCheckSerializer.Meta):
        fields = [*SpotCheckSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(SpotCheckLineSerializer(many=True))
    def get_lines(self, check):
        return SpotCheckLineSerializer(self.context["lines"], many=True).data


class SpotCheckDrawSerializer(StrictSerializer):
    """How many carriers of each level to draw (at least one in all)."""

    top_secret = serializers.IntegerField(min_value=0, max_value=rules.MAX_SAMPLE, default=0)
    secret = serializers.IntegerField(min_value=0, max_value=rules.MAX_SAMPLE, default=0)
    confidential = serializers.IntegerField(min_value=0, max_value=rules.MAX_SAMPLE, default=0)

    def strata(self) -> dict:
        data = self.validated_data
        return {Level.TOP_SECRET: data["top_secret"], Level.SECRET: data["secret"],
                Level.CONFIDENTIAL: data["confidential"]}


class SpotCheckScanSerializer(StrictSerializer):
    registry_number = CleanCharField(max_length=64)
