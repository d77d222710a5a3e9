from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("Personnel")

    def ready(self):
        # the scheduled checks (training due, disengagement ending) and the approval hooks for
        # travel and departure requests
        from . import checks, services  # noqa: F401

        services._register_approval_hooks()
