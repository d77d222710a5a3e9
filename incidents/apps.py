from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        # who sees and may do what in this app (incidents/policy.py), on the access gate
        from . import policy

        policy.register()
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
        from . import checks  # noqa: F401  (registers the incident alert)
