"""The suite's two database roles (scripts/test-services.sh, as in a deployment): with
DATABASE_OWNER_URL set, databases are created and migrated as the owner and the suite runs as the
application role of DATABASE_URL. Without it (one role for everything) nothing changes.

Tests that play a tamperer with the owner's rights (switching the audit triggers off to show
that verification finds the change) are marked `as_owner`."""

import os
from urllib.parse import unquote, urlparse, urlunparse


def owner_database_url() -> str | None:
    return os.environ.get("DATABASE_OWNER_URL") or None


def two_roles() -> bool:
    return owner_database_url() is not None


def _user_and_password(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def app_role() -> str:
    """The role the registry runs as (the user of DATABASE_URL)."""
    return _user_and_password(os.environ["DATABASE_URL"])[0]


def owner_role() -> str:
    return _user_and_password(owner_database_url())[0]


def as_owner_url(url: str) -> str:
    """The same database (and host) with the owner's credentials; `url` itself with one role."""
    owner = owner_database_url()
    if owner is None:
        return url
    user, password = _user_and_password(owner)
    parts = urlparse(url)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunparse(parts._replace(netloc=f"{user}:{password}@{host}"))


def use(role: str) -> None:
    """Point the test process's database connection at `role` ("owner" or "app"): close it, so the
    next query connects with those credentials (same database)."""
    from django.conf import settings
    from django.db import connections

    url = owner_database_url() if role == "owner" else os.environ["DATABASE_URL"]
    user, password = _user_and_password(url)
    connection = connections["default"]
    connection.close()
    for settings_dict in {id(d): d for d in (connection.settings_dict, settings.DATABASES["default"])}.values():
        settings_dict["USER"], settings_dict["PASSWORD"] = user, password
