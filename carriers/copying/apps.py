from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopyingConfig(AppConfig):
    name = "carriers.copying"
    label = "copying"
    verbose_name = _("Copying, extracting and compiling")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("copying", order=120, seed="carriers.copying.demo.seed")
        # registers the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) for copying and compilation
        from . import policy, services  # noqa: F401

        policy.register()
