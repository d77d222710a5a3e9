"""Technical settings the system administrator may change at run time (issue 15: the system
administrator keeps the system running; decision 0023). Each is a whole number with a range; its
default is the deployment's environment value (the settings), and a change made in the registry
(administration.services.change_setting, audited) overrides it until it is reset.

The administration app keeps the changed values in a table and registers the reader here
(`register_reader`); common imports no domain app. The code that honours a change at run time asks
`value(KEY)` instead of the setting: accounts.sessions (idle timeout), accounts.lockout (failure
limit and cool-off, django-axes asks it too), accounts.tokens (API token lifetime and number).

The values read are kept in each process's memory with the table's version; a change writes a new
version to the shared cache (Redis; `bump`), so every process reads the table again at its next
value(), and the process that made it at once (`forget`). A page costs no database query for this
while nothing changes. If the table or the cache cannot be read (an outage), the last values read,
or else the environment's, hold."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tunable:
    key: str
    label: object
    help: object
    unit: object
    low: int
    high: int
    environment: str  # the variable that sets the default

    def default(self) -> int:
        return int(DEFAULTS[self.key]())


DEFAULTS = {
    "SESSION_IDLE_MINUTES": lambda: max(1, int(settings.REGISTRY.get("SESSION_IDLE_SECONDS", 15 * 60)) // 60),
    "LOGIN_FAILURE_LIMIT": lambda: int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5)),
    "LOGIN_COOLOFF_MINUTES": lambda: int(getattr(settings, "LOGIN_COOLOFF_MINUTES", 15)),
    "API_TOKEN_DAYS": lambda: int(settings.REGISTRY.get("API_TOKEN_DAYS", 30)),
    "API_TOKEN_MAX_PER_USER": lambda: int(settings.REGISTRY.get("API_TOKEN_MAX_PER_USER", 20)),
}

TUNABLES = {t.key: t for t in (
    Tunable("SESSION_IDLE_MINUTES", _("Session idle timeout"),
            _("A session ends after this many minutes without activity."), _("minutes"), 1, 480,
            "SESSION_IDLE_MINUTES"),
    Tunable("LOGIN_FAILURE_LIMIT", _("Failed logins before a lockout"),
            _("An account or a client address is locked after this many failed passwords within the cool-off."),
            _("attempts"), 3, 20, "LOGIN_FAILURE_LIMIT"),
    Tunable("LOGIN_COOLOFF_MINUTES", _("Lockout cool-off"),
            _("Failures count within this many minutes, and a lock lasts this long after the last one."),
            _("minutes"), 1, 1440, "LOGIN_COOLOFF_MINUTES"),
    Tunable("API_TOKEN_DAYS", _("Longest API token lifetime"),
            _("An API token lives at most this many days."), _("days"), 1, 365, "API_TOKEN_DAYS"),
    Tunable("API_TOKEN_MAX_PER_USER", _("API tokens per person"),
            _("Beyond this many live tokens a person's oldest is revoked."), _("tokens"), 1, 100,
            "API_TOKEN_MAX_PER_USER"),
)}

VERSION_KEY = "common.tunables.version"
_reader = {"read": None}
_memo: dict = {}


def register_reader(read) -> None:
    """read() -> {key: int}: the values changed in the registry (the administration app)."""
    _reader["read"] = read


def forget() -> None:
    """Read the table again at the next value() (after a change, in the process that made it)."""
    _memo.pop("version", None)


def bump() -> None:
    """A change was made: every process reads the table again (called at once and after commit)."""
    import uuid

    from django.core.cache import cache

    forget()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - the cache down: the other processes keep their values a while
        pass


def _version():
    from django.core.cache import cache

    try:
        return cache.get(VERSION_KEY) or "-"
    except Exception:  # noqa: BLE001 - the cache down: keep what this process read
        return _memo.get("version", "-")


def overrides() -> dict:
    """The values changed in the registry, {key: int}."""
    read = _reader["read"]
    if read is None:
        return {}
    version = _version()
    if "version" in _memo and _memo["version"] == version:
        return _memo["values"]
    try:
        values = dict(read())
    except Exception:  # noqa: BLE001 - the database down (or not to be touched): the last values read
        return dict(_memo.get("values", {}))
    _memo.update(version=version, values=values)
    return values


def changed(key: str) -> int | None:
    """The value changed in the registry (within its range), or None: the environment's holds."""
    current = overrides().get(key)
    if current is None:
        return None
    tunable = TUNABLES[key]
    return min(max(int(current), tunable.low), tunable.high)


def value(key: str) -> int:
    """The value in force: changed in the registry, or else the environment's."""
    tunable = TUNABLES[key]
    current = overrides().get(key)
    if current is None:
        return tunable.default()
    return min(max(int(current), tunable.low), tunable.high)
