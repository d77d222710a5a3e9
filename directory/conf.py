"""The organisation's directory (LDAP / Active Directory) as settings: read from the environment
through config.env (the one place that reads it; the settings hand it in, so this app does not
import config), validated, and handed to settings.DIRECTORY. Off
unless LDAP_ENABLED=1; the embedded default keeps local accounts only. Imports nothing of Django's
apps and nothing of python-ldap, so settings load without the `directory` extra installed.

docs/operations.md ("The organisation's directory") lists every variable."""

import importlib.util
import json

from django.core.exceptions import ImproperlyConfigured

BACKEND = "directory.backends.DirectoryBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TLS_REQUIRE_CERT = ("demand", "hard", "try", "allow", "never")


def _mapping(raw: str | None) -> dict[str, str]:
    """LDAP_GROUP_DEPARTMENTS: a JSON object {group DN or cn: department code}."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f'LDAP_GROUP_DEPARTMENTS must be a JSON object {{"group DN or cn": "department code"}}: {exc}'
        ) from exc
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
                                              for k, v in value.items()):
        raise ImproperlyConfigured(
            'LDAP_GROUP_DEPARTMENTS must be a JSON object of non-empty strings {"group DN or cn": "department code"}'
        )
    return {k.strip().lower(): v.strip() for k, v in value.items()}


def load(env) -> dict:
    """settings.DIRECTORY, read through `env` (the module config.env). When enabled, the server,
    the user search base and a bind password file (with a bind DN) are required, and the
    `directory` extra: the registry refuses to start without them."""
    env_bool, env_int, env_str = env.env_bool, env.env_int, env.env_str
    enabled = env_bool("LDAP_ENABLED", False)
    cfg = {
        "ENABLED": enabled,
        "SERVER_URI": env_str("LDAP_SERVER_URI", ""),
        "BIND_DN": env_str("LDAP_BIND_DN", ""),
        "BIND_PASSWORD_FILE": env_str("LDAP_BIND_PASSWORD_FILE", ""),
        "USER_SEARCH_BASE": env_str("LDAP_USER_SEARCH_BASE", ""),
        "USER_FILTER": env_str("LDAP_USER_FILTER", "(objectClass=inetOrgPerson)"),
        "USERNAME_ATTR": env_str("LDAP_USERNAME_ATTR", "uid"),
        "DISABLED_FILTER": env_str("LDAP_USER_DISABLED_FILTER", ""),
        "FULL_NAME_ATTR": env_str("LDAP_FULL_NAME_ATTR", "cn"),
        "EMPLOYEE_NUMBER_ATTR": env_str("LDAP_EMPLOYEE_NUMBER_ATTR", "employeeNumber"),
        "EMAIL_ATTR": env_str("LDAP_EMAIL_ATTR", "mail"),
        "GROUP_SEARCH_BASE": env_str("LDAP_GROUP_SEARCH_BASE", ""),
        "GROUP_FILTER": env_str(
            "LDAP_GROUP_FILTER", "(|(objectClass=groupOfNames)(objectClass=group))"
        ),
        "GROUP_MEMBER_ATTR": env_str("LDAP_GROUP_MEMBER_ATTR", "member"),
        "GROUP_DEPARTMENTS": _mapping(env_str("LDAP_GROUP_DEPARTMENTS")),
        "DEFAULT_UNIT": env_str("LDAP_DEFAULT_UNIT", ""),
        "START_TLS": env_bool("LDAP_START_TLS", False),
        "TLS_CA_FILE": env_str("LDAP_TLS_CA_FILE", ""),
        "TLS_REQUIRE_CERT": (env_str("LDAP_TLS_REQUIRE_CERT", "demand") or "demand").lower(),
        "TIMEOUT": env_int("LDAP_TIMEOUT_SECONDS", 5),
        "LOCAL_ACCOUNTS": env_bool("LDAP_LOCAL_ACCOUNTS", True),
        "SYNC_INTERVAL_MINUTES": env_int("LDAP_SYNC_INTERVAL_MINUTES", 60),
    }
    if enabled:
        validate(cfg)
    return cfg


def validate(cfg: dict) -> None:
    missing = [name for name, key in (("LDAP_SERVER_URI", "SERVER_URI"), ("LDAP_USER_SEARCH_BASE", "USER_SEARCH_BASE"))
               if not cfg[key]]
    if missing:
        raise ImproperlyConfigured(f"LDAP_ENABLED=1 needs {', '.join(missing)} (docs/operations.md)")
    if cfg["BIND_DN"] and not cfg["BIND_PASSWORD_FILE"]:
        raise ImproperlyConfigured("LDAP_BIND_DN needs LDAP_BIND_PASSWORD_FILE (a file readable by the registry only)")
    if cfg["TLS_REQUIRE_CERT"] not in TLS_REQUIRE_CERT:
        raise ImproperlyConfigured(f"LDAP_TLS_REQUIRE_CERT must be one of {', '.join(TLS_REQUIRE_CERT)}")
    if importlib.util.find_spec("django_auth_ldap") is None or importlib.util.find_spec("ldap") is None:
        raise ImproperlyConfigured("LDAP_ENABLED=1 needs the `directory` extra: pip install -e '.[directory]' "
                                   "(python-ldap builds against libldap2-dev and libsasl2-dev)")
    if cfg["TIMEOUT"] < 1 or cfg["SYNC_INTERVAL_MINUTES"] < 1:
        raise ImproperlyConfigured("LDAP_TIMEOUT_SECONDS and LDAP_SYNC_INTERVAL_MINUTES must be at least 1")


def backends(base: list[str], cfg: dict) -> list[str]:
    """The authentication backends: the directory's right after django-axes (so a locked account
    or address is refused before the directory is asked, and every refusal is counted), before
    the local accounts' ModelBackend, which LDAP_LOCAL_ACCOUNTS=0 removes."""
    if not cfg["ENABLED"]:
        return list(base)
    out = []
    for name in base:
        if name == MODEL_BACKEND:
            out.append(BACKEND)
            if cfg["LOCAL_ACCOUNTS"]:
                out.append(name)
        else:
            out.append(name)
    if BACKEND not in out:
        out.insert(1, BACKEND)
    return out
