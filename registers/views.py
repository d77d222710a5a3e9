from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from carriers.models import Carrier, Status
from common.errors import Refused, ValidationFailed
from common.levels import LEVEL_BY_CODE, Level

from . import selectors, services
from .definitions import AUDIT_EXTRACT, CARRIER_LEDGER


def request_language(request) -> str:
    """The PDF's language: ?lang=, else the interface's."""
    return request.GET.get("lang") or ("zh-hans" if (get_language() or "").startswith("zh") else "en")


def _index(request, *, errors=None, status=200, chosen=""):
    return render(
        request,
        "registers/index.html",
        {
            "ledger": CARRIER_LEDGER,
            "audit": AUDIT_EXTRACT,
            "levels": [(code, Level(value).label) for code, value in LEVEL_BY_CODE.items()],
            "statuses": Status.choices,
            "kinds": Carrier.Kind.choices,
            "units": selectors.units_for_filter(user=request.user),
            "language": request_language(request),
            "values": request.GET,
            "errors": errors or {},
            "chosen": chosen,
        },
        status=status,
    )


@login_required
def index(request):
    try:
        selectors.require_register_access(request.user)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    return _index(request)


@login_required
def export(request, name, fmt):
    try:
        result = services.export_register(
            actor=request.user, name=name, params=request.GET, fmt=fmt, language=request_language(request)
        )
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ValidationFailed as exc:
        return _index(request, errors=exc.errors, status=400, chosen=name)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
