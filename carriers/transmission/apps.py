from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransmissionConfig(AppConfig):
    name = "carriers.transmission"
    label = "transmission"
    verbose_name = _("Dispatch and receipt")

    def ready(self):
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
        # the access policy of dispatches, discrepancies and notices (common.access)
        from . import policy

        policy.register()
