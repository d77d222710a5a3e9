from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self):
        # who sees and may do what in this app (alerts/policy.py), on the access gate
        from . import policy

        policy.register()
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
        # the scheduler's record (last send, last success of each beat task): task signals
        from . import beat  # noqa: F401
