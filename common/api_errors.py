"""Refusals Django makes before DRF's exception handler sees the request (a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host, too many fields): JSON for the API, Django's page
elsewhere (config/urls.py handler400)."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from common.parsers import max_body_bytes


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": _("The request body is larger than %(limit)d bytes.")
                                 % {"limit": max_body_bytes()}, "code": "too_large"}, status=413)
        return JsonResponse({"detail": _("The request was refused."), "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)
