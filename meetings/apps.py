from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Confidential meetings")

    def ready(self):
        # the scheduled check for missing copies, and the approval hooks (OUTCOME_HANDLERS,
        # SIGNED_TERMS) for meeting attendee lists
        from . import checks, services  # noqa: F401
