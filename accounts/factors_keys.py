"""Security keys (WebAuthn, the `webauthn` package): a second kind of factor at login, where the
browser offers one. A person with an authenticator app registers keys on /account/factors/; at
login, after the password, "Use a security key" replaces typing a code. The app stays the factor of
signing and of the token endpoint (a key cannot sign a request made by another program).

The relying party is the registry's host name (WEBAUTHN_RP_ID overrides it) and the origin the
page was served from; each ceremony's challenge lives in the session for five minutes and is used
once. Registration, removal, use and every refused assertion are on the audit trail; a refused
assertion counts towards the lockout like a wrong code."""

import json
import time

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from audit import services as audit
from common.errors import Refused, ValidationFailed

from . import factors
from .models import SecurityKey

REGISTRATION_KEY = "accounts.webauthn.registration"
LOGIN_KEY = "accounts.webauthn.login"
CHALLENGE_SECONDS = 300


def keys_of(user):
    return SecurityKey.objects.filter(user=user, confirmed=True).order_by("pk")


def has_keys(user) -> bool:
    return bool(user and user.is_authenticated and keys_of(user).exists())


def _rp_id(request) -> str:
    return getattr(settings, "WEBAUTHN_RP_ID", None) or request.get_host().rsplit(":", 1)[0].strip("[]")


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _remember(request, key: str, challenge: bytes) -> None:
    request.session[key] = {"challenge": bytes_to_base64url(challenge), "at": int(time.time())}


def _take(request, key: str) -> bytes:
    """The challenge of this ceremony, used once; refused when missing or too old."""
    kept = request.session.pop(key, None)
    if not kept or time.time() - kept.get("at", 0) > CHALLENGE_SECONDS:
        raise ValidationFailed({None: [_("The security key took too long or was not asked; try again.")]},
                               code="no_challenge")
    return base64url_to_bytes(kept["challenge"])


def _credential(payload) -> dict:
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = None
    if not isinstance(payload, dict):
        raise ValidationFailed({"credential": [_("The security key's answer is missing or malformed.")]},
                               code="malformed")
    return payload


# ------------------------------------------------------------------------------ registration


def registration_options(request) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge is kept in the session."""
    user = request.user
    if not factors.has_factor(user):
        raise ValidationFailed({None: [_("Enrol an authenticator app first; security keys come in addition to it.")]},
                               code="not_enrolled")
    options = generate_registration_options(
        rp_id=_rp_id(request), rp_name=settings.OTP_TOTP_ISSUER, user_name=user.get_username(),
        user_id=str(user.pk).encode(), user_display_name=getattr(getattr(user, "person", None), "full_name", ""),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id))
                             for k in keys_of(user)],
    )
    _remember(request, REGISTRATION_KEY, options.challenge)
    return options_to_json(options)


def register_key(*, request, credential, name: str = "") -> SecurityKey:
    """Check the browser's answer to the registration options and keep the key's public key."""
    user = request.user
    name = (name or "").strip()[:64] or _("Security key")
    challenge = _take(request, REGISTRATION_KEY)
    try:
        verified = verify_registration_response(
            credential=_credential(credential), expected_challenge=challenge, expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
        )
    except WebAuthnException as exc:
        raise ValidationFailed({"credential": [_("The security key could not be registered: %(reason)s") % {
            "reason": str(exc)}]}, code="key_refused") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise ValidationFailed({"credential": [_("This security key is registered already.")]}, code="duplicate")
        key = SecurityKey.objects.create(
            user=user, name=name, confirmed=True, credential_id=credential_id,
            public_key=verified.credential_public_key, sign_count=verified.sign_count,
        )
        audit.record(actor=user, action="account.key_registered", target=factors._target(user),
                     details={"name": name, "key": key.pk})
    return key


def remove_key(*, actor, key_id) -> None:
    with transaction.atomic():
        key = keys_of(actor).select_for_update().filter(pk=key_id).first()
        if key is None:
            from .tokens import NotFound

            raise NotFound(_("Not found."))
        key.delete()
        audit.record(actor=actor, action="account.key_removed", target=factors._target(actor),
                     details={"name": key.name})


# ------------------------------------------------------------------------------ the login's second step


def login_options(request) -> str:
    user, _pending = factors.pending_user(request)
    if user is None or not has_keys(user):
        raise Refused(_("Your login took too long or had too many wrong codes; enter your password again."))
    options = generate_authentication_options(
        rp_id=_rp_id(request), user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id))
                           for k in keys_of(user)],
    )
    _remember(request, LOGIN_KEY, options.challenge)
    return options_to_json(options)


def finish_key_login(request, credential) -> str:
    """Check the key's assertion for the user waiting for their second step; log them in. Returns
    the URL to go to."""
    from django.contrib.auth import login as django_login
    from django_otp import login as otp_login

    from accounts import lockout

    user, pending = factors.pending_user(request)
    if user is None:
        raise Refused(_("Your login took too long or had too many wrong codes; enter your password again."))
    lockout.guard(user=user, channel=lockout.LOGIN, request=request)
    challenge = _take(request, LOGIN_KEY)
    payload = _credential(credential)
    try:
        with transaction.atomic():
            key = keys_of(user).select_for_update().filter(credential_id=str(payload.get("id", ""))).first()
            if key is None:
                raise WebAuthnException("unknown key")
            verified = verify_authentication_response(
                credential=payload, expected_challenge=challenge, expected_rp_id=_rp_id(request),
                expected_origin=_origin(request), credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
            )
            key.sign_count = verified.new_sign_count
            key.last_used_at = timezone.now()
            key.save(update_fields=["sign_count", "last_used_at"])
    except WebAuthnException:
        pending["tries"] = pending.get("tries", 0) + 1
        request.session[factors.PENDING_KEY] = pending
        factors._record_failure(user=user, request=request, context="login", reason="key_refused")
        raise ValidationFailed({None: [_("The security key was not accepted.")]}, code="key_refused") from None
    request.session.pop(factors.PENDING_KEY, None)
    user.backend = pending["backend"]
    django_login(request, user)
    otp_login(request, key)
    factors.record_login(user=user, device=key)
    return pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
