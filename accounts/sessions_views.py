"""Pages and calls of the session: its status for the warning script, staying logged in, and
logging out everywhere."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import sessions, tokens


@require_GET
def session_status(request):
    """Seconds left in this session; asking does not count as activity (SessionTimeoutMiddleware)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("You are not logged in."), "code": "not_authenticated", "expired": True},
                            status=401)
    return JsonResponse({
        "remaining": sessions.remaining(request.session),
        "idle": sessions.idle_seconds(),
        "warn": sessions.warn_seconds(),
        "expired": False,
    })


@require_POST
def session_keepalive(request):
    """'Stay logged in': any request counts as activity; this one does nothing else."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("You are not logged in."), "code": "not_authenticated", "expired": True},
                            status=401)
    return JsonResponse({"remaining": sessions.remaining(request.session), "expired": False})


@login_required
@require_POST
def logout_everywhere(request):
    ended = tokens.logout_everywhere(actor=request.user)
    logout(request)
    messages.success(request, _("Logged out everywhere: %(sessions)d sessions ended, %(tokens)d API tokens revoked.")
                     % ended)
    return redirect("login")
