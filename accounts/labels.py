"""The names of the audit actions of accounts (logins, second factors, API tokens, sessions),
registered with common.labels from AppConfig.ready(); the audit trail, its filters and the audit
register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    # second factor, API tokens, sessions (accounts/factors.py, tokens.py)
    "account.login": _("Logged in"),
    "account.factor_enrolled": _("Authenticator enrolled"),
    "account.factor_used": _("Authenticator code accepted"),
    "account.factor_failed": _("Wrong or reused one-time code"),
    "account.recovery_code_used": _("Recovery code used"),
    "account.recovery_codes_renewed": _("New recovery codes made"),
    "account.factor_removed": _("Authenticator removed by its owner"),
    "account.factor_reset": _("Second factor reset by the secrecy office"),
    "account.token_created": _("API token created"),
    "account.token_revoked": _("API token revoked"),
    "account.token_refused": _("Expired or revoked API token refused"),
    "account.logout_everywhere": _("Logged out everywhere (sessions ended, tokens revoked)"),
    "account.key_registered": _("Security key registered"),
    "account.key_removed": _("Security key removed"),
    # passwords and lockout (accounts/services.py, lockout.py)
    "account.login_failed": _("Failed login, signing or password check"),
    "account.locked_out": _("Locked out after failed attempts"),
    "account.unlocked": _("Account unlocked by the secrecy office"),
    "account.password_changed": _("Password changed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
