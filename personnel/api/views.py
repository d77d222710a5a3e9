from rest_framework import serializers, viewsets

from common.api.permissions import GateFilterBackend, GatePermission
from common.levels import LEVEL_CODES

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
