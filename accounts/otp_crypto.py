"""The key that encrypts authenticator secrets (accounts.models.AuthenticatorDevice.encrypted_key),
a key the database never holds: a read of the database gives no TOTP secret.

- Production: the file named by OTP_ENCRYPTION_KEY_FILE (made by `manage.py make_otp_key`, mode
  0400, kept off the database server). One Fernet key a line: the first encrypts, every line
  decrypts (put a new key first to rotate; keep the old one below until every row is rewritten).
  config/settings/base.py refuses to start in production without it.
- Embedded mode and the test suite (no such file): derived from SECRET_KEY with HKDF-SHA256 (and
  from each of SECRET_KEY_FALLBACKS, for decryption).

Fernet: AES-128-CBC with an HMAC-SHA256 over the ciphertext, so a row altered in the database does
not decrypt (InvalidToken) rather than yield a different secret."""

import base64
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "generate_key", "key_file", "load_keys", "write_key"]

_HKDF_INFO = b"registry otp secret encryption v1"
_CACHE: dict[tuple, MultiFernet] = {}


def generate_key() -> bytes:
    return Fernet.generate_key()


def key_file() -> str:
    return os.environ.get("OTP_ENCRYPTION_KEY_FILE", "") or getattr(settings, "OTP_ENCRYPTION_KEY_FILE", "") or ""


def derived_key(secret: str) -> bytes:
    """A Fernet key derived from a Django secret key (embedded mode)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def load_keys(path: str) -> list[bytes]:
    """The Fernet keys of a key file (one a line, blank lines and # comments ignored); raises
    ValueError when the file holds none or a line is not a Fernet key."""
    lines = [line.strip() for line in Path(path).read_text(encoding="ascii").splitlines()]
    keys = [line.encode() for line in lines if line and not line.startswith("#")]
    if not keys:
        raise ValueError(f"{path} holds no key")
    for key in keys:
        Fernet(key)  # ValueError if it is not 32 url-safe base64-encoded bytes
    return keys


def _fernet() -> MultiFernet:
    path = key_file()
    if path:
        cache_key = ("file", path)
    else:
        secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", []))
        cache_key = ("derived", *(derived_key(s) for s in secrets))
    fernet = _CACHE.get(cache_key)
    if fernet is None:
        keys = load_keys(path) if path else list(cache_key[1:])
        fernet = _CACHE[cache_key] = MultiFernet([Fernet(k) for k in keys])
    return fernet


def encrypt(secret: bytes) -> str:
    return _fernet().encrypt(bytes(secret)).decode("ascii")


def decrypt(token: str) -> bytes:
    """The secret; raises InvalidToken if no key decrypts it (wrong key, altered row)."""
    return _fernet().decrypt(token.encode("ascii"))


def write_key(path: Path) -> None:
    """A new Fernet key in a new file of mode 0400 (FileExistsError if the file exists: replacing
    the key would leave every stored secret unreadable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_key() + b"\n")
    path.chmod(0o400)
