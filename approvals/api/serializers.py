from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import (
    CleanCharField,
    LevelField,
    RejectUnknownFieldsMixin,
    StrictSerializer,
    VisiblePrimaryKeyField,
)

from ..models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApproverRole,
    Decision,
    PublicationReview,
    RequestKind,
    RequestStep,
)


class SignatureSerializer(serializers.Serializer):
    printed_name = serializers.CharField()
    signed_at = serializers.DateTimeField()
    meaning = serializers.CharField()
    meaning_label = serializers.CharField(source="get_meaning_display")
    content_hash = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    step = serializers.IntegerField(source="step.order")
    signature = SignatureSerializer()
    acting_for = serializers.IntegerField(source="acting_for_id", allow_null=True)

    class Meta:
        model = Decision
        fields = ["step", "approver", "acting_for", "outcome", "reason", "decided_at", "signature"]


class StepSerializer(serializers.ModelSerializer):
    approver_role_label = serializers.CharField(source="get_approver_role_display")

    class Meta:
        model = RequestStep
        fields = ["order", "approver_role", "approver_role_label", "approver_unit", "status", "opened_at", "closed_at"]


class ApprovalRequestSerializer(serializers.ModelSerializer):
    level = LevelField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requester_name = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    may_decide = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = ["id", "kind", "kind_label", "variant", "target", "requester", "requester_name", "unit", "department",
                  "level", "title", "purpose", "status", "status_label", "approved_quantity", "valid_until",
                  "consumed_at", "created_at", "submitted_at", "decided_at", "steps", "decisions", "may_decide"]
        read_only_fields = fields

    def get_requester_name(self, obj) -> str:
        person = getattr(obj.requester, "person", None)
        return person.full_name if person else obj.requester.get_username()

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_target(self, obj):
        if obj.target_type_id is None:
            return None
        return {"type": f"{obj.target_type.app_label}.{obj.target_type.model}", "id": obj.target_id}

    def get_may_decide(self, obj) -> bool:
        return obj.pk in self.context.get("decidable_ids", set())


class DecideSerializer(StrictSerializer):
    password = serializers.CharField(write_only=True, max_length=128, help_text=_("Your password: the decision is signed with it."))
    reason = CleanCharField(max_length=2000, required=False, allow_blank=True, default="")
    approved_quantity = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class RejectSerializer(StrictSerializer):
    password = serializers.CharField(write_only=True, max_length=128)
    reason = CleanCharField(max_length=2000)


class EmptySerializer(StrictSerializer):
    pass


class ApprovalPolicySerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    level = LevelField()
    steps = serializers.ListField(child=serializers.ChoiceField(choices=ApproverRole.choices), min_length=1, max_length=5)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    variant = CleanCharField(max_length=32, required=False, allow_blank=True, default="")
    description = CleanCharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = ApprovalPolicy
        fields = ["id", "kind", "variant", "level", "description", "steps", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []  # kind/variant/level is an upsert key: save_policy replaces the steps

    def to_representation(self, policy):
        return {
            "id": policy.pk, "kind": policy.kind, "variant": policy.variant,
            "level": self.fields["level"].to_representation(policy.level), "description": policy.description,
            "steps": [step.approver_role for step in policy.steps.all()],
            "updated_at": self.fields["updated_at"].to_representation(policy.updated_at),
        }



class PublicationReviewSerializer(serializers.ModelSerializer):
    related_level = LevelField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PublicationReview
        fields = ["id", "title", "material_kind", "outlet_type", "outlet_name", "summary", "related_level", "author",
                  "status", "status_label", "released_at", "release_note", "created_at"]
        read_only_fields = ["id", "author", "status", "status_label", "released_at", "release_note", "created_at"]


class PublicationSubmitSerializer(StrictSerializer):
    title = CleanCharField(max_length=300)
    material_kind = serializers.ChoiceField(choices=PublicationReview.MaterialKind.choices)
    outlet_type = serializers.ChoiceField(choices=PublicationReview.Outlet.choices)
    outlet_name = CleanCharField(max_length=200)
    summary = CleanCharField(max_length=4000)
    related_level = LevelField()


class ReleaseSerializer(StrictSerializer):
    note = CleanCharField(max_length=300, required=False, allow_blank=True, default="")


class DelegationSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    delegator = VisiblePrimaryKeyField(model=get_user_model(), help_text=_("The head (user id)."))
    delegate = VisiblePrimaryKeyField(model=get_user_model(), help_text=_("The acting head (user id)."))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = CleanCharField(max_length=300)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True)
    revoked_at = serializers.DateTimeField(read_only=True)

