"""API tokens: stored as SHA-256 (the token itself is shown once), with an expiry, listed and
revoked by their owner and by the secrecy office of the owner's unit; "log out everywhere" ends
every session and token of a person. HashedTokenAuthentication reads them for DRF
("Authorization: Token <token>", as before).

Token creation, revocation, logout everywhere and each refused use of an expired or revoked token
(at most once an hour per token) are on the audit trail; the token never is."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from audit import services as audit
from common import access, tunables
from common.errors import DomainError, Refused, ValidationFailed

from .models import ApiToken

TOKEN_BYTES = 20  # 40 hexadecimal characters, the shape clients already know
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most once a minute per token
REFUSAL_RECORD_EVERY = timedelta(hours=1)


class NotFound(DomainError):
    status = 404
    code = "not_found"


def digest_of(raw: str) -> str:
    return hashlib.sha256(str(raw).encode()).hexdigest()


def _target(user):
    return getattr(user, "person", None) or user


def _max_days() -> int:
    return tunables.value("API_TOKEN_DAYS")  # the environment's, or the system administrator's


# ------------------------------------------------------------------------------ reads


def visible_tokens(*, user):
    """The caller's own tokens; for the secrecy office also those of the people of their unit
    (accounts.policy, through the gate)."""
    return access.restrict(ApiToken.objects.all(), user).select_related("user", "user__person", "revoked_by")


def live_tokens(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


# ------------------------------------------------------------------------------ writes


def create_token(*, user, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` (whose credentials were just checked). Returns the row and the token,
    which is never stored nor shown again. Beyond API_TOKEN_MAX_PER_USER live tokens, the oldest
    is revoked."""
    name = (name or "").strip()
    if len(name) > 100:
        raise ValidationFailed({"name": [_("At most 100 characters.")]})
    limit = _max_days()
    if days is None:
        days = limit
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationFailed({"days": [_("Enter a whole number of days.")]}) from None
    if not 1 <= days <= limit:
        raise ValidationFailed({"days": [_("A token lives between 1 and %(max)d days.") % {"max": limit}]})
    raw = secrets.token_hex(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        keep = tunables.value("API_TOKEN_MAX_PER_USER") - 1
        surplus = list(live_tokens(user).select_for_update().order_by("-created_at", "-pk")[keep:])
        for old in surplus:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            audit.record(actor=user, action="account.token_revoked", target=_target(user),
                         details={"token": old.prefix, "reason": "limit"})
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:8], digest=digest_of(raw), created_at=now,
            expires_at=now + timedelta(days=days),
        )
        audit.record(actor=user, action="account.token_created", target=_target(user),
                     details={"token": token.prefix, "name": name, "expires_at": token.expires_at.isoformat()})
    return token, raw


def revoke_token(*, actor, token_id) -> ApiToken:
    """The owner, or the secrecy office of the owner's unit, revokes a token (at once, for good).
    A token the actor may not see answers 404 like one that does not exist."""
    with transaction.atomic():
        token = visible_tokens(user=actor).select_for_update(of=("self",)).filter(pk=token_id).first()
        if token is None:
            raise NotFound(_("Not found."))
        if token.revoked_at is not None:
            from common.errors import Conflict

            raise Conflict(_("This token was already revoked."), code="already_revoked")
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=actor, action="account.token_revoked", target=_target(token.user),
                     details={"token": token.prefix, "reason": "owner" if actor.pk == token.user_id else "secrecy_office"})
    return token


def sessions_of(user) -> list[str]:
    """Keys of the unexpired sessions logged in as `user` (database sessions)."""
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


def logout_everywhere(*, actor, user=None) -> dict:
    """End every session and revoke every token of `user` (the actor themselves, or a person of
    their unit when the actor is in its secrecy office)."""
    from personnel import roles

    user = user or actor
    # actor None: the system (the directory sync closing an account, directory/services.py)
    if actor is not None and user.pk != actor.pk:
        me, them = access.person_of(actor), getattr(user, "person", None)
        # the secrecy office of their unit, or its system administrator (issue 15)
        if not (me and them and access.has_role(actor, roles.SECRECY_OFFICE, roles.SYSTEM_ADMIN)
                and me.unit_id == them.unit_id):
            raise Refused(_("Only the person or the secrecy office of their unit ends their sessions."))
    now = timezone.now()
    with transaction.atomic():
        revoked = live_tokens(user).update(revoked_at=now, revoked_by=actor)
        keys = sessions_of(user)
        Session.objects.filter(session_key__in=keys).delete()
        audit.record(actor=actor, action="account.logout_everywhere", target=_target(user),
                     details={"sessions": len(keys), "tokens": revoked})
    return {"sessions": len(keys), "tokens": revoked}


def _record_refusal(token: ApiToken, reason: str) -> None:
    """A use of an expired or revoked token, on the trail at most once an hour per token."""
    from .factors import after_rollback

    def write():
        now = timezone.now()
        due = ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_refused_at__isnull=True) | Q(last_refused_at__lt=now - REFUSAL_RECORD_EVERY))
        if due.update(last_refused_at=now):
            audit.record(actor=token.user, action="account.token_refused", target=_target(token.user),
                         details={"token": token.prefix, "reason": reason})

    after_rollback(write)


# ------------------------------------------------------------------------------ DRF


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`: the SHA-256 of the token is looked up; an expired or revoked
    token answers 401 saying so."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        now = timezone.now()
        if token.revoked_at is not None:
            _record_refusal(token, "revoked")
            raise exceptions.AuthenticationFailed(
                _("This token was revoked on %(when)s; ask for a new one (POST /api/v1/auth/token/).")
                % {"when": date_format(timezone.localtime(token.revoked_at), "DATETIME_FORMAT")},
                code="token_revoked",
            )
        if token.expires_at <= now:
            _record_refusal(token, "expired")
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(when)s; ask for a new one (POST /api/v1/auth/token/).")
                % {"when": date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")},
                code="token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."), code="user_inactive")
        from .factors import must_enrol

        if must_enrol(token.user):  # a token made before the role required a second factor
            raise exceptions.PermissionDenied(
                _("Your role requires a second factor: enrol an authenticator at /account/factors/ first."),
                code="second_factor_required",
            )
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
