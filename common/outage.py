"""Outages told honestly: while the database is unreachable every API call answers 503 with a JSON
body and `Retry-After`, and every page answers 503 with a static "temporarily unavailable" page
(no template context, no database, no session), never a 500.

Two ways in, because a database error may come from a view or from a middleware (the session, the
user, the lockout checks):
- DatabaseOutageMiddleware.process_exception catches it from a view (DRF re-raises what is not an
  APIException);
- common.views.server_error, the 500 handler, looks at the exception being handled and answers 503
  for a database outage: Django calls it for an exception raised anywhere in the middleware chain.

A database error means the statement's transaction was rolled back: nothing was changed, and the
client may send the same request again after Retry-After seconds (with its Idempotency-Key)."""

import logging
import sys
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

try:  # psycopg's own errors, when one escapes Django's wrapping (e.g. while connecting)
    from psycopg import InterfaceError as PgInterfaceError
    from psycopg import OperationalError as PgOperationalError
except ImportError:  # pragma: no cover - psycopg is a dependency
    PgInterfaceError = PgOperationalError = DjangoOperationalError

OUTAGE_ERRORS = (DjangoOperationalError, DjangoInterfaceError, PgOperationalError, PgInterfaceError)
PAGE = Path(settings.BASE_DIR) / "templates" / "503.html"

log = logging.getLogger("registry.outage")


def retry_after() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", 30))


def is_database_outage(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from, says the database cannot be reached or used now."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def current_outage() -> bool:
    """Called from the 500 handler: is the exception being handled a database outage?"""
    return is_database_outage(sys.exc_info()[1])


@lru_cache(maxsize=1)
def _page() -> bytes:
    return PAGE.read_bytes()


def unavailable_response(request, exc: BaseException | None = None) -> HttpResponse:
    seconds = retry_after()
    exc = exc or sys.exc_info()[1]
    # the operator learns what the database said (its first line: no statement, no parameters)
    first_line = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    log.error("503 for %s %s: %s: %s", request.method, request.path, type(exc).__name__, first_line[:300])
    if request.path == "/healthz":  # reached a middleware before the health check itself
        response = JsonResponse({"status": "degraded", "database": f"error: {type(exc).__name__}"}, status=503)
    elif request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {"detail": _("The registry is temporarily unavailable (its database cannot be reached). Nothing was "
                         "changed; try again in %(seconds)s seconds.") % {"seconds": seconds},
             "code": "service_unavailable"},
            status=503,
        )
    else:
        response = HttpResponse(_page(), status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


class DatabaseOutageMiddleware:
    """A view that fails because the database is unreachable answers 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return unavailable_response(request, exception)
        return None
