"""Access policy of the destruction stage (R7), registered with the gate in
DestructionConfig.ready(): who sees designated destruction facilities, destruction requests, their
carriers and certificates, and who may manage facilities, destroy in house, hand a batch over to a
facility, receive it and record its certificate. The services enforce, and the pages display, these
same answers (built from rules.py).

Carriers, redaction for the request, hiding for its lines: a destruction request is seen by the
people it names (requester, destroyer, supervisor, the courier of its batch), its approvers and the
unit-wide office roles of its unit, each within the request's level (the highest of its carriers).
Those who answer for it must see that it exists, what it destroys by which method and who signed,
even when one of its carriers is outside their need-to-know: the request shows each carrier only
if the gate lets the reader open it, and counts the rest ("2 more carriers are not visible to
you"), never naming them. Its lines (DestructionItem) each name one carrier: a line is seen with its
request and its carrier (names_carriers), so registers and lists built from lines name nothing the
reader may not open. A certificate is seen with its request (it lists no carrier itself)."""

from django.db.models import QuerySet

from approvals import kit
from common import access
from common.access import CarrierLink
from personnel import policy as personnel_policy
from personnel import roles

from .models import (
    DestructionCertificate,
    DestructionFacility,
    DestructionItem,
    DestructionRequest,
    Route,
)

# actions (access.can(user, ACTION, obj) answers like may_<action>)
MANAGE_FACILITIES = "destruction.manage_facilities"
EXECUTE = "destruction.execute"
HAND_OVER = "destruction.hand_over"
RECEIVE = "destruction.receive"
RECORD_CERTIFICATE = "destruction.record_certificate"


# --- visibility ------------------------------------------------------------------------------------



# the requester, the destroyer, the supervisor, the courier of its batch, its approvers, the
# unit-wide office roles of its unit; always within clearance. No names_carriers: its carriers are
# shown through the gate (redaction, see above)
visible_requests = kit.visibility(seen_by=("requester", "destroyer", "supervisor", "handover__taker"))


def visible_items(queryset: QuerySet, user) -> QuerySet:
    """A line is seen with its request (and, by the gate, with its carrier)."""
    return queryset.filter(request_id__in=access.restrict_label("destruction.destructionrequest", user).values("pk"))


def visible_certificates(queryset: QuerySet, user) -> QuerySet:
    """A certificate is seen with its request."""
    return queryset.filter(request_id__in=access.restrict_label("destruction.destructionrequest", user).values("pk"))


# --- who may do what -------------------------------------------------------------------------------


def is_office_of(user, request: DestructionRequest) -> bool:
    """The secrecy office of the request's unit."""
    person = access.person_of(user)
    return (person is not None and access.has_role(user, roles.SECRECY_OFFICE)
            and person.unit_id == request.unit_id)


def may_manage_facilities(user, obj=None) -> bool:
    """The secrecy office registers designated destruction facilities."""
    return access.person_of(user) is not None and access.has_role(user, roles.SECRECY_OFFICE)


def may_execute(user, request: DestructionRequest) -> bool:
    """The on-the-spot screen: an approved in-house request, opened by someone of its unit cleared
    for its level (the destroyer, the supervisor or the secrecy office then sign there, each with
    their own password: rules.may_execute and rules.signer_fit)."""
    person = access.person_of(user)
    return (
        person is not None
        and request.route == Route.IN_HOUSE
        and request.status == DestructionRequest.Status.APPROVED
        and person.unit_id == request.unit_id
        and person.clearance >= request.level
    )


def may_hand_over(user, request: DestructionRequest) -> bool:
    """The holder of every carrier of an approved facility request hands the batch to a courier."""
    return (
        access.person_of(user) is not None
        and request.route == Route.FACILITY
        and request.status == DestructionRequest.Status.APPROVED
        and not request.items.exclude(carrier__holder_id=user.pk).exists()
    )


def may_receive(user, request: DestructionRequest) -> bool:
    """The courier counts and signs for the batch handed to them."""
    handover = request.handover
    return (
        request.status == DestructionRequest.Status.HANDED_OVER and handover is not None
        and handover.status == "pending" and handover.taker_id == user.pk
    )


def may_record_certificate(user, request: DestructionRequest) -> bool:
    """The courier, or the secrecy office of the request's unit, records the facility's
    certificate once the batch was delivered."""
    handover = request.handover
    if request.status != DestructionRequest.Status.HANDED_OVER or handover is None or handover.status != "completed":
        return False
    return handover.taker_id == user.pk or is_office_of(user, request)


def _on_a_request(may):
    """These steps are always taken on a request: without one, nobody may."""
    return lambda user, request=None: request is not None and may(user, request)


def register() -> None:
    access.register(DestructionFacility, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(DestructionRequest, visible_requests)
    access.register(DestructionItem, visible_items, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(DestructionCertificate, visible_certificates)
    access.register_action(MANAGE_FACILITIES, may_manage_facilities)
    access.register_action(EXECUTE, _on_a_request(may_execute))
    access.register_action(HAND_OVER, _on_a_request(may_hand_over))
    access.register_action(RECEIVE, _on_a_request(may_receive))
    access.register_action(RECORD_CERTIFICATE, _on_a_request(may_record_certificate))
