"""Tables of the accounts app: second factors (django-otp devices and recovery codes) and API
tokens. Only digests of recovery codes and tokens are stored; what a person types or receives is
shown once and never kept. An authenticator's TOTP secret is stored encrypted with a key the
database does not hold (accounts/otp_crypto.py)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import otp_crypto

# --- second factor and API tokens (accounts/factors.py, accounts/tokens.py) ---------------------


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238): django-otp's TOTPDevice, except that the secret is
    kept encrypted (Fernet, accounts/otp_crypto.py) instead of in clear. A code is accepted once:
    last_t is the time step of the last code accepted and only a later step verifies (the same
    verify_token as TOTPDevice's)."""

    encrypted_key = models.TextField(editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def save(self, *args, **kwargs):
        if not self.encrypted_key:  # a new device: a new random 160-bit secret
            self.bin_key = secrets.token_bytes(20)
        super().save(*args, **kwargs)

    @property
    def bin_key(self) -> bytes:
        """The secret (decrypted; never stored in this form)."""
        cached = getattr(self, "_bin_key", None)
        if cached is None or cached[0] != self.encrypted_key:
            cached = self._bin_key = (self.encrypted_key, otp_crypto.decrypt(self.encrypted_key))
        return cached[1]

    @bin_key.setter
    def bin_key(self, value: bytes) -> None:
        self.encrypted_key = otp_crypto.encrypt(bytes(value))
        self._bin_key = (self.encrypted_key, bytes(value))

    # exactly TOTPDevice's: replay refusal (last_t), throttling, the otpauth:// URI
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class RecoveryDevice(ThrottlingMixin, TimestampMixin, Device):
    """A person's one-time recovery codes, for the day the authenticator is not at hand. Only the
    SHA-256 of each code is kept; a code used once is spent."""

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        digest = recovery_digest(token)
        spent = self.codes.filter(digest=digest, used_at__isnull=True).update(used_at=timezone.now())
        if spent:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return bool(spent)

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")


def recovery_digest(code: str) -> str:
    normalised = "".join(ch for ch in str(code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once")]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class ApiToken(models.Model):
    """An API token. The token itself is shown once when it is made; only its SHA-256 is kept,
    with the first characters to recognise it in a list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    last_refused_at = models.DateTimeField(null=True, blank=True)  # an expired/revoked use, last recorded

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"], name="api_token_live")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class SecurityKey(TimestampMixin, Device):
    """A security key (WebAuthn: a USB/NFC key or the computer's own authenticator), a second kind
    of factor at login beside the authenticator app. Only its public key is stored."""

    credential_id = models.CharField(max_length=1400, unique=True)  # base64url, as the browser sends it
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)

    class Meta(Device.Meta):
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")
