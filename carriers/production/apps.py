from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "carriers.production"
    label = "production"
    verbose_name = _("Production")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("production", order=40, seed="carriers.production.demo.seed")
        # registers the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) for production requests
        from . import policy, services  # noqa: F401

        policy.register()
