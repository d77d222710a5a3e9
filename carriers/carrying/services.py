"""Every write of the carrying stage (R5). One function per action, keyword-only arguments, one
transaction, the rules checked first, the audit events written inside the same transaction.

A carry-out request goes through approval by policy: domestic -> carrying_out; a foreign-affairs
activity -> carrying_out, variant foreign_affairs (the unit head); abroad -> carrying_abroad (the
strictest chain). Once approved, the holder checks the carriers out: a "carry_out" handover to the
person carrying, who counts and signs, and the carriers become "carried out". The person carrying
checks them back in: a "return" handover to whoever checked them out, who counts, signs and puts
them in a container; they are "in custody" again and any late-return alert is resolved."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import services as alerts
from approvals import kit
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.holds.rules import refuse_if_held
from carriers.models import Carrier, Handover
from common import access
from common.errors import Refused, ValidationFailed, enforce
from personnel.models import Person

from . import rules
from .models import CarryOutRequest, Scope

OVERDUE_CHECK = "carry_out_overdue"


def _person(actor) -> Person:
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    return person


def _fit_person(user):
    return Person.objects.filter(user_id=user.pk).first() if user is not None else None


def submit_carry_out(
    *, actor, carriers, purpose: str, destination: str, scope: str, protective_measures: str, expected_return,
    carrier_person=None, briefed: bool = False,
) -> CarryOutRequest:
    """Ask to carry carriers out (R5). The person carrying (default: the requester) must be active,
    cleared for every carrier and within its scope; the request goes to approval by policy for its
    scope, for exactly these carriers, valid until the expected return."""
    person = _person(actor)
    carrier_person = carrier_person or actor
    enforce([rules.scope_valid(scope=scope)])
    today = timezone.localdate()
    with transaction.atomic():
        locked = list(Carrier.objects.select_for_update().filter(pk__in=[c.pk for c in carriers]).order_by("pk"))
        if not locked:
            raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
        if access.restrict(Carrier.objects.filter(pk__in=[c.pk for c in locked]), actor).count() != len(locked):
            raise Http404
        # a held carrier stays on the premises while it is examined (holds, issue 19): like leaving
        # the unit, carrying it out waits for the hold to be lifted
        refuse_if_held(locked, field="carriers")
        levels = [c.level for c in locked]
        taken = list(
            CarryOutRequest.carriers.through.objects.filter(
                carrier_id__in=[c.pk for c in locked], carryoutrequest__status__in=rules.ACTIVE_STATUSES
            ).values_list("carrier__registry_number", flat=True)
        )
        taker = _fit_person(carrier_person)
        enforce([
            *rules.destination_given(destination=destination, purpose=purpose),
            rules.protective_measures_given(measures=protective_measures, scope=scope),
            rules.briefed(acknowledged=briefed),
            rules.return_date(expected_return=expected_return, today=today),
            rules.carrier_person_fit(
                active=bool(taker and taker.status == Person.Status.ACTIVE and carrier_person.is_active),
                same_unit=bool(taker and taker.unit_id == person.unit_id),
                clearance=taker.clearance if taker else 0, levels=levels,
                out_of_scope=carrier_services._out_of_scope(locked, carrier_person),
            ),
            *rules.carriers_available(statuses={c.registry_number: c.status for c in locked}, taken=taken),
        ])
        request = CarryOutRequest.objects.create(
            unit_id=person.unit_id, department_id=person.department_id, requester=actor,
            carrier_person=carrier_person, purpose=purpose, destination=destination, scope=scope,
            protective_measures=protective_measures, expected_return=expected_return, level=max(levels),
        )
        request.carriers.set(locked)
        audit.record(actor=actor, action="carry_out.requested", target=request, details=terms_of(request, locked))
        kind, variant = rules.APPROVAL_FOR_SCOPE[scope]
        request.approval = approvals.submit_request(
            actor=actor, kind=kind, variant=variant, level=request.level,
            title=f"{Scope(scope).label}: {destination}"[:300], purpose=purpose, target=request,
            approved_quantity=len(locked), valid_until=expected_return,
        )
        request.save(update_fields=["approval"])
    return request


def terms_of(request: CarryOutRequest, carriers=None) -> dict:
    """What the approver signs: JSON-plain values only."""
    carriers = carriers if carriers is not None else list(request.carriers.all())
    return {
        "carry_out_request": request.pk, "carriers": sorted(c.registry_number for c in carriers),
        "carrier_person": request.carrier_person_id, "purpose": request.purpose,
        "destination": request.destination, "scope": request.scope,
        "protective_measures": request.protective_measures, "expected_return": request.expected_return.isoformat(),
        "level": request.level,
    }


# the approval's final outcome, mirrored on the carry-out request (inside its transaction), and the
# terms its approvers sign
for _kind in (RequestKind.CARRYING_OUT, RequestKind.CARRYING_ABROAD):
    approvals.OUTCOME_HANDLERS[_kind] = kit.hand_off(CarryOutRequest, action="carry_out.decided")
    approvals.SIGNED_TERMS[_kind] = kit.signed_terms(CarryOutRequest, terms_of)


# --- check-out ----------------------------------------------------------------------------------


def _locked_request(actor, request_id) -> CarryOutRequest:
    """The request, visible to the actor (else 404), locked for this transaction."""
    return kit.locked_or_404(CarryOutRequest, actor, request_id)


def _handover_cancelled(handover_id) -> bool:
    return bool(handover_id) and Handover.objects.filter(pk=handover_id, status=Handover.Status.CANCELLED).exists()


def check_out(*, actor, password: str, request_id, declared_count: int) -> CarryOutRequest:
    """The holder hands the carriers to the person carrying and signs (a "carry_out" handover).
    Refused without the approval its scope needs; the approval is used up here."""
    with transaction.atomic():
        carry = _locked_request(actor, request_id)
        locked = list(Carrier.objects.select_for_update().filter(carry_out_requests=carry).order_by("pk"))
        refuse_if_held(locked)  # held since the request was approved: not carried out
        approval = ApprovalRequest.objects.filter(pk=carry.approval_id).first()
        enforce([rules.approval_fits(scope=carry.scope, approval_kind=approval.kind if approval else None,
                                     approval_variant=approval.variant if approval else None,
                                     approval_status=approval.status if approval else None)])
        enforce([
            rules.may_check_out(status=carry.status,
                                handover_cancelled=_handover_cancelled(carry.checkout_handover_id)),
            rules.one_giver(holders={c.holder_id for c in locked}, actor_id=actor.pk),
            rules.two_people(giver_id=actor.pk, carrier_person_id=carry.carrier_person_id),
        ])
        if approval.consumed_at is None:
            approvals.consume(actor=actor, request=approval, quantity=len(locked))
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=carry.carrier_person, carriers=locked,
            declared_count=declared_count, kind=Handover.Kind.CARRY_OUT, note=f"{carry.number} {carry.destination}"[:500],
        )
        carry.status = CarryOutRequest.Status.CHECKING_OUT
        carry.checkout_handover = handover
        carry.checked_out_by = actor
        carry.save(update_fields=["status", "checkout_handover", "checked_out_by"])
        audit.record(actor=actor, action="carry_out.check_out_started", target=carry,
                     details={"handover": handover.pk, "carriers": sorted(c.registry_number for c in locked),
                              "declared_count": declared_count, "approval": approval.pk})
    return carry


def accept_check_out(*, actor, password: str, request_id, counted_count: int) -> CarryOutRequest:
    """The person carrying counts and signs: the carriers are theirs and "carried out"."""
    with transaction.atomic():
        carry = _locked_request(actor, request_id)
        enforce([
            rules.handover_pending(status=carry.status, expected=CarryOutRequest.Status.CHECKING_OUT),
            rules.is_taker(actor_id=actor.pk, taker_id=carry.carrier_person_id, step="check_out"),
        ])
        handover = carrier_services.accept_handover(
            actor=actor, password=password, handover_id=carry.checkout_handover_id, counted_count=counted_count,
            container=None, status_on_accept=Carrier.Status.CARRIED_OUT,
        )
        carry.status = CarryOutRequest.Status.CARRIED_OUT
        carry.checked_out_at = handover.completed_at
        carry.save(update_fields=["status", "checked_out_at"])
        audit.record(actor=actor, action="carry_out.carried_out", target=carry,
                     details={"handover": handover.pk, "counted_count": counted_count,
                              "expected_return": carry.expected_return})
    return carry


# --- check-in -----------------------------------------------------------------------------------


def check_in(*, actor, password: str, request_id, declared_count: int) -> CarryOutRequest:
    """The person carrying hands every carrier back to whoever checked them out and signs (a
    "return" handover)."""
    with transaction.atomic():
        carry = _locked_request(actor, request_id)
        enforce([
            rules.may_check_in(status=carry.status, handover_cancelled=_handover_cancelled(carry.checkin_handover_id)),
            rules.is_carrier_person(actor_id=actor.pk, carrier_person_id=carry.carrier_person_id),
        ])
        locked = list(Carrier.objects.select_for_update().filter(carry_out_requests=carry).order_by("pk"))
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=carry.checked_out_by, carriers=locked,
            declared_count=declared_count, kind=Handover.Kind.RETURN, note=f"{carry.number}"[:500],
        )
        carry.status = CarryOutRequest.Status.CHECKING_IN
        carry.checkin_handover = handover
        carry.save(update_fields=["status", "checkin_handover"])
        audit.record(actor=actor, action="carry_out.check_in_started", target=carry,
                     details={"handover": handover.pk, "declared_count": declared_count})
    return carry


def accept_check_in(*, actor, password: str, request_id, counted_count: int, container) -> CarryOutRequest:
    """Whoever checked the carriers out counts, signs and keeps them in a container fit for their
    level: they are in custody again; a late-return alert is resolved at once."""
    with transaction.atomic():
        carry = _locked_request(actor, request_id)
        taker_id = (Handover.objects.filter(pk=carry.checkin_handover_id).values_list("taker_id", flat=True).first()
                    if carry.checkin_handover_id else None)
        enforce([
            rules.handover_pending(status=carry.status, expected=CarryOutRequest.Status.CHECKING_IN),
            rules.is_taker(actor_id=actor.pk, taker_id=taker_id, step="check_in"),
        ])
        enforce([carrier_rules.container_may_hold(container=container, level=carry.level,
                                                  unit_id=actor.person.unit_id)])
        handover = carrier_services.accept_handover(
            actor=actor, password=password, handover_id=carry.checkin_handover_id, counted_count=counted_count,
            container=container, status_on_accept=Carrier.Status.IN_CUSTODY,
        )
        carry.status = CarryOutRequest.Status.RETURNED
        carry.checked_in_at = handover.completed_at
        carry.save(update_fields=["status", "checked_in_at"])
        late = timezone.localdate() > carry.expected_return
        resolved = alerts.resolve_for_target(kind=OVERDUE_CHECK, target=carry, reason="checked back in")
        audit.record(actor=actor, action="carry_out.checked_in", target=carry,
                     details={"handover": handover.pk, "counted_count": counted_count, "container": container.pk,
                              "late": late, "alerts_resolved": resolved})
    return carry
