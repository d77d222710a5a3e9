from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclassificationConfig(AppConfig):
    name = "carriers.declassification"
    label = "declassification"
    verbose_name = _("Secrecy periods and declassification")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("declassification", order=100, seed="carriers.declassification.demo.seed")
        # the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) and the review-due check
        from . import checks, policy, services  # noqa: F401

        policy.register()
