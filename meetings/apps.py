from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Confidential meetings")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("meetings", order=50, seed="meetings.demo.seed")
        # the scheduled check for missing copies, and the approval hooks (OUTCOME_HANDLERS,
        # SIGNED_TERMS) for meeting attendee lists; the access policy of venues, meetings, attendees
        # and copies (common.access)
        from . import checks, policy, services  # noqa: F401

        policy.register()
