from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.levels import LEVEL_BY_CODE, LEVEL_CODES
from common.signing import SigningSecret


def _wrong_json_type(field, value):
    """The refusal of a JSON value whose type is not the field's (DRF would turn 12 into "12",
    "true" into True, "12" into 12): the schema says string, boolean, integer, and means it."""
    if value is None or field.read_only:
        return None
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return _("Must be true or false.")
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return _("Must be a string.")
    if isinstance(field, serializers.IntegerField) and (isinstance(value, bool) or not isinstance(value, int)):
        return _("Must be a whole number.")
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField) and not isinstance(value, list):
        return _("Must be a list.")  # DRF would take an object ({}) for an empty list
    return None


class RejectUnknownFieldsMixin:
    """Refuses fields the serializer does not declare, so a typo is a 400, not a silently ignored
    value. (Declared read-only fields are accepted and ignored, so a client may send back what it
    read.) A JSON body's values must have the type the schema gives them (form posts, all strings,
    are left to the fields)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
            if not isinstance(data, QueryDict):
                wrong = {name: _wrong_json_type(self.fields[name], value) for name, value in data.items()}
                if any(wrong.values()):
                    raise serializers.ValidationError({name: [message] for name, message in wrong.items() if message})
        return super().to_internal_value(data)


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """An input serializer that refuses unknown fields. One that takes a signing `password` also
    takes `otp`, the one-time code of signers who enrolled an authenticator."""

    def get_fields(self):
        fields = super().get_fields()
        if "password" in fields and "otp" not in fields:
            fields["otp"] = serializers.CharField(
                write_only=True, required=False, allow_blank=True, max_length=12, default="",
                help_text=_("Your one-time code, if you have enrolled an authenticator."),
            )
        return fields

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "password" in values:
            values["password"] = SigningSecret(values["password"], otp=values.pop("otp", ""))
        return values


class CleanCharField(serializers.CharField):
    """Text without NUL bytes or other control characters (databases refuse NUL)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
            raise serializers.ValidationError(_("Control characters (such as NUL) are not allowed."))
        return value


class LevelField(serializers.ChoiceField):
    """Classification level as the glossary identifier: TOP_SECRET, SECRET or CONFIDENTIAL."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(LEVEL_BY_CODE), **kwargs)

    def to_internal_value(self, data):
        return LEVEL_BY_CODE[super().to_internal_value(data)]

    def to_representation(self, value):
        return LEVEL_CODES.get(value, value)


class SafePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key that is never a database error: ids of the wrong type or out of range get
    the same "does not exist" answer as missing ones."""

    MAX_ID = 2**63 - 1

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < number <= self.MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


class VisiblePrimaryKeyField(SafePrimaryKeyField):
    """A primary key among the rows the requesting user may see (the gate's queryset); rows not
    visible get the same "does not exist" error as missing ones."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model._default_manager.all() if model else None)
        super().__init__(**kwargs)

    def get_queryset(self):
        from common import access

        request = self.context.get("request")
        base = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return access.restrict(base.all(), getattr(request, "user", None))
