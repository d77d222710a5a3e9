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
    """The active secrecy office of each open incident's unit is told (one query each way); an
    incident routed to the head of the unit (it names a member of the office as involved) tells
    the head of the unit instead, and never someone it is hidden from."""
    from django.db.models import Exists, OuterRef

    from .models import Incident

    open_incidents = Incident.objects.exclude(status=Incident.Status.CLOSED)
    pairs = []
    for routed, role in ((False, "secrecy_office"), (True, "unit_head")):
        pairs += list(
            open_incidents.filter(routed_to_head=routed)
            .filter(unit__members__user__groups__name=role, unit__members__status="active")
            .annotate(hidden=Exists(Incident.hidden_from.through.objects.filter(
                incident_id=OuterRef("pk"), user_id=OuterRef("unit__members__user_id"))))
            .filter(hidden=False)
            .values_list("pk", "unit__members__user_id")
        )
    return pairs


register(Check(INCIDENT_OPEN, _("Incident open"), Severity.CRITICAL, "incidents.incident", due_incidents,
               incident_office))
