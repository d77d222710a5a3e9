"""Access policy of the incidents app (R13), registered with the gate in IncidentsConfig.ready():
who sees an incident and its steps, and who handles it.

An incident names the carriers concerned (lost, leaked): it is seen only by a reader who may open
every one of them (the gate's names_carriers over its carriers), besides its own level (the
highest of those carriers). Hidden, not redacted: an incident's summary, last-seen note and steps
are about those carriers, so a reader who may not open one of them sees none of it. The secrecy
office that handles it is cleared for them (its Top Secret-cleared secretary, R13: report at once
to whoever may act).

A report that names a member of the secrecy office as involved (issue 19, item 8: the person
concerned or the last holder; `routed_to_head`, `hidden_from`) is hidden from that member, whatever
their role, and handled by the head of the unit (cleared for it) instead of the secrecy office: an
office does not investigate its own member. The rest of the office still reads it.

A policy function is called only for a registered, active person (the gate answers nothing
otherwise), so `access.person_of(user)` is never None here."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import roles

from .models import Incident, IncidentStep

HANDLE_INCIDENT = "handle_incident"


def visible_incidents(queryset: QuerySet, user) -> QuerySet:
    """The unit-wide office roles of the incident's unit, and its reporter (unless they reported
    anonymously: then nobody can tell it was them, not even the screen). Never above the reader's
    clearance, and only with its carriers (names_carriers)."""
    person = access.person_of(user)
    if person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(reporter_id=user.pk, anonymous=False)
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    if access.has_role(user, roles.UNIT_HEAD):
        need |= Q(unit_id=person.unit_id, routed_to_head=True)
    hidden = Incident.hidden_from.through.objects.filter(user_id=user.pk).values("incident_id")
    return (
        queryset.filter(need)
        .exclude(pk__in=hidden)
        .filter(Q(level__isnull=True) | Q(level__lte=person.clearance))
    )


def visible_steps(queryset: QuerySet, user) -> QuerySet:
    """What was done about an incident: seen with the incident."""
    return queryset.filter(incident_id__in=access.restrict(Incident.objects.all(), user).values("pk"))


def handler_role(incident: Incident | None) -> str:
    """Who handles it: the secrecy office, or the head of the unit when the report names a member
    of the office as involved."""
    return roles.UNIT_HEAD if incident is not None and incident.routed_to_head else roles.SECRECY_OFFICE


def may_handle(user, incident: Incident | None = None) -> bool:
    """The secrecy office of the incident's unit records remedies, reports upward and closes it;
    the head of the unit does when it is routed to them (and never someone it is hidden from)."""
    person = access.person_of(user)
    if person is None or not access.has_role(user, handler_role(incident)):
        return False
    if incident is None:
        return True
    if person.unit_id != incident.unit_id:
        return False
    return not (incident.pk and Incident.hidden_from.through.objects.filter(
        incident_id=incident.pk, user_id=user.pk).exists())


def register() -> None:
    access.register(
        Incident, visible_incidents,
        names_carriers=[CarrierLink(through="incidents.incident_carriers", parent="incident_id", field="carrier_id")],
    )
    access.register(IncidentStep, visible_steps)
    access.register_action(HANDLE_INCIDENT, may_handle)
