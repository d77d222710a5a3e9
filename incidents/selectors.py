"""Reads: the incidents a user may see, through the access gate."""

from django.db.models import Prefetch
from django.http import Http404

from common import access

from .models import Incident, IncidentStep


def visible_incidents(*, user):
    return access.restrict(Incident.objects.all(), user)


def incident_list(*, user, status: str = "", kind: str = ""):
    qs = visible_incidents(user=user).select_related("unit", "reporter__person", "last_holder__person")
    if status == "open":
        qs = qs.exclude(status=Incident.Status.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def incident_get(*, user, pk) -> Incident:
    incident = (
        visible_incidents(user=user)
        .select_related("unit", "reporter__person", "last_holder__person", "concerns__person", "closed_by__person")
        .prefetch_related(
            "carriers", Prefetch("steps", queryset=IncidentStep.objects.select_related("actor__person"))
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def carriers_by_numbers(*, user, numbers: list[str]):
    """The carriers the user may see among these registry numbers, and the numbers not found."""
    from carriers.models import Carrier

    found = list(access.restrict(Carrier.objects.filter(registry_number__in=numbers), user))
    known = {c.registry_number for c in found}
    return found, [n for n in numbers if n not in known]


def people_of_unit(*, user):
    from django.contrib.auth import get_user_model

    return access.restrict(get_user_model().objects.filter(is_active=True), user).select_related("person").order_by(
        "person__full_name"
    )
