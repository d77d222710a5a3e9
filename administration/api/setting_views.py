"""API of the technical settings (issue 15: the system administrator's duty), under
/api/v1/administration/settings/: read by the three administrators, changed and reset by the
system administrator (administration.services.change_setting / reset_setting, audited)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from common.api.views import APIView  # Idempotency-Key on every write (decision 0015)

from .. import selectors, services


class SettingSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField()
    unit = serializers.CharField()
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    environment = serializers.CharField(help_text="The environment variable that sets the default.")
    default = serializers.IntegerField()
    value = serializers.IntegerField(help_text="The value in force.")
    changed = serializers.BooleanField(help_text="Changed in the registry (else the environment's value).")
    changed_by = serializers.CharField()
    changed_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class ChangeSettingSerializer(serializers.Serializer):
    value = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    reason = serializers.CharField(max_length=2000)


class ResetSettingSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _row(user, key):
    return next(row for row in selectors.technical_settings(user=user) if row["key"] == key)


class SettingsView(APIView):
    """The technical settings: the value in force, the environment's default, who changed it."""

    @extend_schema(responses=SettingSerializer(many=True))
    def get(self, request):
        return Response(SettingSerializer(selectors.technical_settings(user=request.user), many=True).data)


class SettingView(APIView):
    """Change a technical setting (system administrator); it takes effect at once, in every process."""

    @extend_schema(request=ChangeSettingSerializer, responses=SettingSerializer)
    def post(self, request, key):
        serializer = ChangeSettingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_setting(actor=request.user, key=key, **serializer.validated_data)
        return Response(SettingSerializer(_row(request.user, key)).data)


class ResetSettingView(APIView):
    """Give a technical setting back its environment's value (system administrator)."""

    @extend_schema(request=ResetSettingSerializer, responses=SettingSerializer)
    def post(self, request, key):
        serializer = ResetSettingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reset_setting(actor=request.user, key=key, **serializer.validated_data)
        return Response(SettingSerializer(_row(request.user, key)).data)
