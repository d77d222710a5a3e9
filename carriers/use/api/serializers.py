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

from ..models import (
    Circulation,
    CirculationReader,
    Loan,
    LoanExtension,
    ReadingPlace,
    ReadingSession,
)

PASSWORD_HELP = _("Your password again: you sign with it.")


def signature_data(signature):
    if signature is None:
        return None
    return {"printed_name": signature.printed_name, "signed_at": signature.signed_at, "meaning": signature.meaning,
            "meaning_label": signature.get_meaning_display(), "content_hash": signature.content_hash}


class UseCarrierRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    registry_number = serializers.CharField()
    level = LevelField()
    marking = serializers.CharField()


class ReadingPlaceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    max_level = LevelField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReadingPlace
        fields = ["id", "unit", "name", "name_zh", "name_en", "kind", "kind_label", "max_level", "location",
                  "is_active", "created_at"]
        read_only_fields = fields


class ReadingPlaceCreateSerializer(StrictSerializer):
    name_zh = CleanCharField(max_length=200)
    name_en = CleanCharField(max_length=200)
    kind = serializers.ChoiceField(choices=ReadingPlace.Kind.choices)
    max_level = LevelField()
    location = CleanCharField(max_length=200, required=False, allow_blank=True, default="")


class ReadingPlaceUpdateSerializer(StrictSerializer):
    name_zh = CleanCharField(max_length=200, required=False)
    name_en = CleanCharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=ReadingPlace.Kind.choices, required=False)
    max_level = LevelField(required=False)
    location = CleanCharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ReadingSessionSerializer(serializers.ModelSerializer):
    carrier = UseCarrierRefSerializer(read_only=True)
    reader = PersonRefSerializer(read_only=True)
    recorded_by = PersonRefSerializer(read_only=True)
    place = serializers.SerializerMethodField()
    level = LevelField(read_only=True)

    class Meta:
        model = ReadingSession
        fields = ["id", "carrier", "reader", "place", "level", "started_at", "ended_at", "rules_told", "purpose",
                  "recorded_by", "recorded_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_place(self, session):
        place = session.place
        return {"id": place.pk, "name": place.name, "kind": place.kind}


class ReadingSessionCreateSerializer(StrictSerializer):
    """Record a reading session: who reads which carrier where, from when (default now) to when
    (empty: still reading), and that the reader was told the rules (required)."""

    carrier = VisiblePrimaryKeyField(model=Carrier)
    reader = VisiblePrimaryKeyField(model=get_user_model())
    place = VisiblePrimaryKeyField(model=ReadingPlace)
    rules_told = serializers.BooleanField(
        help_text=_("The reader was told: no recording, photographing or keeping. Must be true.")
    )
    started_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    purpose = CleanCharField(max_length=300, required=False, allow_blank=True, default="")


class SessionEndSerializer(StrictSerializer):
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CirculationReaderSerializer(serializers.ModelSerializer):
    reader = PersonRefSerializer(read_only=True)
    signature = serializers.SerializerMethodField()

    class Meta:
        model = CirculationReader
        fields = ["position", "reader", "signed_at", "signature"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_signature(self, row):
        return signature_data(row.signature)


class CirculationSerializer(serializers.ModelSerializer):
    carrier = UseCarrierRefSerializer(read_only=True)
    started_by = PersonRefSerializer(read_only=True)
    readers = CirculationReaderSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level = LevelField(read_only=True)
    current_reader = serializers.SerializerMethodField()

    class Meta:
        model = Circulation
        fields = ["id", "carrier", "level", "started_by", "started_at", "note", "status", "status_label",
                  "completed_at", "readers", "current_reader"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_reader(self, circulation):
        if circulation.status != Circulation.Status.IN_PROGRESS:
            return None
        return getattr(circulation, "current_reader_id", None)


class CirculationCreateSerializer(StrictSerializer):
    carrier = VisiblePrimaryKeyField(model=Carrier)
    readers = VisiblePrimaryKeyField(model=get_user_model(), many=True, allow_empty=False,
                                     help_text=_("The readers, in the order it goes round."))
    note = CleanCharField(max_length=300, required=False, allow_blank=True, default="")


class CirculationSignSerializer(StrictSerializer):
    """The current reader signs that they have read it; `pass_to` (optional) names whom they hand
    it to: it must be the next reader on the list (after the last: whoever sent it round)."""

    pass_to = serializers.IntegerField(min_value=1, max_value=VisiblePrimaryKeyField.MAX_ID, required=False,
                                       allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class UseCancelSerializer(StrictSerializer):
    reason = CleanCharField(max_length=300, required=False, allow_blank=True, default="")


class LoanExtensionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = LoanExtension
        fields = ["id", "previous_due_on", "requested_due_on", "reason", "approval", "status", "status_label",
                  "requested_at", "decided_at"]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    carrier = UseCarrierRefSerializer(read_only=True)
    borrower = PersonRefSerializer(read_only=True)
    lender = PersonRefSerializer(read_only=True, allow_null=True)
    requested_by = PersonRefSerializer(read_only=True)
    level = LevelField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    extensions = LoanExtensionSerializer(many=True, read_only=True)
    signatures = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = ["id", "carrier", "borrower", "level", "purpose", "due_on", "status", "status_label",
                  "requested_by", "requested_at", "lender", "lend_handover", "lent_at", "return_handover",
                  "returned_at", "cancelled_reason", "extensions", "signatures"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_signatures(self, loan):
        """Lent (lender), received (borrower), returned (borrower), taken back (lender)."""
        lend, back = loan.lend_handover, loan.return_handover
        return {
            "lent": signature_data(lend.giver_signature if lend else None),
            "received": signature_data(lend.taker_signature if lend else None),
            "returned": signature_data(back.giver_signature if back else None),
            "taken_back": signature_data(back.taker_signature if back else None),
        }


class LoanCreateSerializer(StrictSerializer):
    """Ask to borrow: for yourself, or (the secrecy office) for `borrower`, who showed their
    credential. `due_on` defaults to LOAN_DEFAULT_DAYS from today, at most LOAN_MAX_DAYS."""

    carrier = VisiblePrimaryKeyField(model=Carrier)
    purpose = CleanCharField(max_length=300)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    borrower = VisiblePrimaryKeyField(model=get_user_model(), required=False, allow_null=True, default=None)


class LoanLendSerializer(StrictSerializer):
    declared_count = serializers.IntegerField(min_value=1, max_value=100000, required=False, default=1)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class LoanCountSignSerializer(StrictSerializer):
    counted_count = serializers.IntegerField(min_value=0, max_value=100000)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class LoanReturnSerializer(StrictSerializer):
    """`taker` may be left out: the return goes to the lender; anyone else is refused (403)."""

    declared_count = serializers.IntegerField(min_value=1, max_value=100000, required=False, default=1)
    taker = serializers.IntegerField(min_value=1, max_value=VisiblePrimaryKeyField.MAX_ID, required=False,
                                     allow_null=True, default=None)
    password = serializers.CharField(write_only=True, max_length=128, help_text=PASSWORD_HELP)


class LoanTakeBackSerializer(LoanCountSignSerializer):
    container = VisiblePrimaryKeyField(model=Container)


class LoanExtendSerializer(StrictSerializer):
    due_on = serializers.DateField()
    reason = CleanCharField(max_length=300)


class DisclosureSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    id = serializers.IntegerField()
    person = PersonRefSerializer()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    where = serializers.CharField()
    signature = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_signature(self, line):
        return signature_data(line["signature"])
