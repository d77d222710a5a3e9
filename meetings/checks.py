"""The meetings' scheduled check (R8): a copy declared missing at a meeting's return check is an
alert at once (meetings.services.close runs this check inside its own transaction) and stays
one until the carrier is found (no longer lost)."""

from django.db.models import CharField, DateField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

MISSING_CHECK = "meeting_copy_missing"


def due_missing_copies(*, today, now):
    """Copies declared missing at a return check whose carrier is still lost: one set-based query."""
    from .models import MeetingCopy

    qs = MeetingCopy.objects.filter(state=MeetingCopy.State.MISSING, carrier__status="lost")
    return qs.values(
        target_id=F("pk"),
        target_label=Concat(F("carrier__registry_number"), Value(" · #"), Cast("meeting_id", CharField()),
                            output_field=CharField()),
        alert_unit=F("meeting__unit"), alert_level=F("carrier__level"),
        due_on=Cast("missing_at", DateField()), alert_responsible=F("meeting__organiser"),
    )


def missing_copy_holders(*, today, now):
    """The attendee who last held each missing copy is told too."""
    return due_missing_copies(today=today, now=now).values_list("target_id", "attendee__user_id")


register(Check(MISSING_CHECK, _("Meeting copy missing"), Severity.CRITICAL, "meetings.meetingcopy",
               due_missing_copies, missing_copy_holders))
