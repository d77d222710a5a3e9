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
from ..models import Meeting, MeetingVenue

MAX_ID = VisiblePrimaryKeyField.MAX_ID


def signature_data(signature):
    if signature is None:
        return None
    return {"printed_name": signature.printed_name, "signed_at": signature.signed_at, "meaning": signature.meaning,
            "meaning_label": signature.get_meaning_display(), "content_hash": signature.content_hash}


class VenueSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    max_level = LevelField(read_only=True)
    is_approved = serializers.BooleanField(read_only=True)

    class Meta:
        model = MeetingVenue
        fields = ["id", "name", "name_zh", "name_en", "unit", "location", "max_level", "approval_reference",
                  "is_active", "is_approved", "created_at"]
        read_only_fields = fields


class VenueCreateSerializer(StrictSerializer):
    name_zh = CleanCharField(max_length=200)
    name_en = CleanCharField(max_length=200)
    location = CleanCharField(max_length=200, required=False, allow_blank=True, default="")
    max_level = LevelField()
    approval_reference = CleanCharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text=_("The number of the document approving this venue; empty while it is not approved."),
    )


class AttendeeSerializer(serializers.Serializer):
    user = PersonRefSerializer()
    clearance = serializers.SerializerMethodField()
    signed_in_at = serializers.DateTimeField(allow_null=True)
    signed_in_by = PersonRefSerializer(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_clearance(self, row):
        return str(row.user.person.clearance_label)


class CopySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carrier = serializers.SerializerMethodField()
    attendee = serializers.IntegerField(source="attendee.user_id")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    outcome = serializers.SerializerMethodField()
    handover = serializers.IntegerField(source="handover_id")
    return_handover = serializers.IntegerField(source="return_handover_id", allow_null=True)
    keep_handover = serializers.IntegerField(source="keep_handover_id", allow_null=True)
    handed_out_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    keep_reason = serializers.CharField()
    keep_approval = serializers.SerializerMethodField()
    kept_at = serializers.DateTimeField(allow_null=True)
    missing_at = serializers.DateTimeField(allow_null=True)
    missing_note = serializers.CharField()

    @extend_schema_field(serializers.DictField())
    def get_carrier(self, copy):
        c = copy.carrier
        return {"id": c.pk, "registry_number": c.registry_number, "copy_number": c.copy_number, "title": c.title,
                "level": LevelField().to_representation(c.level), "marking": c.marking, "status": c.status}

    @extend_schema_field(serializers.ChoiceField(choices=list(selectors.OUTCOMES)))
    def get_outcome(self, copy):
        return selectors.outcome_of(copy)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_keep_approval(self, copy):
        return signature_data(copy.keep_signature)


class MeetingSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    venue = VenueSerializer(read_only=True)
    organiser = PersonRefSerializer(read_only=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)
    approval = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()
    copies = serializers.SerializerMethodField()
    hidden_copies = serializers.SerializerMethodField()
    waiting_for_you = serializers.SerializerMethodField()
    close_signature = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "title", "level", "status", "status_label", "unit", "starts_at", "ends_at", "venue",
                  "organiser", "purpose", "approval", "attendees", "copies", "hidden_copies", "waiting_for_you",
                  "closed_at",
                  "closed_by", "close_signature", "incident_number", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_approval(self, meeting):
        if meeting.approval_id is None:
            return None
        return {"id": meeting.approval_id, "status": meeting.approval.status}

    @extend_schema_field(AttendeeSerializer(many=True))
    def get_attendees(self, meeting):
        return AttendeeSerializer(meeting.attendees.all(), many=True).data

    @extend_schema_field(CopySerializer(many=True))
    def get_copies(self, meeting):
        return CopySerializer(getattr(meeting, "visible_copies", []), many=True).data

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_copies(self, meeting):
        """How many copies handed out at the meeting the caller may not open (counted, never named)."""
        if not hasattr(meeting, "visible_copies"):
            return 0
        return getattr(meeting, "copy_count", len(meeting.visible_copies)) - len(meeting.visible_copies)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_waiting_for_you(self, meeting):
        """Meeting handovers waiting for the caller's count and signature (POST receive)."""
        request = self.context.get("request")
        if request is None or not hasattr(meeting, "visible_copies"):
            return []
        return [
            {"handover": g["handover"].pk, "stage": g["stage"], "declared_count": g["handover"].declared_count,
             "carriers": [c.carrier_id for c in g["copies"]]}
            for g in selectors.pending_for(user=request.user, meeting=meeting)
        ]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_close_signature(self, meeting):
        return signature_data(meeting.close_signature)


class MeetingListSerializer(MeetingSerializer):
    attendee_count = serializers.IntegerField(read_only=True)
    signed_in_count = serializers.IntegerField(read_only=True)
    copies_out = serializers.IntegerField(read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = ["id", "title", "level", "status", "status_label", "unit", "starts_at", "ends_at", "venue",
                  "organiser", "approval", "attendee_count", "signed_in_count", "copies_out", "closed_at",
                  "incident_number"]
        read_only_fields = fields


class MeetingCreateSerializer(StrictSerializer):
    """Plan a meeting (the caller organises it) at an approved venue; attendees may be given now
    or later (POST attendees)."""

    title = CleanCharField(max_length=300)
    level = LevelField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = VisiblePrimaryKeyField(model=MeetingVenue)
    purpose = CleanCharField(max_length=1000, required=False, allow_blank=True, default="")
    attendees = VisiblePrimaryKeyField(model=get_user_model(), many=True, required=False,
                                       default=list)


class AttendeesAddSerializer(StrictSerializer):
    attendees = VisiblePrimaryKeyField(model=get_user_model(), many=True, allow_empty=False)


class AttendeeRemoveSerializer(StrictSerializer):
    attendee = VisiblePrimaryKeyField(model=get_user_model())


class SubmitSerializer(StrictSerializer):
    purpose = CleanCharField(max_length=1000, required=False, allow_blank=True, default="")


class SignInSerializer(StrictSerializer):
    attendee = VisiblePrimaryKeyField(
        model=get_user_model(), required=False, allow_null=True, default=None,
        help_text=_("Whom the organiser or the secrecy office signs in; leave out to sign yourself in."),
    )


class DistributeSerializer(StrictSerializer):
    """The organiser hands numbered copies to a signed-in attendee, counted and signed."""

    attendee = VisiblePrimaryKeyField(model=get_user_model())
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class ReceiveSerializer(StrictSerializer):
    """The taker of a meeting handover counts and signs (see waiting_for_you)."""

    handover = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    container = VisiblePrimaryKeyField(model=Container, required=False, allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class ReturnSerializer(StrictSerializer):
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class KeepSerializer(StrictSerializer):
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    reason = CleanCharField(max_length=500)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class PassToUnitSerializer(StrictSerializer):
    carriers = VisiblePrimaryKeyField(model=Carrier, many=True, allow_empty=False)
    declared_count = serializers.IntegerField(min_value=1, max_value=100000)
    taker = VisiblePrimaryKeyField(model=get_user_model(), help_text=_("A member of your unit's secrecy office."))
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class WithdrawSerializer(StrictSerializer):
    handover = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = CleanCharField(max_length=300)


class CloseSerializer(StrictSerializer):
    """The return check and the end: copies still with attendees must be listed in `missing`."""

    missing = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=10000,
        help_text=_("Ids of the carriers declared missing (copies still with an attendee)."),
    )
    missing_note = CleanCharField(max_length=500, required=False, allow_blank=True, default="")
    report_incident = serializers.BooleanField(required=False, default=False)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class ReturnCheckSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    lines = serializers.ListField(child=serializers.DictField())
    hidden = serializers.IntegerField()


def return_check_data(check: dict) -> dict:
    return {
        "complete": check["complete"], "counts": check["counts"], "hidden": check["hidden"],
        "lines": [
            {"copy": line["copy"].pk, "carrier": line["carrier"].pk, "registry_number": line["carrier"].registry_number,
             "copy_number": line["carrier"].copy_number, "attendee": line["attendee"].pk,
             "attendee_name": line["attendee"].person.full_name, "outcome": line["outcome"],
             "outcome_label": str(line["outcome_label"]), "state": line["copy"].state,
             "state_label": line["state_label"]}
            for line in check["lines"]
        ],
    }


