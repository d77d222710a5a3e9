from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UseConfig(AppConfig):
    name = "carriers.use"
    label = "use"
    verbose_name = _("Use")

    def ready(self):
        # the overdue-loan check (alerts.checks) and the loan-extension approval hook
        from . import checks, services  # noqa: F401
