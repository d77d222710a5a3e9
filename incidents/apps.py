from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
        from . import checks  # noqa: F401  (registers the incident alert)
