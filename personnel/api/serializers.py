"""Serializers of a person's secrecy file, travel requests and departures (R10-R12, R14)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import (
    CleanCharField,
    LevelField,
    SafePrimaryKeyField,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from .. import selectors
from ..models import (
    Departure,
    Inspection,
    PassportMovement,
    Person,
    Pledge,
    TrainingRecord,
    TravelRequest,
)

PASSWORD_HELP = _("Your password again: you sign with it.")


class VisiblePersonField(SafePrimaryKeyField):
    """A person by their user id (as everywhere in the API), among the people the caller may see."""

    def get_queryset(self):
        from common import access

        request = self.context.get("request")
        return access.restrict(Person.objects.select_related("user", "unit"), getattr(request, "user", None))

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < pk <= self.MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        person = self.get_queryset().filter(user_id=pk).first()
        if person is None:
            self.fail("does_not_exist", pk_value=data)
        return person

    def to_representation(self, value):
        return value.user_id


class TrainingSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = ["id", "person", "course", "held_on", "result", "hours", "recorded_by", "recorded_at"]
        read_only_fields = fields


class TrainingCreateSerializer(StrictSerializer):
    course = CleanCharField(max_length=200)
    held_on = serializers.DateField()
    result = serializers.ChoiceField(choices=TrainingRecord.Result.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("1000"))


class PledgeSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", read_only=True)

    class Meta:
        model = Pledge
        fields = ["id", "person", "kind", "method", "signed_on", "reference", "signature", "recorded_by", "recorded_at"]
        read_only_fields = fields


class PledgeCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Pledge.Kind.choices, default=Pledge.Kind.ON_POST)
    signed_on = serializers.DateField(required=False, default=None)
    reference = CleanCharField(max_length=100, required=False, allow_blank=True, default="",
                               help_text=_("Where the paper original is kept (the secrecy office recording it)."))
    password = serializers.CharField(write_only=True, max_length=256, help_text=PASSWORD_HELP)


class InspectionSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "person", "inspector", "inspected_on", "finding", "outcome", "incident_number", "recorded_by",
                  "recorded_at"]
        read_only_fields = fields


class InspectionCreateSerializer(StrictSerializer):
    inspector = CleanCharField(max_length=200)
    inspected_on = serializers.DateField()
    finding = CleanCharField(max_length=2000)
    outcome = serializers.ChoiceField(choices=Inspection.Outcome.choices, default=Inspection.Outcome.NO_ISSUES)


class PostChangeSerializer(StrictSerializer):
    secrecy_post = serializers.ChoiceField(choices=Person.SecrecyPost.choices)
    since = serializers.DateField(required=False, default=None)
    password = serializers.CharField(
        write_only=True, max_length=256,
        help_text=_("Your password again: you sign with it (a change of post can remove a clearance)."),
    )


class PassportSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", read_only=True)

    class Meta:
        model = PassportMovement
        fields = ["id", "person", "direction", "on", "travel", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class VisibleTravelField(SafePrimaryKeyField):
    def get_queryset(self):
        request = self.context.get("request")
        return selectors.visible_travels(user=getattr(request, "user", None))


class PassportCreateSerializer(StrictSerializer):
    direction = serializers.ChoiceField(choices=PassportMovement.Direction.choices)
    on = serializers.DateField(required=False, default=None)
    travel = VisibleTravelField(required=False, allow_null=True, default=None)
    note = CleanCharField(max_length=300, required=False, allow_blank=True, default="")


class SecrecyFileSerializer(serializers.Serializer):
    """A person's secrecy file at a glance."""

    person = serializers.IntegerField(source="person.user_id")
    full_name = serializers.CharField(source="person.full_name")
    status = serializers.CharField(source="person.status")
    secrecy_post = serializers.CharField(source="post")
    post_since = serializers.DateField(allow_null=True)
    training_due_on = serializers.DateField(allow_null=True)
    training_overdue = serializers.BooleanField()
    in_disengagement = serializers.BooleanField()
    disengagement_until = serializers.SerializerMethodField()
    passport_held_by_office = serializers.BooleanField(source="passport_held")
    pledges = PledgeSerializer(many=True)
    trainings = TrainingSerializer(many=True)
    inspections = InspectionSerializer(many=True)
    recall = serializers.SerializerMethodField()
    hidden_carriers = serializers.IntegerField(
        help_text=_("How many more carriers the person holds that you may not open (never which)."))

    def get_disengagement_until(self, data) -> str | None:
        period = data["disengagement"]
        return period.disengagement_ends_on.isoformat() if period and period.disengagement_ends_on else None

    def get_recall(self, data) -> list[dict]:
        """The carriers the person still holds that you may open."""
        return [RecallItemSerializer(row).data for row in data["held"]]


class RecallItemSerializer(serializers.Serializer):
    """A carrier the person still holds: registry number, level, status (never the title)."""

    id = serializers.IntegerField(source="pk")
    registry_number = serializers.CharField()
    level = LevelField()
    status = serializers.CharField()
    kind = serializers.CharField()


# --- travel ---------------------------------------------------------------------------------------


class TravelSerializer(serializers.ModelSerializer):
    traveller = serializers.IntegerField(source="traveller.user_id", read_only=True)
    traveller_name = serializers.CharField(source="traveller.full_name", read_only=True)
    level = LevelField()
    approval_status = serializers.CharField(source="approval.status", read_only=True, default=None)
    variant = serializers.CharField(source="approval.variant", read_only=True, default="")

    class Meta:
        model = TravelRequest
        fields = ["id", "traveller", "traveller_name", "unit", "kind", "destination", "departs_on", "returns_on",
                  "purpose", "level", "in_disengagement", "variant", "approval", "approval_status", "status",
                  "requested_by", "left_on", "came_back_on", "incident_number", "created_at"]
        read_only_fields = fields


class TravelCreateSerializer(StrictSerializer):
    traveller = VisiblePersonField(
        required=False, allow_null=True, default=None,
        help_text=_("User id of the traveller; default: yourself. The secrecy office asks for people of its unit."),
    )
    kind = serializers.ChoiceField(choices=TravelRequest.Kind.choices)
    destination = CleanCharField(max_length=200)
    departs_on = serializers.DateField()
    returns_on = serializers.DateField()
    purpose = CleanCharField(max_length=2000)


class TripSerializer(StrictSerializer):
    left_on = serializers.DateField()
    came_back_on = serializers.DateField(required=False, allow_null=True, default=None)


class UnapprovedTripSerializer(StrictSerializer):
    traveller = VisiblePersonField()
    kind = serializers.ChoiceField(choices=TravelRequest.Kind.choices)
    destination = CleanCharField(max_length=200)
    left_on = serializers.DateField()
    came_back_on = serializers.DateField(required=False, allow_null=True, default=None)
    purpose = CleanCharField(max_length=2000, required=False, allow_blank=True, default="")


# --- departures -----------------------------------------------------------------------------------


class DepartureRecordSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    level = LevelField()
    approval_status = serializers.CharField(source="approval.status", read_only=True, default=None)
    recall = serializers.SerializerMethodField()
    hidden_carriers = serializers.SerializerMethodField()

    class Meta:
        model = Departure
        fields = ["id", "person", "person_name", "unit", "post", "level", "leaves_on", "reason", "replacement",
                  "disengagement_months", "approval", "approval_status", "status", "requested_by", "completed_at",
                  "completed_by", "disengagement_starts_on", "disengagement_ends_on", "disengagement_closed_at",
                  "recall", "hidden_carriers", "created_at"]
        read_only_fields = fields

    def _recall(self, departure) -> tuple[list[dict], int]:
        """The recall list (清退) as the caller may see it, read once per departure."""
        if departure.status == Departure.Status.COMPLETED:
            return [], 0
        cache = self.context.setdefault("_recall", {})
        if departure.pk not in cache:
            request = self.context.get("request")
            cache[departure.pk] = selectors.recall_list(user=getattr(request, "user", None), person=departure.person)
        return cache[departure.pk]

    def get_recall(self, departure) -> list[dict]:
        """The carriers the person still holds that you may open (清退): must be empty before completion."""
        return [RecallItemSerializer(row).data for row in self._recall(departure)[0]]

    def get_hidden_carriers(self, departure) -> int:
        """How many more carriers the person still holds that you may not open (never which)."""
        return self._recall(departure)[1]


class DepartureCreateSerializer(StrictSerializer):
    person = VisiblePersonField(
        required=False, allow_null=True, default=None,
        help_text=_("User id of the person leaving; default: yourself. The secrecy office asks for people of its unit."),
    )
    leaves_on = serializers.DateField()
    reason = CleanCharField(max_length=2000)
    replacement = VisiblePrimaryKeyField(
        model=get_user_model(), required=False, allow_null=True, default=None,
        help_text=_("User id of the person who takes over their approver roles and open approval steps."),
    )
    disengagement_months = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True, default=None,
        help_text=_("Within the range for the post (settings REGISTRY DISENGAGEMENT_MONTHS); default: the longest."),
    )


class DepartureCompleteSerializer(StrictSerializer):
    password = serializers.CharField(write_only=True, max_length=256, help_text=PASSWORD_HELP)


class SignOnlySerializer(StrictSerializer):
    """Only the signature: your password (and one-time code where enrolled)."""

    password = serializers.CharField(write_only=True, max_length=256, help_text=PASSWORD_HELP)
