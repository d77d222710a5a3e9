"""Every refused API request answers with a status and a message a person understands, never 500
for bad input: DomainError from the services, DRF's own errors, Http404, and database refusals."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError
from common.parsers import too_large

log = logging.getLogger(__name__)

def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(exc.as_data(), status=exc.status)
        if getattr(exc, "retry_after", None):  # a lockout (429) says when to try again
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404 | exceptions.NotFound):
        # The same bytes whether the object is missing or only invisible to this user.
        return Response({"detail": _("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        log.info("integrity conflict: %s", exc)
        return Response(
            {"detail": _("This conflicts with a record that already exists or just changed; reload and try again."),
             "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DatabaseError) and "append-only" in str(exc):
        return Response({"detail": _("The audit trail cannot be changed."), "code": "append_only"}, status=409)
    if isinstance(exc, RequestDataTooBig):  # the body was read before the parser (413, not an HTML 400)
        return Response({"detail": str(too_large().detail), "code": "too_large"}, status=413)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        # the shared Error component: `detail` for a person, `code` for a program
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else "error"
    return response
