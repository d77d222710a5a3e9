from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DestructionConfig(AppConfig):
    name = "carriers.destruction"
    label = "destruction"
    verbose_name = _("Destruction")

    def ready(self):
        # registers the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) for destruction requests,
        # and the scheduled check for approved destructions not carried out
        from . import checks, services  # noqa: F401
