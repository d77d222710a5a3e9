from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Organisation's directory")

    def ready(self):
        # who sees directory accounts (directory/policy.py), on the access gate
        from . import labels, policy

        policy.register()
        labels.register()
        # the alert of a failed sync (alerts.checks)
        from . import checks  # noqa: F401
