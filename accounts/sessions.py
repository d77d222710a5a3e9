"""Sessions: an idle timeout (REGISTRY["SESSION_IDLE_SECONDS"], from SESSION_IDLE_MINUTES, default
15 minutes) and an absolute lifetime (SESSION_COOKIE_AGE, default 8 hours), both enforced here on
the server from the times kept in the session; the page warns a minute before
(static/js/session-timeout.js), asking /account/session/ (which does not count as activity).

An expired session is logged out: a page redirects to the login page with a message, an API call
made with the session cookie answers 401 with the reason."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import tunables

LAST_KEY = "accounts.last_activity"
START_KEY = "accounts.login_at"
TOUCH_EVERY = 5  # seconds: the session is written at most this often for activity alone


def idle_seconds() -> int:
    """The environment's (SESSION_IDLE_MINUTES), or the system administrator's value (common.tunables)."""
    minutes = tunables.changed("SESSION_IDLE_MINUTES")
    if minutes is not None:
        return minutes * 60
    return max(1, int(settings.REGISTRY.get("SESSION_IDLE_SECONDS", 15 * 60)))


def warn_seconds() -> int:
    """The warning comes a minute before the end (half the timeout when it is shorter, in tests)."""
    return min(60, idle_seconds() // 2)


def lifetime_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def _stamp(session, now: int) -> None:
    session[LAST_KEY] = now
    session.setdefault(START_KEY, now)


def _on_login(sender, request, user, **kwargs):  # noqa: ARG001 - signal signature
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[START_KEY] = now
        request.session[LAST_KEY] = now


user_logged_in.connect(_on_login, dispatch_uid="accounts.sessions.stamp_login")


def remaining(session, now: int | None = None) -> int:
    """Seconds left before the session ends (idle or lifetime, whichever comes first)."""
    now = int(time.time()) if now is None else now
    last = session.get(LAST_KEY, now)
    start = session.get(START_KEY, now)
    return min(last + idle_seconds(), start + lifetime_seconds()) - now


def _ended(session, now: int) -> str | None:
    last, start = session.get(LAST_KEY), session.get(START_KEY)
    if start is not None and now - start > lifetime_seconds():
        return "lifetime"
    if last is not None and now - last > idle_seconds():
        return "idle"
    return None


def _message(reason: str) -> str:
    if reason == "lifetime":
        return _("Your session reached its time limit of %(hours)s hours; log in again.") % {
            "hours": f"{lifetime_seconds() / 3600:g}"}
    seconds = idle_seconds()
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("Your session ended after %(minutes)d minute without activity; log in again.",
                        "Your session ended after %(minutes)d minutes without activity; log in again.",
                        minutes) % {"minutes": minutes}
    return ngettext("Your session ended after %(seconds)d second without activity; log in again.",
                    "Your session ended after %(seconds)d seconds without activity; log in again.",
                    seconds) % {"seconds": seconds}


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            reason = _ended(session, now)
            if reason is not None:
                return self._expired(request, reason)
            status_only = request.path == reverse("accounts:session_status")
            if not status_only and (session.get(LAST_KEY) is None or now - session[LAST_KEY] >= TOUCH_EVERY):
                _stamp(session, now)
        return self.get_response(request)

    @staticmethod
    def _expired(request, reason: str):
        message = _message(reason)
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "session_expired", "expired": True}, status=401)
        messages.info(request, message)  # the warning script reloads the page: the login page says why
        if request.path == reverse("accounts:session_status"):
            return JsonResponse({"detail": message, "code": "session_expired", "expired": True}, status=401)
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(login_url)


def session_context(request) -> dict:
    """For base.html: the times the warning script needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"session_idle_seconds": idle_seconds(), "session_warn_seconds": warn_seconds()}
