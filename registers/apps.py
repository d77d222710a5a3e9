from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "registers"
    verbose_name = _("Registers")

    def ready(self):
        # who sees and may do what in this app (registers/policy.py), on the access gate
        from . import policy

        policy.register()
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
