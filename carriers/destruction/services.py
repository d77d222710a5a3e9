"""Every write of the destruction stage (R7). One function per action, keyword-only arguments, one
transaction, the rules checked before anything is written, the audit events inside the same
transaction.

A destruction request is registered and goes through approval (kind "destruction", at the highest
level among its carriers: the competent leader by policy); the approver signs its terms (carriers,
method, where). Approved, its carriers become pending destruction. In house, a destroyer and a
supervisor, two different people, both sign on the spot with their own passwords and the carriers
become destroyed. A batch goes to a designated facility by a destruction handover to a registered
courier, who counts and signs for it; the facility's certificate is then recorded and signed, and
the carriers become destroyed. Destroyed is final (the state machine and its database trigger)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals import kit
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from audit.models import Signature
from carriers import services as carrier_services
from carriers.holds.rules import refuse_if_held
from carriers.models import Carrier, Handover
from common import access
from common.errors import Conflict, Refused, ValidationFailed, enforce
from personnel import roles
from personnel.models import Person

from . import policy, rules, selectors
from .models import (
    DestructionCertificate,
    DestructionFacility,
    DestructionItem,
    DestructionRequest,
    Route,
)

# --- designated destruction facilities ----------------------------------------------------------


def check_may_manage_facilities(actor) -> Person:
    if not policy.may_manage_facilities(actor):
        raise Refused(_("Only the secrecy office registers designated destruction facilities."))
    return access.person_of(actor)


def create_facility(*, actor, name: str, licence_number: str, address: str, valid_until) -> DestructionFacility:
    """Register a designated destruction facility for the actor's unit, with its licence and the
    date its designation runs out."""
    person = check_may_manage_facilities(actor)
    if DestructionFacility.objects.filter(unit_id=person.unit_id, licence_number=licence_number).exists():
        raise ValidationFailed({"licence_number": [_("A facility with this licence number is already registered.")]},
                               code="licence_taken")
    with transaction.atomic():
        facility = DestructionFacility.objects.create(
            unit_id=person.unit_id, name=name, licence_number=licence_number, address=address, valid_until=valid_until,
        )
        audit.record(actor=actor, action="destruction.facility_created", target=facility,
                     details={"unit": person.unit_id, "name": name, "licence_number": licence_number,
                              "address": address, "valid_until": valid_until})
    return facility


def _facility_violation(facility, *, unit_id, today):
    if facility is None:
        return None
    return rules.facility_valid(is_active=facility.is_active, valid_until=facility.valid_until,
                                same_unit=facility.unit_id == unit_id, today=today)


# --- the request and its approval ---------------------------------------------------------------


def submit_destruction_request(
    *, actor, carriers: list, reason: str, method: str, route: str, facility=None,
) -> DestructionRequest:
    """Register a request to destroy carriers, by a method that fits every one of them, in house or
    at a designated facility, and submit it for approval at the highest level among them. The
    holder asks for what they hold; the secrecy office for anything of its unit."""
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    if not carriers:
        raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
    if not reason.strip():
        raise ValidationFailed({"reason": [_("Say why the carriers are to be destroyed.")]})
    office = access.has_role(actor, roles.SECRECY_OFFICE)
    today = timezone.localdate()
    with transaction.atomic():
        locked = list(Carrier.objects.select_for_update().filter(pk__in=[c.pk for c in carriers]).order_by("pk"))
        refuse_if_held(locked, field="carriers")  # a held carrier is not destroyed (holds, issue 19)
        enforce([
            rules.may_request(not_allowed=[
                c.registry_number for c in locked
                if c.holder_id != actor.pk and not (office and c.unit_id == person.unit_id)
            ]),
            rules.carriers_destructible(statuses={c.registry_number: c.status for c in locked}),
            rules.method_fits(method=method, carriers=[(c.registry_number, c.kind, c.medium) for c in locked]),
            rules.route_fits(route=route, has_facility=facility is not None, count=len(locked),
                             in_house_max=settings.REGISTRY["DESTRUCTION_IN_HOUSE_MAX"]),
            _facility_violation(facility, unit_id=person.unit_id, today=today),
        ])
        busy = sorted(
            DestructionItem.objects.filter(carrier__in=locked, is_open=True)
            .values_list("carrier__registry_number", flat=True)
        )
        if busy:
            raise Conflict(_("%(numbers)s is already in another open destruction request.")
                           % {"numbers": ", ".join(busy)}, code="destruction_in_progress")
        level = max(c.level for c in locked)
        request = DestructionRequest.objects.create(
            unit_id=person.unit_id, department_id=person.department_id, requester=actor, reason=reason,
            method=method, route=route, facility=facility, level=level, carrier_count=len(locked),
        )
        try:
            with transaction.atomic():
                DestructionItem.objects.bulk_create(DestructionItem(request=request, carrier=c) for c in locked)
        except IntegrityError:
            raise Conflict(_("One of these carriers is already in another open destruction request; reload and try again."),
                           code="destruction_in_progress") from None
        audit.record(actor=actor, action="destruction.requested", target=request, details=terms_of(request))
        request.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.DESTRUCTION, level=level,
            title=_("Destruction of %(count)d carriers (%(method)s)") % {"count": len(locked),
                                                                          "method": request.get_method_display()},
            purpose=reason, target=request, approved_quantity=len(locked),
        )
        request.save(update_fields=["approval"])
    return request


def terms_of(request: DestructionRequest) -> dict:
    """What the approver signs and the destruction must follow (JSON-plain values)."""
    return {
        "destruction_request": request.pk,
        "carriers": sorted(request.items.values_list("carrier__registry_number", flat=True)),
        "level": request.level,
        "reason": request.reason,
        "method": request.method,
        "route": request.route,
        "facility": request.facility_id,
    }


def _before_outcome(request: DestructionRequest, approval: ApprovalRequest, *, actor) -> None:
    """Approved: every carrier becomes pending destruction; one that meanwhile went out on loan, in
    transit, to a meeting... refuses the approval with 409 naming it (the decision is not
    recorded). Otherwise the carriers are free for another request."""
    carriers = list(Carrier.objects.select_for_update().filter(destruction_items__request=request).order_by("pk"))
    if approval.status != ApprovalRequest.Status.APPROVED:
        DestructionItem.objects.filter(request=request).update(is_open=False)
        return
    enforce([rules.carriers_destructible(statuses={c.registry_number: c.status for c in carriers})])
    for carrier in carriers:
        if carrier.status != Carrier.Status.PENDING_DESTRUCTION:
            carrier_services.transition(
                carrier=carrier, to_status=Carrier.Status.PENDING_DESTRUCTION, actor=actor,
                reason=f"destruction request {request.pk} approved",
                details={"destruction_request": request.pk, "approval": approval.pk},
            )


# the approval's final outcome, mirrored on the request (inside its transaction), and the terms
# its approvers sign
approvals.OUTCOME_HANDLERS[RequestKind.DESTRUCTION] = kit.hand_off(
    DestructionRequest, action="destruction.request_decided", before=_before_outcome,
)
approvals.SIGNED_TERMS[RequestKind.DESTRUCTION] = kit.signed_terms(DestructionRequest, terms_of)


# --- shared by the ways of destroying -----------------------------------------------------------


def _locked_request(*, actor, request_id) -> DestructionRequest:
    """The request, locked, if this user may see it; 404 exactly as if it did not exist."""
    return kit.locked_or_404(DestructionRequest, actor, request_id)


def _approved(request: DestructionRequest, *, route: str) -> ApprovalRequest | None:
    approval = ApprovalRequest.objects.filter(pk=request.approval_id).first()
    enforce([rules.destruction_approved(status=request.status, approval_status=approval.status if approval else None,
                                        route=request.route, wanted_route=route)])
    return approval


def _locked_carriers(request: DestructionRequest) -> list[Carrier]:
    return list(Carrier.objects.select_for_update().filter(destruction_items__request=request).order_by("pk"))


def _reauthenticate_as(*, signer, password, role: str):
    """One of two signers on one screen: their password errors are named after their role."""
    try:
        return audit.reauthenticate(signer=signer, password=password)
    except ValidationFailed as exc:
        raise ValidationFailed({f"{role}_{field}": messages for field, messages in exc.errors.items()},
                               code=exc.code) from None


def _signer_violation(user, *, role: str, level: int, unit_id: int):
    person = Person.objects.filter(user_id=user.pk).first()
    return rules.signer_fit(
        role=role, active=bool(person and person.status == Person.Status.ACTIVE and user.is_active),
        clearance=person.clearance if person else 0, level=level, same_unit=bool(person and person.unit_id == unit_id),
    )


def _destroy(request: DestructionRequest, carriers: list[Carrier], *, actor, details: dict) -> None:
    """The carriers become destroyed, for good; the request is finished."""
    for carrier in carriers:
        carrier_services.transition(
            carrier=carrier, to_status=Carrier.Status.DESTROYED, actor=actor,
            reason=f"destruction request {request.pk}", details={"destruction_request": request.pk, **details},
        )
    DestructionItem.objects.filter(request=request).update(is_open=False)


def content_of(request: DestructionRequest, carriers: list[Carrier], **extra) -> dict:
    return {
        "destruction_request": request.pk, "approval": request.approval_id, "level": request.level,
        "method": request.method, "route": request.route, "facility": request.facility_id,
        "carriers": sorted(c.registry_number for c in carriers), **extra,
    }


# --- in house, supervised on the spot -----------------------------------------------------------


def execute_in_house(
    *, actor, request_id, destroyer, destroyer_password, supervisor, supervisor_password,
) -> DestructionRequest:
    """Destroy an approved request's carriers in house: the destroyer and the supervisor, two
    different active people of the unit cleared for the level, each sign on the spot with their
    own password (and one-time code where enrolled). The approval is used up; the carriers become
    destroyed. Any refusal writes nothing."""
    with transaction.atomic():
        request = _locked_request(actor=actor, request_id=request_id)
        approval = _approved(request, route=Route.IN_HOUSE)
        enforce([
            rules.may_execute(actor_id=actor.pk, destroyer_id=destroyer.pk, supervisor_id=supervisor.pk,
                              is_office=policy.is_office_of(actor, request)),
            rules.two_people(destroyer_id=destroyer.pk, supervisor_id=supervisor.pk),
            _signer_violation(destroyer, role="destroyer", level=request.level, unit_id=request.unit_id),
            _signer_violation(supervisor, role="supervisor", level=request.level, unit_id=request.unit_id),
        ])
        carriers = _locked_carriers(request)
        refuse_if_held(carriers)  # held since the request was approved: not destroyed
        enforce([rules.all_pending(statuses={c.registry_number: c.status for c in carriers})])
        destroyer_credential = _reauthenticate_as(signer=destroyer, password=destroyer_password, role="destroyer")
        supervisor_credential = _reauthenticate_as(signer=supervisor, password=supervisor_password, role="supervisor")
        approvals.consume(actor=actor, request=approval, quantity=len(carriers))
        base = content_of(request, carriers, destroyer=destroyer.pk, supervisor=supervisor.pk)
        destroyer_signature = audit.sign(
            signer=destroyer, credential=destroyer_credential, meaning=Signature.Meaning.DESTROYED, target=request,
            content={**base, "role": "destroyer", "statement": "destroyed beyond recovery"},
        )
        supervisor_signature = audit.sign(
            signer=supervisor, credential=supervisor_credential, meaning=Signature.Meaning.SUPERVISED, target=request,
            content={**base, "role": "supervisor", "statement": "supervised on the spot"},
        )
        _destroy(request, carriers, actor=actor, details={"destroyer": destroyer.pk, "supervisor": supervisor.pk,
                                                          "method": request.method})
        request.status = DestructionRequest.Status.DESTROYED
        request.destroyer, request.supervisor = destroyer, supervisor
        request.destroyer_signature, request.supervisor_signature = destroyer_signature, supervisor_signature
        request.destroyed_at = supervisor_signature.signed_at
        request.save(update_fields=["status", "destroyer", "supervisor", "destroyer_signature",
                                    "supervisor_signature", "destroyed_at"])
        audit.record(actor=actor, action="destruction.destroyed", target=request,
                     details={**base, "destroyer_signature": destroyer_signature.pk,
                              "supervisor_signature": supervisor_signature.pk})
    return request


# --- at a designated facility -------------------------------------------------------------------


def hand_over_to_facility(*, actor, password, request_id, courier, declared_count: int) -> DestructionRequest:
    """The holder hands an approved batch over for the designated facility: a destruction handover
    to the registered courier (or the facility's receiving person, if registered) who takes it
    there; the holder counts and signs. The approval is used up here; the facility must still be
    designated today."""
    with transaction.atomic():
        request = _locked_request(actor=actor, request_id=request_id)
        approval = _approved(request, route=Route.FACILITY)
        facility = DestructionFacility.objects.get(pk=request.facility_id)
        carriers = _locked_carriers(request)
        refuse_if_held(carriers)  # held since the request was approved: not handed over for destruction
        enforce([
            _facility_violation(facility, unit_id=request.unit_id, today=timezone.localdate()),
            rules.all_pending(statuses={c.registry_number: c.status for c in carriers}),
        ])
        approvals.consume(actor=actor, request=approval, quantity=len(carriers))
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=courier, carriers=carriers, declared_count=declared_count,
            kind=Handover.Kind.DESTRUCTION, note=f"destruction request {request.pk}: {facility.name}"[:500],
        )
        request.handover = handover
        request.status = DestructionRequest.Status.HANDED_OVER
        request.save(update_fields=["handover", "status"])
        audit.record(actor=actor, action="destruction.handed_over", target=request,
                     details=content_of(request, carriers, handover=handover.pk, courier=courier.pk,
                                        count=declared_count))
    return request


def receive_for_facility(*, actor, password, request_id, counted_count: int) -> DestructionRequest:
    """The courier counts the batch and signs for it (custody passes to them until the facility's
    certificate is recorded)."""
    with transaction.atomic():
        request = _locked_request(actor=actor, request_id=request_id)
        if request.status != DestructionRequest.Status.HANDED_OVER or request.handover_id is None:
            raise Conflict(_("This request has no batch waiting to be received."), code="not_handed_over")
        carrier_services.accept_handover(actor=actor, password=password, handover_id=request.handover_id,
                                         counted_count=counted_count)
        audit.record(actor=actor, action="destruction.courier_received", target=request,
                     details={"handover": request.handover_id, "counted_count": counted_count})
    return request


def record_certificate(
    *, actor, password, request_id, number: str, issued_on, received_by: str, carriers: list[str],
) -> DestructionCertificate:
    """Record the designated facility's certificate for a delivered batch: its number and date, who
    at the facility received it and the carriers it lists (exactly the batch). The courier or the
    unit's secrecy office records and signs it; the carriers become destroyed."""
    with transaction.atomic():
        request = _locked_request(actor=actor, request_id=request_id)
        if request.route != Route.FACILITY:
            raise Conflict(_("This request is destroyed in house; there is no facility certificate."),
                           code="wrong_route")
        if request.status == DestructionRequest.Status.DESTROYED:
            raise Conflict(_("These carriers have already been destroyed."), code="already_destroyed")
        if request.status != DestructionRequest.Status.HANDED_OVER:
            raise Conflict(_("This batch has not been handed over for the facility yet."), code="not_handed_over")
        handover = Handover.objects.get(pk=request.handover_id)
        if actor.pk != handover.taker_id and not policy.is_office_of(actor, request):
            raise Refused(_("Only the courier who delivered the batch or the secrecy office records the certificate."),
                          code="not_courier")
        locked = _locked_carriers(request)
        listed = [n.strip() for n in carriers if n and n.strip()]
        enforce([
            rules.delivered(handover_status=handover.status),
            rules.all_pending(statuses={c.registry_number: c.status for c in locked}),
            rules.certificate_lists_batch(listed=listed, batch=[c.registry_number for c in locked]),
            rules.certificate_date(issued_on=issued_on, handed_over_on=timezone.localdate(handover.created_at),
                                   today=timezone.localdate()),
        ])
        if DestructionCertificate.objects.filter(facility_id=request.facility_id, number=number).exists():
            raise ValidationFailed({"number": [_("This facility's certificate %(number)s is already recorded.")
                                               % {"number": number}]}, code="certificate_taken")
        credential = audit.reauthenticate(signer=actor, password=password)
        content = content_of(request, locked, certificate=number, issued_on=issued_on, received_by=received_by,
                             handover=handover.pk)
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.RECEIVED,
                               target=request, content=content)
        certificate = DestructionCertificate.objects.create(
            request=request, facility_id=request.facility_id, number=number, issued_on=issued_on,
            received_by=received_by, recorded_by=actor, signature=signature, recorded_at=signature.signed_at,
        )
        _destroy(request, locked, actor=actor, details={"certificate": number, "facility": request.facility_id,
                                                        "method": request.method})
        request.status = DestructionRequest.Status.DESTROYED
        request.destroyed_at = signature.signed_at
        request.save(update_fields=["status", "destroyed_at"])
        audit.record(actor=actor, action="destruction.certificate_recorded", target=request,
                     details={**content, "signature": signature.pk})
    return certificate


# --- the printed record (the paper witness) -----------------------------------------------------


def print_destruction_record(*, actor, request_id, language: str):
    """The destruction record as a PDF in the reader's language: the request, its approval and
    decisions, method and route, the carriers destroyed that the reader may open (the others
    counted, never named), the destroyer's and supervisor's signatures or the facility's handover
    and certificate, and the signed audit checkpoint it was drawn from. Printing is audited
    (`destruction.record_printed`) in the same transaction. A request the reader may not see: 404;
    one not destroyed yet: 409."""
    from approvals.models import Decision
    from registers import records

    records.check_language(language)
    request = selectors.request_get(user=actor, pk=request_id)
    enforce([rules.record_printable(status=request.status)])
    with transaction.atomic():
        carriers, hidden = selectors.request_carriers(user=actor, request=request)
        decisions = list(Decision.objects.filter(request_id=request.approval_id).select_related("signature")
                         .order_by("decided_at", "pk")) if request.approval_id else []
        person = getattr(request.requester, "person", None)
        requester = (person.full_name if person else "") or request.requester.get_username()
        with translation.override(language):
            title = _("Destruction record #%(number)s") % {"number": request.pk}
        content, witness = records.render_record(
            template="destruction/record_pdf.html", actor=actor, language=language, level=request.level,
            reason="record", context={"title": title, "destruction": request, "carriers": carriers,
                                      "hidden": hidden, "decisions": decisions, "requester": requester,
                                      "certificate": getattr(request, "certificate", None)},
        )
        seq = witness["checkpoint"].seq
        audit.record(actor=actor, action="destruction.record_printed", target=request,
                     details={"destruction_request": request.pk, "language": language, "carriers": len(carriers),
                              "hidden_carriers": hidden, "checkpoint": seq})
    return records.Record(content, records.filename(f"destruction-{request.pk}"), seq)
