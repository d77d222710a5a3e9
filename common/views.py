import logging

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def home(request):
    return redirect("carriers:list" if request.user.is_authenticated else "login")


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
    """The 500 handler. A database outage (raised by a view or any middleware) answers 503 with
    Retry-After instead (common/outage.py). The page itself needs no database: it is rendered
    without the request, so no context processor (navigation, session) runs."""
    from django.http import HttpResponse
    from django.template import loader

    from .outage import current_outage, unavailable_response

    if current_outage():
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error. Nothing was changed; try again or tell the secrecy office."),
                             "code": "server_error"}, status=500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


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
