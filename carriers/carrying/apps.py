from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarryingConfig(AppConfig):
    name = "carriers.carrying"
    label = "carrying"
    verbose_name = _("Carrying out")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("carrying", order=90, seed="carriers.carrying.demo.seed")
        # the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) and the late-return check
        from . import checks, policy, services  # noqa: F401

        policy.register()
