from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api.permissions import GateFilterBackend, GatePermission
from common.api.serializers import StrictSerializer, VisiblePrimaryKeyField
from common.levels import LEVEL_CODES

from .. import services
from ..models import Person, Unit


class UnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_zh", "name_en", "kind", "parent"]


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The user id (holder, scope_people).")
    username = serializers.CharField(source="user.username", read_only=True)
    clearance = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "username", "full_name", "employee_number", "unit", "department", "secrecy_post",
                  "clearance", "status", "roles"]

    def get_clearance(self, person) -> str | None:
        return LEVEL_CODES.get(person.clearance)

    def get_roles(self, person) -> list[str]:
        return sorted(group.name for group in person.user.groups.all())


class DepartureSerializer(StrictSerializer):
    replacement = VisiblePrimaryKeyField(
        model=get_user_model(), required=False, allow_null=True, default=None,
        help_text="User id of the person who takes over their open approval steps.",
    )


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = Unit.objects.order_by("code")
    lookup_value_regex = r"[0-9]{1,18}"


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = Person.objects.select_related("user").prefetch_related("user__groups").order_by("employee_number")
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=DepartureSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        """Record that this person left their post (secrecy office of their unit)."""
        person = self.get_object()
        serializer = DepartureSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        person = services.record_departure(actor=request.user, person=person, **serializer.validated_data)
        return Response(self.get_serializer(person).data)
