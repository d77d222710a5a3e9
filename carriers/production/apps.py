from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "carriers.production"
    label = "production"
    verbose_name = _("Production")

    def ready(self):
        # registers the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) for production requests
        from . import services  # noqa: F401
