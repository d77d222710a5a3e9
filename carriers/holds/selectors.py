"""Reads of holds, through the gate."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from common import access

from .models import Hold, HoldItem


def visible_holds(*, user, active: bool | None = None):
    # the incident of an incident hold is named only to a reader who may see that incident (one
    # routed to the head of the unit is hidden from the office member it names: issue 19, item 8)
    incident_seen = Exists(access.restrict_label("incidents.incident", user).filter(pk=OuterRef("incident_id")))
    rows = access.restrict(Hold.objects.select_related("placed_by__person", "lifted_by__person", "incident"), user) \
        .annotate(incident_seen=incident_seen)
    if active is True:
        rows = rows.filter(lifted_at__isnull=True)
    elif active is False:
        rows = rows.filter(lifted_at__isnull=False)
    return rows


def hold_get(*, user, pk) -> Hold:
    return get_object_or_404(visible_holds(user=user), pk=pk)


def hold_carriers(*, user, hold: Hold):
    """The carriers of a hold (the gate has shown the hold only to readers of all of them)."""
    from carriers.models import Carrier

    return access.restrict(Carrier.objects.filter(hold_items__hold=hold), user).order_by("registry_number")


def carrier_holds(*, user, carrier) -> list[HoldItem]:
    """The holds on a carrier the user may open, newest first (in force and lifted)."""
    return list(access.restrict(HoldItem.objects.filter(carrier=carrier), user)
                .select_related("hold", "hold__placed_by__person", "hold__lifted_by__person")
                .order_by("-is_active", "-hold__placed_at"))


def carriers_by_numbers(*, user, numbers: list[str]):
    """The carriers with these registry numbers the user may open, and the numbers not found among
    them (a carrier the user may not open is "not found", never "forbidden")."""
    from carriers.models import Carrier

    found = list(access.restrict(Carrier.objects.filter(registry_number__in=numbers), user))
    known = {c.registry_number for c in found}
    return found, [n for n in numbers if n not in known]


def incident_for_hold(*, user, pk):
    """An incident the user may see (through its own policy), or None."""
    if pk is None:
        return None
    return access.restrict_label("incidents.incident", user).filter(pk=pk).first()


def incident_hold_offer(*, user, incident) -> dict | None:
    """What opening a loss or leak incident offers the secrecy office: the carriers it concerns that
    are still in the registry, the user may open, and no hold holds yet (None: nothing to offer)."""
    from carriers.models import Carrier

    from . import policy

    if incident.kind not in ("loss", "leak") or not access.can(user, policy.PLACE_HOLD):
        return None
    concerned = access.restrict(incident.carriers.exclude(
        status__in=[Carrier.Status.DESTROYED, Carrier.Status.DECLASSIFIED]), user)
    unheld = list(concerned.exclude(hold_items__is_active=True).order_by("registry_number")
                  .values_list("registry_number", flat=True))
    if not unheld:
        return None
    return {"numbers": unheld}
