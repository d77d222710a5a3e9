from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import CleanCharField, LevelField, StrictSerializer

from ..models import Alert


class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    level = LevelField(allow_null=True, read_only=True)
    responsible = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "kind_label", "severity", "status", "target_type", "target_id", "target_label", "unit",
            "level", "due_on", "responsible", "opened_at", "last_seen_at", "acknowledged_by", "acknowledged_at",
            "acknowledge_comment", "resolved_at", "resolution_reason",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(obj.kind_label)

    def _name(self, user):
        if user is None:
            return None
        person = getattr(user, "person", None)
        return {"id": user.pk, "username": user.get_username(), "full_name": person.full_name if person else ""}

    def get_responsible(self, obj) -> dict | None:
        return self._name(obj.responsible)

    def get_acknowledged_by(self, obj) -> dict | None:
        return self._name(obj.acknowledged_by)


class AcknowledgeSerializer(StrictSerializer):
    comment = CleanCharField(max_length=1000, required=False, allow_blank=True, default="",
                             help_text=_("What was done or will be done about it."))
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=128, style={"input_type": "password"},
        help_text=_("Only for a broken audit chain alert, closed by an auditor's signature: your password."))
