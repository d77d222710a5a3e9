"""The second factor: an authenticator app (TOTP, accounts.models.AuthenticatorDevice: django-otp's
TOTPDevice with its secret encrypted by a key the database does not hold, accounts/otp_crypto.py)
and ten one-time recovery codes (accounts.models.RecoveryDevice, SHA-256 of each code kept, shown
once).

- A person enrols themselves (/account/factors/): a QR code drawn here, confirmed with a first code,
  then the recovery codes. Nobody else ever sees the secret; the secrecy office of the person's unit
  can only reset (remove) the factor.
- Login: after the password, a person with a factor gives a code (or a recovery code) before the
  session is theirs. REGISTRY["OTP_REQUIRED_ROLES"] makes the factor mandatory: such a person is sent
  to enrol before anything else (RequireFactorMiddleware).
- Signing (audit.services.reauthenticate): the password and the current code of the same device.
- A code is accepted once: AuthenticatorDevice.last_t refuses any code of a time step already used, and the
  device row is locked while a code is checked, so two requests cannot both spend one code.
- Every enrolment, reset, recovery-code use and wrong code is on the audit trail; a wrong code also
  counts towards the account's lockout (django-axes listens to user_login_failed). A refusal that
  happens inside a transaction which is then rolled back is still recorded: the record waits until
  the transaction is over (after_rollback).
"""

import logging
import secrets
import threading
import time
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.signals import request_finished
from django.db import connection, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp

from audit import services as audit
from common import access
from common.errors import DomainError, Refused, ValidationFailed

from . import otp_crypto
from .models import AuthenticatorDevice, RecoveryCode, RecoveryDevice, recovery_digest

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
PENDING_KEY = "accounts.second_step"
PENDING_SECONDS = 300  # the code must follow the password within five minutes
PENDING_MAX_TRIES = 5  # then the password again


class TooManyAttempts(DomainError):
    """429: too many wrong codes in a row; the device waits before it checks another."""

    status = 429
    code = "throttled"
    default_message = gettext_lazy("Too many wrong codes; wait a moment and try again.")


# ------------------------------------------------------------------------------ reads


def _user_model():
    return get_user_model()


def totp_device(user, *, confirmed: bool | None = True) -> AuthenticatorDevice | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    devices = AuthenticatorDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-pk").first()


def has_factor(user) -> bool:
    return bool(user and user.is_authenticated and AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


def factor_required(user) -> bool:
    """REGISTRY["OTP_REQUIRED_ROLES"]: "*" for every role, or role names."""
    required = settings.REGISTRY.get("OTP_REQUIRED_ROLES") or []
    if not required or user is None or not user.is_authenticated:
        return False
    if "*" in required:
        return True
    return access.has_role(user, *required)


def must_enrol(user) -> bool:
    return factor_required(user) and not has_factor(user)


def provisioning(device: AuthenticatorDevice) -> dict:
    """What the person's own enrolment page shows: the otpauth URI as a QR code (SVG drawn here,
    nothing fetched) and the secret in base32 for typing by hand."""
    import segno

    uri = device.config_url
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=_("Authenticator QR code"))
    return {"uri": uri, "svg": svg, "secret": b32encode(device.bin_key).decode()}


# ------------------------------------------------------------------------------ records that survive a rollback

_pending = threading.local()


def after_rollback(fn) -> None:
    """Run `fn` in a transaction of its own, now if no transaction is open, else once the current
    request (or the caller's transaction) is over: a refusal raised inside a service's transaction
    rolls that transaction back, but the refusal itself must still reach the trail."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            fn()
        return
    queue = getattr(_pending, "queue", None)
    if queue is None:
        queue = _pending.queue = []
    queue.append(fn)
    transaction.on_commit(flush_deferred)


def flush_deferred(**_kwargs) -> None:
    """Write what after_rollback() kept (called at the end of each request)."""
    queue = getattr(_pending, "queue", None)
    while queue:
        fn = queue.pop(0)
        try:
            with transaction.atomic():
                fn()
        except Exception:  # noqa: BLE001 - a failed record must not hide the answer already given
            log.exception("could not record a refused credential")


def discard_deferred() -> None:
    """Forget what after_rollback() kept (the test suite, between tests)."""
    _pending.queue = []


request_finished.connect(flush_deferred, dispatch_uid="accounts.factors.flush_deferred")


def _target(user):
    return getattr(user, "person", None) or user


# which wrong codes count towards the lockout, and as what (a typo while enrolling does not)
_LOCKOUT_CHANNELS = {"login": "login", "token": "token", "signing": "signing", "removal": "login",
                     "recovery_codes": "login"}


def _record_failure(*, user, request, context: str, reason: str, device_pk: int | None = None) -> None:
    """A wrong, replayed or missing code: audited, counted by the device's throttle and by the
    account lockout (user_login_failed), in a transaction of its own."""
    from accounts import lockout

    def write():
        if device_pk is not None:
            device = AuthenticatorDevice.objects.select_for_update().filter(pk=device_pk).first()
            if device is not None:
                device.throttle_increment(commit=True)
        audit.record(actor=user, action="account.factor_failed", target=_target(user),
                     details={"context": context, "reason": reason})

    after_rollback(write)
    if context in _LOCKOUT_CHANNELS:  # counted by the account lockout (django-axes), after the above
        # sent as accounts.factors: accounts.signals then counts it without a second audit event
        bare = lockout.axes_request(channel=_LOCKOUT_CHANNELS[context], request=request, actor=user)
        username = user.get_username()
        after_rollback(lambda: user_login_failed.send(sender=__name__, credentials={"username": username},
                                                      request=bare))


# ------------------------------------------------------------------------------ checking a code


class _Refusal(Exception):
    def __init__(self, reason, device_pk=None, locked_until=None):
        self.reason, self.device_pk, self.locked_until = reason, device_pk, locked_until


def _normalise(code) -> str:
    return "".join(str(code or "").split())


def _is_replay(device: AuthenticatorDevice, code: str) -> bool:
    """The code is right for a time step already used (within the accepted window)."""
    if not code.isdigit() or device.last_t < 0:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_t = totp.t()
    for t in range(now_t - device.tolerance, now_t + device.tolerance + 1):
        if 0 <= t <= device.last_t and hotp(device.bin_key, t, device.digits) == int(code):
            return True
    return False


def _check_totp(device: AuthenticatorDevice, code: str) -> None:
    """Inside a transaction, the device row locked: accept `code` once, or raise _Refusal (the
    caller rolls back what django-otp wrote and records the failure itself)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise _Refusal("throttled", locked_until=(info or {}).get("locked_until"))
    if not code.isdigit() or len(code) != device.digits:
        raise _Refusal("malformed", device.pk)
    try:
        if _is_replay(device, code):
            raise _Refusal("replayed", device.pk)
        if not device.verify_token(code):
            raise _Refusal("wrong", device.pk)
    except otp_crypto.InvalidToken:  # another key than the one it was encrypted with, or an altered row
        log.critical("authenticator %s of user %s cannot be decrypted: check OTP_ENCRYPTION_KEY_FILE",
                     device.pk, device.user_id)
        raise _Refusal("unreadable") from None


def _refusal_error(refusal: _Refusal, field: str):
    if refusal.reason == "throttled":
        until = refusal.locked_until
        when = date_format(timezone.localtime(until), "H:i:s") if until else ""
        return TooManyAttempts(
            _("Too many wrong codes in a row: wait until %(time)s and try again.") % {"time": when}
            if when else None
        )
    if refusal.reason == "replayed":
        return ValidationFailed({field: [_("This code was already used; wait for the next code of your authenticator.")]},
                                code="code_replayed")
    if refusal.reason == "missing":
        return ValidationFailed({field: [_("Enter the code from your authenticator.")]}, code="code_required")
    if refusal.reason == "unreadable":
        return ValidationFailed({field: [_("Your authenticator cannot be checked on this server; ask the secrecy "
                                           "office to reset it, or use a recovery code.")]}, code="factor_unreadable")
    return ValidationFailed({field: [_("The code is not correct.")]}, code="code_wrong")


def check_signing_code(*, signer, code, request=None) -> None:
    """Called by audit.services.reauthenticate after the password: a signer with an authenticator
    also gives its current code, accepted once (so two signatures cannot share one code)."""
    if not AuthenticatorDevice.objects.filter(user=signer, confirmed=True).exists():
        return
    code = _normalise(code)
    try:
        if not code:
            raise _Refusal("missing")
        with transaction.atomic():
            device = AuthenticatorDevice.objects.select_for_update().filter(user=signer, confirmed=True).order_by("-pk").first()
            _check_totp(device, code)
    except _Refusal as refusal:
        if refusal.reason == "missing":
            raise ValidationFailed(
                {"otp": [_("Enter the one-time code from your authenticator to sign.")]}, code="code_required",
            ) from None
        if refusal.reason != "throttled":
            _record_failure(user=signer, request=request, context="signing", reason=refusal.reason,
                            device_pk=refusal.device_pk)
        error = _refusal_error(refusal, "otp")
        if isinstance(error, ValidationFailed) and refusal.reason == "wrong":
            error = ValidationFailed({"otp": [_("The one-time code is not correct; nothing was signed.")]},
                                     code="code_wrong")
        raise error from None


def check_login_code(*, user, code, request=None, context: str = "login"):
    """The second step of a login (or of the token endpoint): a code of the authenticator or one of
    the recovery codes. Returns the device that accepted it; raises ValidationFailed or
    TooManyAttempts, the failure recorded."""
    code = _normalise(code)
    try:
        if not code:
            raise _Refusal("missing")
        with transaction.atomic():
            device = AuthenticatorDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
            if device is not None and code.isdigit():
                _check_totp(device, code)
                if context != "login":  # a login is recorded once, as account.login
                    audit.record(actor=user, action="account.factor_used", target=_target(user),
                                 details={"context": context, "kind": "totp"})
                return device
            recovery = RecoveryDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if recovery is None:
                raise _Refusal("malformed", getattr(device, "pk", None))
            allowed, info = recovery.verify_is_allowed()
            if not allowed:
                raise _Refusal("throttled", locked_until=(info or {}).get("locked_until"))
            if not recovery.verify_token(code):
                raise _Refusal("wrong", getattr(device, "pk", None))
            left = recovery.codes.filter(used_at__isnull=True).count()
            audit.record(actor=user, action="account.recovery_code_used", target=_target(user),
                         details={"context": context, "left": left})
            return recovery
    except _Refusal as refusal:
        if refusal.reason == "missing":
            raise ValidationFailed({"code": [_("Enter the code from your authenticator or a recovery code.")]},
                                   code="code_required") from None
        if refusal.reason != "throttled":
            _record_failure(user=user, request=request, context=context, reason=refusal.reason,
                            device_pk=refusal.device_pk)
        raise _refusal_error(refusal, "code") from None


# ------------------------------------------------------------------------------ enrolment (the person themselves)


def _new_recovery_codes(user) -> list[str]:
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:16]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=recovery_digest(c)) for c in codes)
    return codes


def start_enrolment(*, actor) -> AuthenticatorDevice:
    """A new, unconfirmed authenticator for the actor (replacing an unconfirmed one)."""
    if actor is None or not actor.is_authenticated:
        raise Refused(_("Log in first."))
    if has_factor(actor):
        raise ValidationFailed({"non_field_errors": [_("You already have an authenticator; remove it first to enrol another.")]},
                               code="already_enrolled")
    with transaction.atomic():
        AuthenticatorDevice.objects.filter(user=actor, confirmed=False).delete()
        return AuthenticatorDevice.objects.create(user=actor, name="authenticator", confirmed=False)


def confirm_enrolment(*, actor, code, request=None) -> list[str]:
    """The first code from the new authenticator confirms it; returns the ten recovery codes (shown
    once, only their digests are kept)."""
    code = _normalise(code)
    if not code:
        raise ValidationFailed({"code": [_("Enter the code your authenticator shows.")]}, code="code_required")
    try:
        with transaction.atomic():
            device = AuthenticatorDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk").first()
            if device is None:
                raise ValidationFailed({"non_field_errors": [_("Start the enrolment again: no authenticator is waiting for its first code.")]},
                                       code="no_enrolment")
            _check_totp(device, code)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(actor)
            audit.record(actor=actor, action="account.factor_enrolled", target=_target(actor),
                         details={"kind": "totp", "recovery_codes": len(codes)})
            return codes
    except _Refusal as refusal:
        if refusal.reason != "throttled":
            _record_failure(user=actor, request=request, context="enrolment", reason=refusal.reason,
                            device_pk=refusal.device_pk)
        raise _refusal_error(refusal, "code") from None


def renew_recovery_codes(*, actor, code, request=None) -> list[str]:
    """Ten new recovery codes (the old ones stop working), against a current code."""
    if not has_factor(actor):
        raise ValidationFailed({"non_field_errors": [_("Enrol an authenticator first.")]}, code="not_enrolled")
    check_login_code(user=actor, code=code, request=request, context="recovery_codes")
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        audit.record(actor=actor, action="account.recovery_codes_renewed", target=_target(actor),
                     details={"recovery_codes": len(codes)})
    return codes


def remove_own_factor(*, actor, password, code, request=None) -> None:
    """The person removes their own authenticator: password and a current code."""
    if not has_factor(actor):
        raise ValidationFailed({"non_field_errors": [_("You have no authenticator.")]}, code="not_enrolled")
    if not password or not actor.check_password(password):
        raise ValidationFailed({"password": [_("The password is not correct.")]}, code="password_wrong")
    check_login_code(user=actor, code=code, request=request, context="removal")
    with transaction.atomic():
        _delete_factors(actor)
        audit.record(actor=actor, action="account.factor_removed", target=_target(actor), details={})


def _delete_factors(user) -> int:
    from .models import SecurityKey

    removed, _detail = AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    SecurityKey.objects.filter(user=user).delete()
    return removed


def may_reset_factor(actor, person) -> bool:
    from personnel import roles

    me = access.person_of(actor)
    # the secrecy office of the person's unit, or its system administrator (issue 15)
    return bool(
        me is not None and access.has_role(actor, roles.SECRECY_OFFICE, roles.SYSTEM_ADMIN)
        and me.unit_id == person.unit_id and actor.pk != person.user_id
    )


def reset_factor(*, actor, person) -> None:
    """The secrecy office of the person's unit removes the person's authenticator and recovery codes
    (a lost phone): the person enrols again at their next login. Nobody sees the secret. Not one's
    own: another member of the office does it."""
    if actor.pk == person.user_id:
        raise Refused(_("Another member of the secrecy office resets your own second factor."))
    if not may_reset_factor(actor, person):
        raise Refused(_("Only the secrecy office of the person's unit resets a second factor."))
    with transaction.atomic():
        removed = _delete_factors(person.user)
        audit.record(actor=actor, action="account.factor_reset", target=person,
                     details={"had_authenticator": bool(removed)})


# ------------------------------------------------------------------------------ the login's second step


def _next_url(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def begin_second_step(request, user):
    """After the password: a person with an authenticator is not logged in yet. The session (still
    anonymous) remembers who gave the right password, for five minutes and five tries."""
    if not has_factor(user):
        return None
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk, "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": int(time.time()), "next": _next_url(request), "tries": 0,
    }
    return HttpResponseRedirect(reverse("accounts:login_code"))


def pending_user(request):
    """The user waiting for their second step, or None (nothing pending, or too late)."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None, None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS or pending.get("tries", 0) >= PENDING_MAX_TRIES:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = _user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def finish_second_step(request, code):
    """Check the code; on success log the pending user in. Returns the URL to go to."""
    from django.contrib.auth import login as django_login

    from accounts import lockout

    user, pending = pending_user(request)
    if user is None:
        raise Refused(_("Your login took too long or had too many wrong codes; enter your password again."))
    lockout.guard(user=user, channel=lockout.LOGIN, request=request)
    try:
        device = check_login_code(user=user, code=code, request=request)
    except (ValidationFailed, TooManyAttempts):  # a wrong code: one try fewer
        pending["tries"] = pending.get("tries", 0) + 1
        request.session[PENDING_KEY] = pending
        raise
    request.session.pop(PENDING_KEY, None)
    user.backend = pending["backend"]
    user.otp_device = device  # django_otp's user_logged_in receiver keeps it in the session
    django_login(request, user)
    otp_login(request, device)
    record_login(user=user, device=device)
    return pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)


def verified_device_id(request) -> str | None:
    return request.session.get(DEVICE_ID_SESSION_KEY)


# ------------------------------------------------------------------------------ enrol before anything else

_EXEMPT_URL_NAMES = {
    "accounts:factors", "accounts:factors_start", "accounts:factors_confirm", "accounts:login_code",
    "login", "logout", "set_language", "healthz", "accounts:session_status", "accounts:session_keepalive",
    "accounts:logout_everywhere",
}


class RequireFactorMiddleware:
    """A person whose role requires a second factor and who has none is sent to enrol it before any
    other page; the API answers 403 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and must_enrol(user) and not self._exempt(request):
            message = _("Your role requires a second factor: enrol an authenticator first.")
            if request.path.startswith("/api/"):
                # a token holder of such a role got the token before the rule applied: same answer
                return JsonResponse({"detail": message, "code": "second_factor_required"}, status=403)
            messages.warning(request, message)
            return HttpResponseRedirect(reverse("accounts:factors"))
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        if request.path.startswith(static_url):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return match.view_name in _EXEMPT_URL_NAMES


def record_login(*, user, device=None) -> None:
    """The successful login on the trail, with how it was made (password alone or with a factor)."""
    from .models import SecurityKey

    kinds = ((RecoveryDevice, "recovery"), (SecurityKey, "security_key"), (AuthenticatorDevice, "totp"))
    kind = "none" if device is None else next(name for cls, name in kinds if isinstance(device, cls))
    with transaction.atomic():
        audit.record(actor=user, action="account.login", target=_target(user), details={"second_factor": kind})
