import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def home(request):
    return redirect("carriers:list" if request.user.is_authenticated else "login")


def healthz(request):
    """Liveness for load balancers: the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # reported, not raised: this is the health check
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)


def not_found(request, exception=None):
    # The same page whether the object is missing or only invisible to this user: no echo of
    # the address, no per-request token.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", {"static_page": True}, status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request):
    return render(request, "500.html", status=500)


def render_domain_error(request, template, context, exc, form=None):
    """Put a service's refusal on the form (field errors where it names a field) and answer with
    the refusal's status."""
    errors = getattr(exc, "errors", None) or {"non_field_errors": [str(exc.message)]}
    context = {**context, "refusal": str(exc.message)}
    if form is not None:
        for field, messages in errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    return render(request, template, context, status=exc.status)
