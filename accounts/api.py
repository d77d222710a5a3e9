"""API of passwords and lockouts: POST /api/v1/auth/password/ (one's own password),
GET /api/v1/auth/lockouts/ (the locked accounts the secrecy office may unlock) and
POST /api/v1/people/{id}/unlock/."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from common import access
from common.api.views import APIView
from common.errors import Refused
from personnel import roles

from . import selectors, services

Detail = inline_serializer("AccountDetail", {"detail": serializers.CharField()})


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256,
                                         help_text="Checked by the password validators (length, common, numeric, "
                                                   "too like your name).")


class PasswordChangeView(APIView):
    """Change your own password: the current one (a wrong one counts towards the lockout), then the
    new one. Your sessions in browsers end; API tokens are not touched."""

    @extend_schema(request=PasswordChangeSerializer, responses=Detail)
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_password(user=request.user, request=request._request, **serializer.validated_data)
        return Response({"detail": _("Your password was changed. Your other sessions are ended.")})


class LockoutSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.user_id")
    username = serializers.CharField(source="person.user.username")
    employee_number = serializers.CharField(source="person.employee_number")
    full_name = serializers.CharField(source="person.full_name")
    failures = serializers.IntegerField()
    locked_until = serializers.DateTimeField()


class LockoutListView(APIView):
    """The accounts of your unit locked now (the secrecy office)."""

    @extend_schema(responses=LockoutSerializer(many=True))
    def get(self, request):
        if not access.has_role(request.user, roles.SECRECY_OFFICE):
            raise Refused(_("Only the secrecy office sees and lifts lockouts."))
        return Response(LockoutSerializer(selectors.locked_people(user=request.user), many=True).data)


class UnlockView(APIView):
    """Unlock the account of a person of your unit (the secrecy office; never your own)."""

    @extend_schema(request=None, responses=inline_serializer(
        "Unlocked", {"detail": serializers.CharField(), "failures_cleared": serializers.IntegerField()}))
    def post(self, request, pk):
        cleared = services.unlock_account(actor=request.user, person_id=pk)
        return Response({"detail": _("The account is unlocked."), "failures_cleared": cleared})
