"""Every write of the transmission stage (R2): dispatch, receive, resolve a discrepancy. One
function per action, keyword-only arguments, one transaction each, the rules checked before
anything is written, the audit events inside the same transaction. Custody moves through the
carriers core's handover (kind "dispatch"): the carriers are "in transit" until received."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import services as approvals
from audit import services as audit
from audit.models import Signature
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.holds.rules import refuse_if_held
from carriers.models import Carrier, Handover
from common import access
from common.errors import Refused, ValidationFailed, enforce
from personnel import roles
from personnel.models import Person

from . import policy, rules
from .models import Channel, Dispatch, DispatchDiscrepancy, NumberCounter, TransmissionNotice

# configurable per installation (settings.REGISTRY), never hard-wired
NUMBER_FORMATS = {
    NumberCounter.Kind.DISPATCH: ("DISPATCH_NUMBER_FORMAT", "{unit}-FS-{year}-{seq:06d}"),
    NumberCounter.Kind.RECEIPT: ("RECEIPT_NUMBER_FORMAT", "{unit}-SW-{year}-{seq:06d}"),
}
DISPATCHING_ROLES = policy.DISPATCHING_ROLES


def _next_number(*, unit, year: int, kind: str) -> tuple[int, str]:
    """Readable and gap-free per unit, year and kind: the counter row is locked until commit."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                NumberCounter.objects.select_for_update().get_or_create(unit=unit, year=year, kind=kind)
            break
        except IntegrityError:  # another transaction created the row first; lock it next time round
            continue
    counter = NumberCounter.objects.select_for_update().get(unit=unit, year=year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    setting, default = NUMBER_FORMATS[kind]
    template = settings.REGISTRY.get(setting, default)
    return counter.last, template.format(unit=unit.code, year=year, seq=counter.last)


def _locked_dispatch(*, actor, dispatch_id) -> Dispatch:
    """The dispatch, locked, if this user may see it; 404 exactly as if it did not exist."""
    try:
        dispatch_id = int(dispatch_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not access.restrict(Dispatch.objects.filter(pk=dispatch_id), actor).exists():
        raise Http404
    return Dispatch.objects.select_for_update().select_related("sending_unit", "receiving_unit").get(pk=dispatch_id)


def _offices(*unit_ids):
    """Active secrecy-office staff of these units."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, groups__name=roles.SECRECY_OFFICE, person__status=Person.Status.ACTIVE,
        person__unit_id__in=unit_ids,
    ).distinct()


def _notify_offices(dispatch: Dispatch, kind: str) -> None:
    """Both secrecy offices hear of it, in the registry (no titles leave it)."""
    TransmissionNotice.objects.bulk_create(
        TransmissionNotice(recipient=user, kind=kind, dispatch=dispatch)
        for user in _offices(dispatch.sending_unit_id, dispatch.receiving_unit_id)
    )


# --- dispatch ---------------------------------------------------------------------------------


def dispatch(
    *, actor, password: str, recipient, carriers: list, declared_count: int, channel: str, receiving_unit=None,
    is_abroad: bool = False, destination: str = "", approval=None, courier=None, route: str = "",
    protective_measures: str = "", note: str = "",
) -> Dispatch:
    """The secrecy office registers, numbers and signs a dispatch: the carriers listed and counted,
    the recipient within every carrier's distribution scope, a permitted channel. The carriers
    are "in transit" (still held by the sender) until the recipient counts and signs."""
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can dispatch carriers."))
    if not carriers:
        raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
    if channel == Channel.DIPLOMATIC_COURIER:
        is_abroad = True  # the diplomatic courier carries only abroad
    recipient_person = Person.objects.filter(user_id=recipient.pk).first()
    courier_person = Person.objects.filter(user_id=courier.pk).first() if courier is not None else None
    with transaction.atomic():
        locked = list(Carrier.objects.select_for_update().filter(pk__in=[c.pk for c in carriers]).order_by("pk"))
        refuse_if_held(locked, field="carriers")  # a held carrier is not sent outside the unit (holds)
        levels = [c.level for c in locked]
        enforce(
            [
                policy.dispatch_refusal(actor),
                rules.channel_permitted(channel=channel),
                rules.recipient_elsewhere(
                    sending_unit_id=person.unit_id,
                    receiving_unit_id=recipient_person.unit_id if recipient_person else None,
                    recipient_active=bool(recipient_person and recipient_person.status == Person.Status.ACTIVE
                                          and recipient.is_active),
                ),
                rules.receiving_unit_matches(
                    given_unit_id=receiving_unit.pk if receiving_unit is not None else None,
                    recipient_unit_id=recipient_person.unit_id if recipient_person else None,
                ),
                *rules.hand_delivery_arranged(
                    channel=channel, courier_given=courier is not None,
                    courier_active=bool(courier_person and courier_person.status == Person.Status.ACTIVE
                                        and courier.is_active),
                    courier_clearance=courier_person.clearance if courier_person else 0,
                    courier_same_unit=bool(courier_person and courier_person.unit_id == person.unit_id),
                    levels=levels, route=route, protective_measures=protective_measures,
                ),
                rules.abroad_permitted(is_abroad=is_abroad, channel=channel, has_approval=approval is not None),
                rules.count_matches_list(declared=declared_count, listed=len(locked)),
                rules.recipient_in_scope(out_of_scope=carrier_services._out_of_scope(locked, recipient)),
            ]
        )
        if approval is not None:
            enforce([rules.approval_fits(is_abroad=is_abroad, kind=approval.kind, unit_id=approval.unit_id,
                                         sending_unit_id=person.unit_id, level=approval.level, levels=levels)])
            approvals.consume(actor=actor, request=approval, quantity=len(locked))
        year = timezone.localdate().year
        sequence, number = _next_number(unit=person.unit, year=year, kind=NumberCounter.Kind.DISPATCH)
        # the giver's signature, the holder check, clearance and the one-open-handover lock: the core's
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=recipient, carriers=locked, declared_count=declared_count,
            kind=Handover.Kind.DISPATCH, channel=channel, note=f"{number} {note}".strip()[:500],
            status_on_start=Carrier.Status.IN_TRANSIT,
        )
        sent = Dispatch.objects.create(
            number=number, year=year, sequence=sequence, sending_unit=person.unit,
            receiving_unit_id=recipient_person.unit_id, recipient=recipient, channel=channel, is_abroad=is_abroad,
            destination=destination, approval=approval,
            courier=courier if channel == Channel.HAND_DELIVERY else None,
            route=route, protective_measures=protective_measures, level=max(levels),
            declared_count=declared_count, handover=handover, note=note, dispatched_by=actor,
            dispatched_at=handover.giver_signature.signed_at,
        )
        audit.record(
            actor=actor, action="dispatch.sent", target=sent,
            details={
                "number": number, "sending_unit": sent.sending_unit_id, "receiving_unit": sent.receiving_unit_id,
                "recipient": recipient.pk, "channel": channel, "is_abroad": is_abroad, "destination": destination,
                "approval": approval.pk if approval else None, "courier": sent.courier_id, "route": route,
                "protective_measures": protective_measures, "level": sent.level, "declared_count": declared_count,
                "carriers": sorted(c.registry_number for c in locked), "handover": handover.pk, "note": note,
            },
            carriers=locked,  # the details name them: the trail shows the event only with all of them
        )
    return sent


# --- receipt ----------------------------------------------------------------------------------


def check_may_receive(*, actor, dispatch: Dispatch) -> None:
    """Before reading a receipt's fields: only the named recipient, only once (403, 409)."""
    enforce(policy.receive_refusals(actor, dispatch))


def receive(
    *, actor, password: str, dispatch_id, counted_count: int, container=None, carriers=None, unexpected=(),
    discrepancy_note: str = "",
) -> Dispatch:
    """The recipient counts, checks which carriers arrived and signs. Count and list match: the
    handover completes and the carriers are theirs, in custody. Any difference is signed only
    as a recorded discrepancy (with a note): the arrived carriers become theirs, the missing ones
    stay in transit, unresolved, and both secrecy offices are told. Otherwise nothing is signed.
    `carriers`: ids of the listed carriers that arrived (None: all of them)."""
    with transaction.atomic():
        sent = _locked_dispatch(actor=actor, dispatch_id=dispatch_id)
        check_may_receive(actor=actor, dispatch=sent)
        handover = Handover.objects.select_for_update().get(pk=sent.handover_id)
        listed = list(Carrier.objects.select_for_update().filter(handover_items__handover=handover).order_by("pk"))
        listed_ids = {c.pk for c in listed}
        checked = set(listed_ids) if carriers is None else {int(c) for c in carriers}
        arrived = [c for c in listed if c.pk in checked]
        missing = [c for c in listed if c.pk not in checked]
        unexpected = [u.strip() for u in unexpected if u and u.strip()]
        differences = rules.receipt_differences(
            listed=len(listed), counted=counted_count, arrived=len(arrived), unexpected=len(unexpected)
        )
        enforce(
            [
                rules.checked_on_list(not_listed=sorted(checked - listed_ids)),
                rules.difference_recorded(differences=differences, listed=len(listed), counted=counted_count,
                                          note=discrepancy_note),
                carrier_rules.container_may_hold(container=container, level=max(c.level for c in arrived),
                                                 unit_id=actor.person.unit_id) if arrived else None,
            ]
        )
        now_year = timezone.localdate().year
        if not differences["any"]:
            carrier_services.accept_handover(
                actor=actor, password=password, handover_id=handover.pk, counted_count=counted_count,
                container=container, status_on_accept=Carrier.Status.IN_CUSTODY,
            )
            handover.refresh_from_db()
            status = Dispatch.Status.RECEIVED
        else:
            credential = audit.reauthenticate(signer=actor, password=password)
            content = {
                **carrier_services.handover_content(handover, arrived, side="taker", count=counted_count),
                "dispatch": sent.number, "missing": sorted(c.registry_number for c in missing),
                "unexpected": unexpected, "note": discrepancy_note,
            }
            signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.RECEIVED,
                                   target=handover, content=content)
            handover = carrier_services._complete_handover(
                handover, arrived, actor=actor, signature=signature, counted_count=counted_count,
                container=container if arrived else None, status_on_accept=Carrier.Status.IN_CUSTODY,
            )
            status = Dispatch.Status.DISCREPANCY
        _seq, receipt_number = _next_number(unit=sent.receiving_unit, year=now_year, kind=NumberCounter.Kind.RECEIPT)
        sent.status = status
        sent.receipt_number = receipt_number
        sent.received_by = actor
        sent.received_at = handover.completed_at
        sent.counted_count = counted_count
        sent.receipt_note = discrepancy_note
        sent.container = container if arrived else None
        sent.save(update_fields=["status", "receipt_number", "received_by", "received_at", "counted_count",
                                 "receipt_note", "container"])
        rows = []
        if status == Dispatch.Status.DISCREPANCY:
            rows = _record_discrepancies(sent, actor=actor, missing=missing, unexpected=unexpected,
                                         counted=counted_count, identified=len(arrived) + len(unexpected),
                                         count_differs=differences["count_differs"], at=sent.received_at)
        audit.record(
            actor=actor, action="dispatch.received", target=sent,
            details={
                "number": sent.number, "receipt_number": receipt_number, "declared_count": sent.declared_count,
                "counted_count": counted_count, "arrived": sorted(c.registry_number for c in arrived),
                "missing": sorted(c.registry_number for c in missing), "unexpected": unexpected,
                "container": container.pk if container and arrived else None, "note": discrepancy_note,
                "discrepancies": [{"id": r.pk, "kind": r.kind, "carrier": r.carrier_id, "description": r.description}
                                  for r in rows],
            },
            carriers=listed,
        )
        if rows:
            _notify_offices(sent, TransmissionNotice.Kind.DISCREPANCY)
    return sent


def _record_discrepancies(sent, *, actor, missing, unexpected, counted, identified, count_differs, at):
    rows = [
        DispatchDiscrepancy(dispatch=sent, kind=DispatchDiscrepancy.Kind.MISSING, carrier=c,
                            description=c.registry_number, recorded_by=actor, recorded_at=at)
        for c in missing
    ]
    rows += [
        DispatchDiscrepancy(dispatch=sent, kind=DispatchDiscrepancy.Kind.UNEXPECTED, description=text[:300],
                            recorded_by=actor, recorded_at=at)
        for text in unexpected
    ]
    if count_differs:  # the count differs from what was identified (listed or not)
        rows.append(DispatchDiscrepancy(
            dispatch=sent, kind=DispatchDiscrepancy.Kind.COUNT, expected_count=identified, counted_count=counted,
            description=_("Counted %(counted)d, identified %(identified)d") % {"counted": counted, "identified": identified},
            recorded_by=actor, recorded_at=at,
        ))
    return DispatchDiscrepancy.objects.bulk_create(rows)


# --- resolving discrepancies --------------------------------------------------------------------


def resolve_discrepancy(
    *, actor, password: str, dispatch_id, discrepancy_id, resolution: str, note: str, container=None,
) -> DispatchDiscrepancy:
    """A secrecy office (or, for a carrier that turned up, the recipient) resolves one difference:
    found (a missing carrier is received, signed for), returned (back in the sender's custody,
    signed for by the sending office) or lost (the carrier becomes lost). When none is left open
    the dispatch is resolved. Both secrecy offices are told."""
    with transaction.atomic():
        sent = _locked_dispatch(actor=actor, dispatch_id=dispatch_id)
        try:
            discrepancy_id = int(discrepancy_id)
        except (TypeError, ValueError):
            raise Http404 from None
        row = DispatchDiscrepancy.objects.select_for_update().filter(pk=discrepancy_id, dispatch=sent).first()
        if row is None:
            raise Http404
        person = actor.person
        enforce(
            [
                rules.discrepancy_open(resolution=row.resolution),
                rules.resolution_fits(kind=row.kind, resolution=resolution),
                rules.may_resolve(kind=row.kind, resolution=resolution, **policy.resolver_facts(actor, sent)),
                rules.resolution_explained(note=note),
            ]
        )
        carrier = Carrier.objects.select_for_update().get(pk=row.carrier_id) if row.carrier_id else None
        found = resolution == DispatchDiscrepancy.Resolution.FOUND
        if carrier is not None and found:
            enforce([carrier_rules.container_may_hold(container=container, level=carrier.level, unit_id=person.unit_id)])
        credential = audit.reauthenticate(signer=actor, password=password)
        signature = None
        if carrier is not None:
            handover = Handover.objects.select_for_update().get(pk=sent.handover_id)
            reason = f"dispatch {sent.number}: {resolution}"
            if resolution != DispatchDiscrepancy.Resolution.LOST:
                signature = audit.sign(
                    signer=actor, credential=credential, meaning=Signature.Meaning.RECEIVED, target=sent,
                    content={"dispatch": sent.number, "carriers": [carrier.registry_number], "count": 1,
                             "resolution": resolution, "note": note,
                             "side": "taker" if found else "sender"},
                )
            if found:
                carrier_services.move_custody(handover, [carrier], actor=actor, container=container,
                                              status_on_accept=Carrier.Status.IN_CUSTODY)
            else:
                carrier_services.transition(
                    carrier=carrier, actor=actor, reason=reason,
                    to_status=Carrier.Status.LOST if resolution == DispatchDiscrepancy.Resolution.LOST
                    else Carrier.Status.IN_CUSTODY,
                    details={"dispatch": sent.pk, "handover": handover.pk},
                )
                carrier_services.release_items(handover, [carrier])
        row.resolution = resolution
        row.resolution_note = note
        row.resolved_by = actor
        row.resolved_at = timezone.now()
        row.signature = signature
        row.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at", "signature"])
        still_open = sent.discrepancies.filter(resolution="").exists()
        if not still_open:
            sent.status = Dispatch.Status.RESOLVED
            sent.resolved_at = row.resolved_at
            sent.save(update_fields=["status", "resolved_at"])
        audit.record(
            actor=actor, action="dispatch.discrepancy_resolved", target=sent,
            details={"discrepancy": row.pk, "kind": row.kind, "carrier": carrier.registry_number if carrier else None,
                     "resolution": resolution, "note": note, "container": container.pk if found and container else None,
                     "signature": signature.pk if signature else None, "dispatch_resolved": not still_open},
            carriers=[carrier] if carrier else (),
        )
        _notify_offices(sent, TransmissionNotice.Kind.RESOLVED)
    return row


def mark_notices_read(*, actor) -> int:
    return TransmissionNotice.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
