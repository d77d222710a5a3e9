from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DestructionConfig(AppConfig):
    name = "carriers.destruction"
    label = "destruction"
    verbose_name = _("Destruction")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("destruction", order=70, seed="carriers.destruction.demo.seed")
        # registers the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) for destruction requests,
        # and the scheduled check for approved destructions not carried out
        from . import checks, policy, services  # noqa: F401

        policy.register()
