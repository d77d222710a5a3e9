"""The token endpoint: POST /api/v1/auth/token/ trades credentials for a new API token."""

import logging

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, renderers
from rest_framework.throttling import ScopedRateThrottle

from common.api.views import APIView
from common.parsers import JSONParser

from .lockout import client_ip, refuse_if_flagged
from .tokens_api import TokenRequestSerializer, TokenResponseSerializer, issue_token

log = logging.getLogger(__name__)


class ResilientScopedRateThrottle(ScopedRateThrottle):
    """Rate limiting kept in the shared cache (Redis in production). If the cache is down the
    request goes on, logged: an outage of Redis must not stop people working (the lockout of
    django-axes, counted in the database, still holds). Clients are told apart by their address as
    accounts.lockout.client_ip reads it: X-Forwarded-For only from TRUSTED_PROXIES."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's connection errors vary by client library
            log.warning("rate limiting skipped: the cache is unavailable", exc_info=True)
            return True


class TokenView(APIView):
    """Trade a username and password (and the code of the person's authenticator, where they have
    one) for a new API token (POST /api/v1/auth/token/). The token is shown this once, stored only
    as its SHA-256 and expires (accounts/tokens.py)."""

    throttle_classes = [ResilientScopedRateThrottle]
    throttle_scope = "auth"
    permission_classes = ()
    authentication_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)
    renderer_classes = (renderers.JSONRenderer,)

    # documented as JSON only: the form encodings stay accepted (curl -d, browsers), but a schema
    # listing three request bodies makes generated clients (openapi-python-client) invalid code
    @extend_schema(request={"application/json": TokenRequestSerializer}, responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request, "view": self})
        if not serializer.is_valid():
            # django-axes found the account or the address locked (or this failure locked it): 429
            refuse_if_flagged(request)
            serializer.is_valid(raise_exception=True)
        return issue_token(request, serializer.validated_data)
