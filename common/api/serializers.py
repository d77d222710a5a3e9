from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.levels import LEVEL_BY_CODE, LEVEL_CODES


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is a 400, not a silently ignored value."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


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
