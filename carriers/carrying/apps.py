from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarryingConfig(AppConfig):
    name = "carriers.carrying"
    label = "carrying"
    verbose_name = _("Carrying out")

    def ready(self):
        # the approval hooks (OUTCOME_HANDLERS, SIGNED_TERMS) and the late-return check
        from . import checks, services  # noqa: F401
