"""Access policy of holds, registered with the gate in HoldsConfig.ready().

A hold (its number, reason, incident and the list of its carriers) is seen by the unit-wide office
roles of its unit (secrecy office, auditor) and its head of unit, within their clearance, and only
if the reader may open every carrier it holds (names_carriers: hidden, not redacted). A held
carrier's line (HoldItem) is seen by whoever may open that carrier: its readers learn that it is
held, by which hold and why (the same words a refused destruction, declassification, copy or
dispatch shows them), never which other carriers the hold covers.

Only the secrecy office of the unit places and lifts holds."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import policy as personnel_policy
from personnel import roles

from .models import Hold, HoldItem

PLACE_HOLD = "holds.place"
LIFT_HOLD = "holds.lift"


def visible_holds(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    if not (access.is_unit_wide(user) or access.has_role(user, roles.UNIT_HEAD)):
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id, level__lte=person.clearance)


def visible_items(queryset: QuerySet, user) -> QuerySet:
    """A held carrier's line: seen with its carrier (the gate adds the carrier clause)."""
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    return queryset.filter(Q(carrier__level__lte=person.clearance))


def may_place(user, obj=None) -> bool:
    return personnel_policy.is_secrecy_office(user)


def may_lift(user, hold: Hold | None = None) -> bool:
    if hold is None:
        return personnel_policy.is_secrecy_office(user)
    return personnel_policy.is_secrecy_office(user, hold.unit_id) and hold.is_active


def register() -> None:
    access.register(
        Hold, visible_holds,
        names_carriers=[CarrierLink(through="holds.holditem", parent="hold_id", field="carrier_id")],
    )
    access.register(HoldItem, visible_items, names_carriers=[CarrierLink(field="carrier_id")])
    access.register_action(PLACE_HOLD, may_place)
    access.register_action(LIFT_HOLD, may_lift)
