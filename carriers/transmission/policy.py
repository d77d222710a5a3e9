"""Access policy of dispatch and receipt (R2), registered with the gate in
TransmissionConfig.ready(): who sees dispatches, their discrepancies and notices, and who may
dispatch, receive and resolve. Services enforce and views display these same answers.

Redaction, not hiding, for a dispatch's carrier list: a dispatch is seen within clearance (its
level is that of its most secret carrier, so nobody ever sees a dispatch above their clearance),
but need-to-know may differ carrier by carrier (the receiving unit's office may not open a
carrier that never arrived; the courier opens none). A secrecy office expects to see the
dispatch it must account for (number, units, channel, counts), with the carriers it may not open
counted and never named ("2 more carriers are not visible to you"). So Dispatch gives no
`names_carriers`; its carrier list goes through the gate (selectors._with_carriers).
A discrepancy names exactly one carrier and means nothing without it: it is hidden, by the gate,
from a reader who may not open that carrier (the dispatch still counts it as open)."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import roles

from . import rules
from .models import Dispatch, DispatchDiscrepancy, NumberCounter, TransmissionNotice

# actions (registered with the gate; access.can(user, DISPATCH) answers like may_dispatch)
DISPATCH = "transmission.dispatch"
RECEIVE = "transmission.receive"
RESOLVE = "transmission.resolve"

DISPATCHING_ROLES = (roles.SECRECY_OFFICE, roles.API_CLIENT)


# --- visibility ------------------------------------------------------------------------------------


def visible_dispatches(queryset: QuerySet, user) -> QuerySet:
    """Who sent it, who is to receive it, who carries it, and the unit-wide office roles of the
    sending and the receiving unit; always within clearance (the dispatch's highest level)."""
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(dispatched_by_id=user.pk) | Q(recipient_id=user.pk) | Q(courier_id=user.pk)
    if access.is_unit_wide(user):
        need |= Q(sending_unit_id=person.unit_id) | Q(receiving_unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def visible_discrepancies(queryset: QuerySet, user) -> QuerySet:
    """With its dispatch; and (names_carriers) only with the carrier it names."""
    return queryset.filter(dispatch_id__in=access.restrict_label("transmission.dispatch", user).values("pk"))


def visible_notices(queryset: QuerySet, user) -> QuerySet:
    """A notice is its recipient's own, and only while they may still see its dispatch."""
    return queryset.filter(
        recipient_id=user.pk, dispatch_id__in=access.restrict_label("transmission.dispatch", user).values("pk")
    )


def no_one(queryset: QuerySet, user) -> QuerySet:
    """The number counters are plumbing of the numbering service (taken under a row lock), never
    listed: the numbers they give are on the dispatches."""
    return queryset.none()


# --- actions -----------------------------------------------------------------------------------------


def may_dispatch(user, obj=None) -> bool:
    """The secrecy office (or a registered system acting for it) sends carriers to other units."""
    return access.person_of(user) is not None and access.has_role(user, *DISPATCHING_ROLES)


def dispatch_refusal(user):
    return rules.may_dispatch(is_office=may_dispatch(user))


def receive_refusals(user, dispatch: Dispatch) -> list:
    """Only the named recipient receives, and only once (403, 409)."""
    return [
        rules.receiver_is_recipient(actor_id=user.pk, recipient_id=dispatch.recipient_id),
        rules.still_in_transit(status=dispatch.status, label=dispatch.get_status_display()),
    ]


def may_receive(user, dispatch: Dispatch) -> bool:
    return not any(receive_refusals(user, dispatch))


def resolver_facts(user, dispatch: Dispatch) -> dict:
    """Who the user is for this dispatch: its recipient, the secrecy office of the sending unit, of
    the receiving unit (rules.may_resolve decides per discrepancy and resolution)."""
    person = access.person_of(user)
    office = person is not None and access.has_role(user, roles.SECRECY_OFFICE)
    return {
        "is_recipient": user.pk == dispatch.recipient_id,
        "office_of_sender": office and person.unit_id == dispatch.sending_unit_id,
        "office_of_receiver": office and person.unit_id == dispatch.receiving_unit_id,
    }


def may_resolve(user, dispatch: Dispatch) -> bool:
    """May this user resolve some discrepancy of this dispatch (the recipient or either unit's
    secrecy office; which resolution each may record is rules.may_resolve)."""
    return any(resolver_facts(user, dispatch).values())


def register() -> None:
    access.register(Dispatch, visible_dispatches)
    access.register(DispatchDiscrepancy, visible_discrepancies, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(TransmissionNotice, visible_notices)
    access.register(NumberCounter, no_one)
    access.register_action(DISPATCH, may_dispatch)
    access.register_action(RECEIVE, lambda user, obj: obj is not None and may_receive(user, obj))
    access.register_action(RESOLVE, lambda user, obj: obj is not None and may_resolve(user, obj))
