"""Identity writes: completing a login, changing a password, unlocking an account.

Every write is one function, keyword-only arguments, one transaction, its audit row inside.
"""

from django.contrib.auth import login as django_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import Refused, ValidationFailed, enforce


def complete_login(request, user):
    """The password step succeeded for ``user``: finish the login.

    This is the hook for the second factor: a later step may, instead of logging in here,
    remember the pending user in the session and redirect to the code page. It returns the
    ``HttpResponse`` to send, or ``None`` when the login is complete and the caller redirects
    to the success URL.
    """
    # the second step (helper "otp"): a person with an authenticator gives a code before the session
    from accounts import factors

    second_step = factors.begin_second_step(request, user)
    if second_step is not None:
        return second_step
    django_login(request, user)
    factors.record_login(user=user)
    return None


# ------------------------------------------------------------------------------ failures and lockouts


def record_login_failure(*, username: str, channel: str, ip: str | None, actor=None, audit_failure: bool = True) -> None:
    """A failed password (or code) has just been counted by django-axes: write it to the audit
    trail, and the lockout when this failure is the one that reached the limit (for the account, for
    the address), with an alert to the secrecy office of the person's unit. One transaction of its
    own; never the password typed. An unknown username is not written (it may be a password typed in
    the wrong field): only that the account is unknown."""
    from django.contrib.auth import get_user_model

    from alerts import services as alerts
    from audit import services as audit

    from . import lockout
    from .checks import ACCOUNT_LOCKED

    user = get_user_model().objects.filter(username=username).select_related("person").first() if username else None
    person = getattr(user, "person", None) if user is not None else None
    by_account, last_account = lockout.failures(username=username) if user is not None else (0, None)
    by_address, last_address = lockout.failures(ip=ip) if ip else (0, None)
    limit = lockout.limit()
    with transaction.atomic():
        if audit_failure:
            audit.record(
                actor=actor, action="account.login_failed", target=person,
                details={"username": username if user is not None else "", "known_account": user is not None,
                         "channel": channel, "ip": ip or "", "failures": by_account,
                         "locked": by_account >= limit or by_address >= limit},
            )
        if user is not None and by_account == limit:
            until = last_account + lockout.cool_off()
            audit.record(actor=actor, action="account.locked_out", target=person,
                         details={"username": username, "by": "account", "channel": channel, "ip": ip or "",
                                  "failures": by_account, "until": until.isoformat()})
            if person is not None:
                alerts.run_checks(only=ACCOUNT_LOCKED)
        if ip and by_address == limit:
            until = last_address + lockout.cool_off()
            audit.record(actor=actor, action="account.locked_out", target=None,
                         details={"by": "address", "channel": channel, "ip": ip, "failures": by_address,
                                  "until": until.isoformat()})


def unlock_account(*, actor, person_id) -> int:
    """The secrecy office of the person's unit lifts the lockout of the person's account before its
    cool-off ends (never its own). The failures counted for the account are cleared; audited; the
    alert resolved. A person the actor may not see: 404; not the office: 403; not locked: 409."""
    from alerts import services as alerts
    from audit import services as audit
    from common import access
    from personnel import roles
    from personnel import selectors as people

    from . import lockout, rules
    from .checks import ACCOUNT_LOCKED

    person = people.person_get(user=actor, pk=person_id)
    me = access.person_of(actor)
    office = (me is not None and me.status == me.Status.ACTIVE and me.unit_id == person.unit_id
              and access.has_role(actor, roles.SECRECY_OFFICE))
    enforce([rules.may_unlock(is_unit_office=office, is_self=person.user_id == actor.pk)])
    username = person.user.get_username()
    lock = lockout.lock_of(username=username, ip=None)
    enforce([rules.is_locked(locked=lock is not None)])
    from axes.models import AccessAttempt

    with transaction.atomic():
        cleared = sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))
        AccessAttempt.objects.filter(username=username).delete()
        audit.record(actor=actor, action="account.unlocked", target=person,
                     details={"username": username, "failures_cleared": cleared, "was_locked_until": lock.until.isoformat()})
        alerts.resolve_for_target(kind=ACCOUNT_LOCKED, target=person, reason="unlocked by the secrecy office")
    return cleared


# ------------------------------------------------------------------------------ passwords


def validate_new_password(password: str, *, user=None, field: str = "password") -> None:
    """AUTH_PASSWORD_VALIDATORS, wherever a password is set: a refusal is a 400 naming `field`."""
    from django.contrib.auth import password_validation

    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed({field: exc.messages}, code="password_invalid") from None


def change_password(*, user, old_password: str, new_password: str, request=None) -> None:
    """The person changes their own password: the current one first (it counts towards the lockout
    like a login), then the validators; the change audited (account.password_changed) and every
    other session of the person ended (their session hash no longer matches; the session of
    `request`, if any, is kept)."""
    from django.contrib.auth import update_session_auth_hash

    from audit import services as audit

    from . import lockout

    if user is None or not user.is_authenticated:
        raise Refused(_("Log in to change your password."))
    errors = {}
    if not old_password:
        errors["old_password"] = [_("Enter your current password.")]
    if not new_password:
        errors["new_password"] = [_("Enter the new password.")]
    if errors:
        raise ValidationFailed(errors)
    lockout.guard(user=user, channel=lockout.PASSWORD_CHANGE, request=request)
    if not user.check_password(old_password):
        lockout.failed(user=user, channel=lockout.PASSWORD_CHANGE, request=request)
        raise ValidationFailed({"old_password": [_("Your current password is not correct; nothing was changed.")]})
    if new_password == old_password:
        raise ValidationFailed({"new_password": [_("The new password must differ from the current one.")]})
    validate_new_password(new_password, user=user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="account.password_changed", target=getattr(user, "person", None),
                     details={"username": user.get_username(), "other_sessions_ended": True})
    if request is not None and hasattr(request, "session") and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)  # this browser session goes on
