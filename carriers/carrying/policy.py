"""Access policy of carrying out (R5), registered with the gate in CarryingConfig.ready(): who sees a
carry-out request, and who may take each of its steps (check out, accept, check in, accept the
return). The services enforce, and the page displays, these same answers (built from rules.py).

Carriers, redaction rather than hiding: a carry-out request is seen by the people it names, by the
holder of any of its carriers, by its approvers and by the unit-wide office roles of its unit, each
within the request's level (the highest of its carriers). An approver or a department head who
answers for the request may still be outside the need-to-know of one of its carriers: they see the
request, its destination, dates and signatures, and its carriers only as far as the gate lets them
open each one; the rest are counted ("2 more carriers are not visible to you"), never named. The
person carrying is cleared and in scope for every carrier (rules.carrier_person_fit), and the one
who checks them out holds them all (rules.one_giver), so each of them sees every carrier."""

from django.db.models import Q

from approvals import kit
from carriers.models import Handover
from common import access

from . import rules
from .models import CarryOutRequest

# actions (access.can(user, ACTION, obj) answers like may_<action>)
CHECK_OUT = "carrying.check_out"
ACCEPT_CHECK_OUT = "carrying.accept_check_out"
CHECK_IN = "carrying.check_in"
ACCEPT_CHECK_IN = "carrying.accept_check_in"


# --- visibility ------------------------------------------------------------------------------------


def _holds_one_of_its_carriers(user, person) -> Q:
    """Whoever holds one of its carriers sees it (to check them out)."""
    through = CarryOutRequest.carriers.through.objects
    return Q(pk__in=through.filter(carrier__holder_id=user.pk).values("carryoutrequest_id"))


# the requester, the person carrying, whoever checked the carriers out or holds one of them, its
# approvers, the unit-wide office roles of its unit; always within clearance. No names_carriers:
# its carriers are listed through the gate (redaction, see above)
visible_requests = kit.visibility(seen_by=("requester", "carrier_person", "checked_out_by"),
                                  also=_holds_one_of_its_carriers)


# --- who may do what -------------------------------------------------------------------------------


def _cancelled(handover: Handover | None) -> bool:
    return handover is not None and handover.status == Handover.Status.CANCELLED


def check_out_refusals(user, carry: CarryOutRequest) -> list:
    """The one holder of every carrier hands them to the person carrying, once approved (or again,
    after the person carrying refused the count)."""
    holders = set(CarryOutRequest.carriers.through.objects.filter(carryoutrequest_id=carry.pk)
                  .values_list("carrier__holder_id", flat=True))
    return [
        rules.may_check_out(status=carry.status, handover_cancelled=_cancelled(carry.checkout_handover)),
        rules.one_giver(holders=holders, actor_id=user.pk),
        rules.two_people(giver_id=user.pk, carrier_person_id=carry.carrier_person_id),
    ]


def may_check_out(user, carry: CarryOutRequest) -> bool:
    return not any(check_out_refusals(user, carry))


def may_accept_check_out(user, carry: CarryOutRequest) -> bool:
    """The person carrying counts and signs for the carriers handed to them."""
    return not any([
        rules.handover_pending(status=carry.status, expected=CarryOutRequest.Status.CHECKING_OUT),
        rules.is_taker(actor_id=user.pk, taker_id=carry.carrier_person_id, step="check_out"),
    ])


def may_check_in(user, carry: CarryOutRequest) -> bool:
    """The person carrying hands every carrier back (again, after a refused count)."""
    return not any([
        rules.may_check_in(status=carry.status, handover_cancelled=_cancelled(carry.checkin_handover)),
        rules.is_carrier_person(actor_id=user.pk, carrier_person_id=carry.carrier_person_id),
    ])


def may_accept_check_in(user, carry: CarryOutRequest) -> bool:
    """Whoever checked the carriers out counts, signs and stores them."""
    taker_id = carry.checkin_handover.taker_id if carry.checkin_handover_id else None
    return not any([
        rules.handover_pending(status=carry.status, expected=CarryOutRequest.Status.CHECKING_IN),
        rules.is_taker(actor_id=user.pk, taker_id=taker_id, step="check_in"),
    ])


# the steps in the order a request goes through them
STEPS = (
    ("check_out", may_check_out),
    ("accept", may_accept_check_out),
    ("check_in", may_check_in),
    ("check_in_accept", may_accept_check_in),
)


def next_step(user, carry: CarryOutRequest) -> str | None:
    """The step this user may take on the request now, if any (what the page offers)."""
    return next((name for name, may in STEPS if may(user, carry)), None)


def _on_a_request(may):
    """A step is always taken on a request: without one, nobody may."""
    return lambda user, carry=None: carry is not None and may(user, carry)


def register() -> None:
    access.register(CarryOutRequest, visible_requests)
    access.register_action(CHECK_OUT, _on_a_request(may_check_out))
    access.register_action(ACCEPT_CHECK_OUT, _on_a_request(may_accept_check_out))
    access.register_action(CHECK_IN, _on_a_request(may_check_in))
    access.register_action(ACCEPT_CHECK_IN, _on_a_request(may_accept_check_in))
