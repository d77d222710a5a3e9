"""API of tokens and sessions: POST /api/v1/auth/token/ (accounts/token_view.py) trades credentials for
a token; /api/v1/auth/tokens/ lists and revokes; /api/v1/auth/logout-everywhere/ ends everything."""

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from common.api import viewsets
from common.api.views import APIView
from common.errors import Refused, ValidationFailed

from . import factors, tokens
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="",
        help_text="The current code of the person's authenticator (or a recovery code), when they enrolled one.",
    )
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100,
                                 help_text="A label to recognise the token in lists.")
    days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                    help_text="Lifetime in days (at most API_TOKEN_DAYS, the default).")

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Unable to log in with provided credentials."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
    name = serializers.CharField()


def issue_token(request, validated: dict) -> Response:
    """After the password: the second factor where the person has one (or must have one), then a
    new token, shown this once."""
    user = validated["user"]
    if factors.must_enrol(user):
        raise Refused(_("Your role requires a second factor: enrol an authenticator at /account/factors/ first."),
                      code="second_factor_required")
    if factors.has_factor(user):
        try:
            factors.check_login_code(user=user, code=validated.get("otp"), request=request, context="token")
        except ValidationFailed as exc:
            raise ValidationFailed({"otp": exc.errors.get("code", [str(exc.message)])}, code=exc.code) from None
    token, raw = tokens.create_token(user=user, name=validated.get("name", ""), days=validated.get("days"))
    return Response({"token": raw, "expiry": token.expires_at, "name": token.name})


class ApiTokenSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    state = serializers.CharField(read_only=True, help_text="active, expired or revoked")
    revoked_by = serializers.CharField(source="revoked_by.username", read_only=True, default=None)

    class Meta:
        model = ApiToken
        fields = ["id", "username", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                  "revoked_by", "state"]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """Your API tokens (the secrecy office: also those of the people of its unit). Never the token
    itself: only its first characters. DELETE revokes at once."""

    serializer_class = ApiTokenSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        qs = tokens.visible_tokens(user=self.request.user)
        username = self.request.query_params.get("username")
        if username:
            qs = qs.filter(user__username=username)
        if self.request.query_params.get("state") == "active":
            qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        return qs

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        tokens.revoke_token(actor=request.user, token_id=tokens_pk(kwargs.get("pk")))
        return Response(status=status.HTTP_204_NO_CONTENT)


def tokens_pk(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise tokens.NotFound(_("Not found.")) from None
    if not 0 < value < 2**63:
        raise tokens.NotFound(_("Not found."))
    return value


class LogoutEverywhereView(APIView):
    """End every session and revoke every API token of the caller (this one included)."""

    @extend_schema(request=None, responses=inline_serializer(
        "LogoutEverywhere", {"sessions": serializers.IntegerField(), "tokens": serializers.IntegerField()}))
    def post(self, request):
        return Response(tokens.logout_everywhere(actor=request.user))
