"""Login against the organisation's directory: a django-auth-ldap backend configured from
settings.DIRECTORY (directory/conf.py), placed right after django-axes' backend and before the
local accounts' ModelBackend.

- A local account (a registry user with no DirectoryAccount) is never looked up in the directory:
  ModelBackend decides, whether the directory is up or not.
- A directory account, or an unknown username: the directory checks the password. On success the
  account is created or updated from its entry (directory.services.apply_entry, audited as the
  system; never its secrecy post or roles) and the password's hash is kept, so that signing
  (audit.reauthenticate) checks the password the person last logged in with. A wrong password of
  a directory account stops the chain (PermissionDenied): the local hash is never tried, and
  django-axes counts the failure (user_login_failed).
- The directory unreachable: DirectoryUnavailable, a form error "directory unavailable" on the
  login page and a 400 on the token endpoint; nothing is counted against the person."""

import contextvars
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_auth_ldap.backend import LDAPBackend, LDAPSettings, ldap_error
from django_auth_ldap.config import LDAPSearch

from . import client, selectors, services

log = logging.getLogger(__name__)

_ERRORS: contextvars.ContextVar[list | None] = contextvars.ContextVar("directory_login_errors", default=None)


class DirectoryUnavailable(ValidationError):
    def __init__(self):
        super().__init__(
            _("The organisation's directory is unavailable, so your password cannot be checked now. Try again "
              "in a few minutes, or tell the system administrator."),
            code="directory_unavailable",
        )


def _remember_error(sender, context=None, user=None, request=None, exception=None, **kwargs):
    errors = _ERRORS.get()
    if errors is not None:
        errors.append((context, exception))


ldap_error.connect(_remember_error, dispatch_uid="directory.backends.remember_error")


class DirectoryBackend(LDAPBackend):
    settings_prefix = "DIRECTORY_NOT_A_SETTING_"  # everything comes from settings.DIRECTORY

    @property
    def settings(self):
        cfg = settings.DIRECTORY
        defaults = dict(LDAPBackend.default_settings)
        defaults.update(
            SERVER_URI=cfg["SERVER_URI"],
            BIND_DN=cfg["BIND_DN"],
            BIND_PASSWORD=client.bind_password(cfg),
            CONNECTION_OPTIONS=client.connection_options(cfg),
            START_TLS=cfg["START_TLS"],
            USER_SEARCH=LDAPSearch(cfg["USER_SEARCH_BASE"], 2, client.user_search_filter(cfg)),  # 2: SCOPE_SUBTREE
            USER_DN_TEMPLATE=None,
            USER_ATTR_MAP={},
            USER_FLAGS_BY_GROUP={},
            ALWAYS_UPDATE_USER=False,
            MIRROR_GROUPS=None,
            MIRROR_GROUPS_EXCEPT=None,
            FIND_GROUP_PERMS=False,
            CACHE_TIMEOUT=0,
            BIND_AS_AUTHENTICATING_USER=False,
            NO_NEW_USERS=False,
            PERMIT_EMPTY_PASSWORD=False,
        )
        return LDAPSettings(self.settings_prefix, defaults)

    @settings.setter
    def settings(self, value):  # django-auth-ldap's API; the configuration is settings.DIRECTORY
        pass

    def authenticate(self, request, username=None, password=None, **kwargs):
        cfg = settings.DIRECTORY
        if not cfg["ENABLED"] or not username or not password:
            return None
        username = str(username).strip()
        existing = get_user_model().objects.filter(username__iexact=username).first()
        if existing is not None and not selectors.is_directory_account(existing):
            return None  # a local account: ModelBackend decides, the directory is not asked
        errors: list = []
        token = _ERRORS.set(errors)
        try:
            user = super().authenticate(request, username=username, password=password)
        except client.DirectoryError as exc:
            log.warning("directory unavailable at the login of %s: %s", username, exc)
            raise DirectoryUnavailable() from None
        finally:
            _ERRORS.reset(token)
        if errors:
            log.warning("directory unavailable at the login of %s: %s", username,
                        "; ".join(f"{context}: {client.describe(exc)}" for context, exc in errors))
            raise DirectoryUnavailable()
        if user is None:
            if existing is not None:
                raise PermissionDenied  # the directory refused a directory account: no local fallback
            return None
        person = getattr(user, "person", None)
        if not user.is_active or person is None or person.status != person.Status.ACTIVE:
            raise PermissionDenied  # closed or departed: reopening is the administrators' call
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user

    def get_or_build_user(self, username, ldap_user):
        """The account of the entry that just proved its password: created or updated from the
        directory (audited), or refused when the registry cannot place it."""
        entry = client.fetch_one(settings.DIRECTORY, ldap_user.dn, ldap_user.attrs or {})
        outcome, user, problems = services.apply_entry(entry)
        if user is None:
            log.warning("directory login of %s refused (%s): %s", username, outcome, "; ".join(problems) or outcome)
            raise ldap_user.AuthenticationFailed(f"the registry cannot place this account: {outcome}")
        return user, False

    def get_user(self, user_id):
        # sessions: the plain user, while active (no LDAP lookup on every request)
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()
