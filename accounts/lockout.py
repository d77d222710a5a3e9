"""Account lockout: django-axes, its database handler, on every place a password is checked.

- The login page and the token endpoint check passwords through django.contrib.auth.authenticate:
  axes' backend (first in AUTHENTICATION_BACKENDS) refuses a locked account or address before its
  password is looked at, and axes counts every failure (user_login_failed) in the database.
- Signing re-authentication (audit.services.reauthenticate) and the password change check a
  password themselves: they call guard() first and failed() on a wrong password. A failure inside a
  service's transaction is recorded once that transaction is over (accounts.factors.after_rollback):
  the rollback of the refused signature does not take the failure with it.
- Locked: LOGIN_FAILURE_LIMIT failures (AXES_FAILURE_LIMIT) by one account, or from one client
  address, within LOGIN_COOLOFF_MINUTES (AXES_COOLOFF_TIME), until that long after the last failure,
  or until the secrecy office unlocks the account (services.unlock_account).
- The client address is REMOTE_ADDR; X-Forwarded-For only when REMOTE_ADDR is a trusted proxy
  (settings.TRUSTED_PROXIES), read from the nearest hop back to the first address that is not one.
- Every failure and every lockout goes to the audit trail in a transaction of its own
  (accounts.signals, services.record_login_failure), never the password typed.
"""

import contextvars
import functools
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import tunables
from common.errors import DomainError

log = logging.getLogger(__name__)

# which check a failure belongs to: the audit trail says so
LOGIN, TOKEN, SIGNING, PASSWORD_CHANGE = "login", "token", "signing", "password_change"


# ------------------------------------------------------------------------------ the client address


@functools.lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple:
    networks = []
    for entry in proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.error("TRUSTED_PROXIES: %r is not an address or a network; ignored", entry)
    return tuple(networks)


def _address(value):
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address as the lockout and the rate limits see it (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES: then X-Forwarded-For is read from its right
    end (the hop nearest to us) and the first address that is not a trusted proxy is the client.
    A client can write anything into X-Forwarded-For; only what our own proxies appended counts."""
    meta = getattr(request, "META", None) or {}
    remote = _address(meta.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not any(remote in net for net in networks):
        return str(remote)
    client = remote
    for hop in reversed([part for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # a malformed hop: trust nothing further out
            break
        client = address
        if not any(address in net for net in networks):
            break
    return str(client)


# ------------------------------------------------------------------------------ the request in progress

_current_request: contextvars.ContextVar = contextvars.ContextVar("accounts_current_request", default=None)


def current_request():
    """The request being answered (accounts.middleware.CurrentRequestMiddleware), or None."""
    return _current_request.get()


_META_KEPT = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT", "HTTP_ACCEPT", "PATH_INFO")


def axes_request(*, channel: str, request=None, actor=None) -> HttpRequest:
    """A bare request for django-axes: the client's address, user agent and path of `request` (or
    of the request in progress), and nothing of its body: axes stores the POST data of a failure,
    and a signing form carries carrier facts besides the password."""
    source = request if request is not None else current_request()
    bare = HttpRequest()
    bare.method = "POST"
    if source is not None:
        meta = getattr(source, "META", {}) or {}
        bare.META = {key: meta[key] for key in _META_KEPT if key in meta}
        bare.path = bare.path_info = getattr(source, "path", "") or ""
    bare.accounts_channel = channel
    bare.accounts_actor = actor
    return bare


def channel_of(request) -> str:
    if request is None:
        return LOGIN
    channel = getattr(request, "accounts_channel", None)
    if channel:
        return channel
    return TOKEN if str(getattr(request, "path", "")).startswith("/api/") else LOGIN


# ------------------------------------------------------------------------------ the state of a lock


def limit() -> int:
    """LOGIN_FAILURE_LIMIT, or the system administrator's value (common.tunables); a whole number
    set as AXES_FAILURE_LIMIT itself (a test's override) wins."""
    configured = settings.AXES_FAILURE_LIMIT
    if isinstance(configured, int):
        return configured
    return tunables.value("LOGIN_FAILURE_LIMIT")


def cool_off() -> timedelta:
    """LOGIN_COOLOFF_MINUTES, or the system administrator's value; a timedelta set as
    AXES_COOLOFF_TIME itself wins."""
    configured = settings.AXES_COOLOFF_TIME
    if isinstance(configured, timedelta):
        return configured
    return timedelta(minutes=tunables.value("LOGIN_COOLOFF_MINUTES"))


def axes_failure_limit(request, credentials) -> int:  # noqa: ARG001 - django-axes' signature
    """AXES_FAILURE_LIMIT: django-axes asks here, so its lock and ours agree at run time."""
    return limit()


def axes_cool_off(request=None) -> timedelta:  # noqa: ARG001 - django-axes' signature
    """AXES_COOLOFF_TIME: django-axes asks here."""
    return cool_off()


def _attempts(now=None):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - cool_off())


def failures(*, username: str | None = None, ip: str | None = None, now=None) -> tuple[int, datetime | None]:
    """Failures counted within the cool-off by this account (username) or from this address (ip),
    and the time of the last one."""
    if username is None and ip is None:
        return 0, None
    qs = _attempts(now).filter(**({"username": username} if username is not None else {"ip_address": ip}))
    row = qs.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    return row["n"] or 0, row["last"]


@dataclass(frozen=True)
class Lock:
    by: str  # "account" or "address"
    until: datetime


def lock_of(*, username: str | None, ip: str | None, now=None) -> Lock | None:
    """The lock that holds for this account or this address now, or None."""
    for by, key in (("account", {"username": username}), ("address", {"ip": ip})):
        if next(iter(key.values())) in (None, ""):
            continue
        count, last = failures(now=now, **key)
        if count >= limit():
            return Lock(by=by, until=last + cool_off())
    return None


class AccountLocked(DomainError):
    """429: too many failed attempts; says until when, and who can lift it earlier."""

    status = 429
    code = "locked"
    default_message = gettext_lazy("Too many failed attempts: locked for a while.")

    def __init__(self, lock: Lock):
        self.lock = lock
        when = date_format(timezone.localtime(lock.until), "Y-m-d H:i")
        if lock.by == "address":
            message = _("Too many failed attempts from your address: it is locked until %(time)s. "
                        "Try again then.") % {"time": when}
        else:
            message = _("This account is locked after too many failed attempts, until %(time)s. Try again "
                        "then, or ask the secrecy office of your unit to unlock it.") % {"time": when}
        super().__init__(message)

    def as_data(self):
        return {"detail": str(self.message), "code": self.code, "locked": self.lock.by,
                "locked_until": self.lock.until.isoformat()}

    @property
    def retry_after(self) -> int:
        return max(1, int((self.lock.until - timezone.now()).total_seconds()) + 1)


# ------------------------------------------------------------------------------ checks that are not authenticate()


def guard(*, user, channel: str, request=None) -> None:
    """Before checking a password outside authenticate() (signing, password change): refuse (429)
    while the account or the client's address is locked. The refused attempt is recorded and counts,
    as axes counts one on the login page."""
    bare = axes_request(channel=channel, request=request, actor=user)
    lock = lock_of(username=user.get_username(), ip=client_ip(bare))
    if lock is not None:
        failed(user=user, channel=channel, request=request)
        raise AccountLocked(lock)


def failed(*, user, channel: str, request=None) -> None:
    """A wrong password outside authenticate(): counted by axes and audited, in a transaction of its
    own, after the caller's transaction is over if one is open."""
    from django.db import transaction

    from accounts.factors import after_rollback

    bare = axes_request(channel=channel, request=request, actor=user)
    username = user.get_username()

    def send():
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=bare)

    if request is None and current_request() is None:
        # no request whose end we could wait for (a shell, a task, a test calling the service): now,
        # inside the caller's transaction if one is open
        with transaction.atomic():
            send()
        return
    after_rollback(send)


def refuse_if_flagged(request) -> None:
    """After a failed authenticate() on the API (DRF's request is not the one AxesMiddleware sees):
    answer 429 when axes has found the account or address locked."""
    if not getattr(request, "axes_locked_out", False):
        return
    data = getattr(request, "data", None) or {}
    username = data.get("username") if hasattr(data, "get") else None
    lock = lock_of(username=username, ip=client_ip(request)) or Lock(by="account", until=timezone.now() + cool_off())
    raise AccountLocked(lock)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a request axes has locked out answers. The API: 429 with a JSON
    detail and `locked_until`; the login page: the page again, 429, the reason on it."""
    username = (credentials or {}).get("username")
    if username is None and hasattr(request, "POST"):
        username = request.POST.get("username")
    lock = lock_of(username=username, ip=client_ip(request)) or Lock(by="account", until=timezone.now() + cool_off())
    refusal = AccountLocked(lock)
    if str(getattr(request, "path", "")).startswith("/api/"):
        response = JsonResponse(refusal.as_data(), status=refusal.status)
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, initial={"username": username or ""})
        context = {"form": form, "locked": refusal.message, "next": request.POST.get("next", "")}
        response = render(request, "accounts/login.html", context, status=refusal.status)
    response["Retry-After"] = str(refusal.retry_after)
    return response
