from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # audit action labels, registered with common.labels
        from . import labels, policy

        labels.register()
        policy.register()
        # failed logins to the audit trail (after django-axes, an earlier app, has counted them) and
        # the account_locked alert
        from . import checks, signals  # noqa: F401
