"""API of the administrators (issue 15), under /api/v1/administration/: the same selectors and
services as the pages. Objects one may not see answer 404; refusals 400/403/409."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from approvals.models import ApproverRole, RequestKind
from common.api.serializers import StrictSerializer
from common.api.views import APIView  # Idempotency-Key on every write (decision 0015)
from common.levels import Level
from common.signing import SigningSecret
from personnel.models import Person

from .. import rules, selectors, services
from ..models import AdminChange

LIST_LIMIT = 500


class PersonRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField()
    employee_number = serializers.CharField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    secrecy_post = serializers.CharField()
    status = serializers.CharField()
    account_active = serializers.BooleanField(source="user.is_active")
    roles = serializers.SerializerMethodField()

    def get_roles(self, obj) -> list[str]:
        return sorted(g.name for g in obj.user.groups.all())


class TokenSerializer(serializers.Serializer):
    pk = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class EventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor_name = serializers.CharField()
    target_label = serializers.CharField()
    details = serializers.JSONField()


class PersonDetailSerializer(PersonRowSerializer):
    clearance = serializers.SerializerMethodField()
    authenticator = serializers.SerializerMethodField()
    recovery_codes_left = serializers.SerializerMethodField()
    security_keys = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    tokens = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_clearance(self, obj) -> str:
        return Level(obj.clearance).name if obj.clearance else "NONE"

    def _state(self, obj):
        return self.context["account"]

    def get_authenticator(self, obj) -> bool:
        return self._state(obj)["authenticator"]

    def get_recovery_codes_left(self, obj) -> int:
        return self._state(obj)["recovery_codes_left"]

    def get_security_keys(self, obj) -> int:
        return self._state(obj)["security_keys"]

    def get_sessions(self, obj) -> int:
        return self._state(obj)["sessions"]

    @extend_schema(responses=TokenSerializer(many=True))
    def get_tokens(self, obj) -> list[dict]:
        return TokenSerializer(self._state(obj)["tokens"], many=True).data

    @extend_schema(responses=EventSerializer(many=True))
    def get_history(self, obj) -> list[dict]:
        return EventSerializer(self.context["history"], many=True).data


class ChangeSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person.user_id", allow_null=True, default=None)
    requested_by = serializers.IntegerField(source="requested_by_id")
    approval = serializers.IntegerField(source="approval_id", allow_null=True)

    class Meta:
        model = AdminChange
        fields = ["id", "kind", "person", "role", "secrecy_post", "terms", "before", "reason", "status",
                  "requested_by", "approval", "created_at", "applied_at"]


def _answer(result):
    """A person changed at once (200), or the four-eyes request it made (202)."""
    if isinstance(result, AdminChange):
        return Response(ChangeSerializer(result).data, status=202)
    if isinstance(result, Person):
        return Response(PersonRowSerializer(result).data)
    return Response(result)


class PeopleView(APIView):
    """The people of your unit (any of the three administrators), filtered: q, role, post, status
    (active/departed), account (active/inactive), department; at most 500."""

    @extend_schema(responses=PersonRowSerializer(many=True))
    def get(self, request):
        rows = selectors.people(user=request.user, params=request.query_params)
        return Response(PersonRowSerializer(rows[:LIST_LIMIT], many=True).data)


class PersonView(APIView):
    """A person of your unit: roles, clearance, second factor, API tokens, sessions, history."""

    @extend_schema(responses=PersonDetailSerializer)
    def get(self, request, pk):
        person = selectors.person_get(user=request.user, pk=pk)
        context = {"account": selectors.account_state(person),
                   "history": selectors.person_history(user=request.user, person=person)[:200]}
        return Response(PersonDetailSerializer(person, context=context).data)


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=100)
    employee_number = serializers.CharField(max_length=32)
    department_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    email = serializers.EmailField(required=False, allow_blank=True)
    password = serializers.CharField(max_length=256, write_only=True, trim_whitespace=False)


class AccountsView(APIView):
    """Create an account and its person (system administrator): no role, no secret-related post."""

    @extend_schema(request=AccountSerializer, responses={201: PersonRowSerializer})
    def post(self, request):
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.create_account(actor=request.user, **serializer.validated_data)
        return Response(PersonRowSerializer(person).data, status=201)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=rules.GRANTABLE_ROLES)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PostSerializer(serializers.Serializer):
    secrecy_post = serializers.ChoiceField(choices=Person.SecrecyPost.values)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    password = serializers.CharField(
        write_only=True, max_length=256, required=False, allow_blank=True, default="",
        help_text="Your password: lowering a post removes a clearance and is signed (raising it is a four-eyes "
                  "request, signed by the approving administrator).")
    otp = serializers.CharField(write_only=True, max_length=12, required=False, allow_blank=True, default="",
                                help_text="Your one-time code, if you have enrolled an authenticator.")


class SignedReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)
    password = serializers.CharField(write_only=True, max_length=256,
                                     help_text="Your password again: closing an account is signed with it.")


def _signed(data):
    """The password typed to sign, carrying its one-time code (audit.reauthenticate takes both)."""
    return SigningSecret(data.get("password") or "", otp=data.get("otp", ""))


class DepartmentMoveSerializer(serializers.Serializer):
    department_id = serializers.IntegerField(allow_null=True, min_value=1, max_value=2**62)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _person_action(name, serializer_class, call, doc):
    class View(APIView):
        @extend_schema(request=serializer_class, responses={200: PersonRowSerializer, 202: ChangeSerializer})
        def post(self, request, pk):
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            return _answer(call(request.user, pk, serializer.validated_data))

    View.__doc__ = doc
    View.__name__ = View.__qualname__ = name
    return View


DeactivateView = _person_action("DeactivateView", SignedReasonSerializer, lambda a, pk, d: services.deactivate_account(
    actor=a, user_id=pk, **d), "Deactivate an account (system administrator), signed with your password (and one-time "
    "code where enrolled): login refused, tokens and sessions ended.")
ReactivateView = _person_action("ReactivateView", ReasonSerializer, lambda a, pk, d: services.reactivate_account(
    actor=a, user_id=pk, **d), "Reactivate an account (system administrator); a person who has left: a four-eyes "
    "request (202).")
ResetFactorView = _person_action("ResetFactorView", OptionalReasonSerializer, lambda a, pk, d: services.reset_factor(
    actor=a, user_id=pk), "Reset a person's second factor (system administrator).")
EndSessionsView = _person_action("EndSessionsView", OptionalReasonSerializer, lambda a, pk, d: services.end_sessions(
    actor=a, user_id=pk), "End every session and revoke every token of a person (system administrator).")
GrantRoleView = _person_action("GrantRoleView", RoleSerializer, lambda a, pk, d: services.assign_role(
    actor=a, user_id=pk, **d), "Grant a role (security administrator); unit-wide and administrator roles: a "
    "four-eyes request (202).")
RevokeRoleView = _person_action("RevokeRoleView", RoleSerializer, lambda a, pk, d: services.revoke_role(
    actor=a, user_id=pk, role=d["role"], reason=d["reason"]), "Take a role back (security administrator).")
PostView = _person_action("PostView", PostSerializer, lambda a, pk, d: services.set_post(
    actor=a, user_id=pk, secrecy_post=d["secrecy_post"], reason=d["reason"], password=_signed(d)),
    "Change a secrecy post (security administrator); lowering it is signed with your password; raising it: a "
    "four-eyes request (202).")
DepartmentMoveView = _person_action("DepartmentMoveView", DepartmentMoveSerializer, lambda a, pk, d: services.set_department(
    actor=a, user_id=pk, **d), "Move a person to a department of their unit (security administrator).")


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=16)
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)


class DepartmentsView(APIView):
    """The departments of your unit; a new one (security administrator)."""

    @extend_schema(responses=DepartmentSerializer(many=True))
    def get(self, request):
        selectors.require_administrator(request.user)
        return Response(DepartmentSerializer(selectors.departments(user=request.user), many=True).data)

    @extend_schema(request=DepartmentSerializer, responses={201: DepartmentSerializer})
    def post(self, request):
        serializer = DepartmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = services.create_department(actor=request.user, **serializer.validated_data)
        return Response(DepartmentSerializer(unit).data, status=201)


class ChangesView(APIView):
    """The four-eyes requests you may see (status, kind filters); at most 500."""

    @extend_schema(responses=ChangeSerializer(many=True))
    def get(self, request):
        rows = selectors.changes(user=request.user, params=request.query_params)
        return Response(ChangeSerializer(rows[:LIST_LIMIT], many=True).data)


class ChangeView(APIView):
    """One four-eyes request; it is decided under /api/v1/approval-requests/{approval}/ (signature)."""

    @extend_schema(responses=ChangeSerializer)
    def get(self, request, pk):
        return Response(ChangeSerializer(selectors.change_get(user=request.user, pk=pk)).data)


class PolicyChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestKind.values)
    variant = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=Level.values)
    steps = serializers.ListField(child=serializers.ChoiceField(choices=ApproverRole.values), required=False,
                                  default=list, max_length=10)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    delete = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=2000)


class PolicyChangeView(APIView):
    """Ask to change or delete an approval policy (security administrator): a four-eyes request."""

    @extend_schema(request=PolicyChangeSerializer, responses={202: ChangeSerializer})
    def post(self, request):
        serializer = PolicyChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.request_policy_change(actor=request.user, **serializer.validated_data)
        return Response(ChangeSerializer(change).data, status=202)


class TrailView(APIView):
    """The administrators' trail (security auditor), newest first: action (prefix) and actor filters;
    at most 500 events."""

    @extend_schema(responses=EventSerializer(many=True))
    def get(self, request):
        rows = selectors.admin_trail(user=request.user, params=request.query_params)
        return Response(EventSerializer(rows[:LIST_LIMIT], many=True).data)

