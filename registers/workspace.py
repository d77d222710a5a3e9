"""Reads for the auditor's workspace (pages and API in audit/): a carrier's full history, the
audit trail filtered by carrier, and for any signature the record it signed and whether it holds.
Everything through the access gate: what a reader may not see answers 404 like a missing object."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from audit.models import Signature
from audit.selectors import verify_signature, visible_events
from carriers.models import Carrier, HandoverItem
from carriers.selectors import carrier_get
from common import access

from .selectors import require_register_access


def carrier_events_q(carrier) -> Q:
    """Events about one carrier: about the carrier itself, about the handovers and dispatches it
    went in, and the events that name it in their details (a production run, an intermediate)."""
    handovers = list(HandoverItem.objects.filter(carrier=carrier).values_list("handover_id", flat=True))
    q = Q(target_type="carriers.carrier", target_id=str(carrier.pk))
    q |= Q(details__carrier=carrier.registry_number) | Q(details__carrier=carrier.pk)
    if handovers:
        from carriers.transmission.models import Dispatch

        q |= Q(target_type="carriers.handover", target_id__in=[str(pk) for pk in handovers])
        dispatches = Dispatch.objects.filter(handover_id__in=handovers).values_list("pk", flat=True)
        q |= Q(target_type="transmission.dispatch", target_id__in=[str(pk) for pk in dispatches])
    return q


def visible_carrier_by_reference(*, user, reference: str) -> Carrier | None:
    """A carrier the reader may see, by id or registry number."""
    reference = (reference or "").replace("\x00", "").strip()
    if not reference:
        return None
    from carriers.selectors import visible_carriers

    carriers = visible_carriers(user=user)
    if reference.isdigit() and len(reference) < 19:
        return carriers.filter(Q(pk=int(reference)) | Q(registry_number=reference)).first()
    return carriers.filter(registry_number=reference).first()


def carrier_history(*, user, pk):
    """A visible carrier and every visible event about it, oldest first."""
    require_register_access(user)
    if not str(pk).isdigit() or int(pk) > 2**63 - 1:
        raise Http404
    carrier = carrier_get(user=user, pk=pk)
    events = visible_events(user=user).filter(carrier_events_q(carrier)).order_by("seq")
    return carrier, events


@dataclass(frozen=True)
class SignatureCheck:
    signature: Signature
    problems: list
    target_label: str
    carrier_id: int | None

    @property
    def holds(self) -> bool:
        return not self.problems


def signature_check(*, user, pk) -> SignatureCheck:
    """A visible signature, the record it signed (its audit event and target) and whether its
    hash still matches (audit.selectors.verify_signature)."""
    require_register_access(user)
    if not str(pk).isdigit() or int(pk) > 2**63 - 1:
        raise Http404
    signature = (
        access.restrict(Signature.objects.select_related("event", "signer__person"), user).filter(pk=int(pk)).first()
    )
    if signature is None:
        raise Http404
    event = signature.event
    label = event.target_label or f"{signature.target_type} {signature.target_id}".strip()
    carrier_id = None
    if signature.target_type == "carriers.carrier" and signature.target_id.isdigit():
        carrier_id = int(signature.target_id)
    return SignatureCheck(signature, verify_signature(signature), label, carrier_id)
