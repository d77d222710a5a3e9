"""An open incident is an alert to the secrecy office of its unit until it is closed (R13:
report at once). Raised at once by report_incident, resolved at once by close_incident."""

from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

INCIDENT_OPEN = "incident_open"


def due_incidents(*, today, now):
    from .models import Incident

    return Incident.objects.exclude(status=Incident.Status.CLOSED).values(
        target_id=F("pk"), target_label=F("number"), alert_unit=F("unit"), alert_level=F("level"),
        due_on=TruncDate("reported_at"), alert_responsible=Value(None, output_field=BigIntegerField()),
    )


def incident_office(*, today, now):
    """The active secrecy office of each open incident's unit is told (one query)."""
    from .models import Incident

    return (
        Incident.objects.exclude(status=Incident.Status.CLOSED)
        .filter(unit__members__user__groups__name="secrecy_office", unit__members__status="active")
        .values_list("pk", "unit__members__user_id")
    )


register(Check(INCIDENT_OPEN, _("Incident open"), Severity.CRITICAL, "incidents.incident", due_incidents,
               incident_office))
