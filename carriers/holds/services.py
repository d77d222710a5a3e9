"""Every write to holds: place (secrecy office, with a reason; from an incident too) and lift (the
secrecy office signs with its password). One transaction each, the audit event inside it."""

import uuid

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Signature
from carriers.models import Carrier
from common import access
from common.errors import Conflict, Refused, ValidationFailed, enforce

from . import policy, rules
from .models import Hold, HoldItem

MAX_CARRIERS = 5000


def _incident_of(actor, incident_id):
    """The incident by id if the actor may see it (404 otherwise); its carriers' ids."""
    if incident_id is None:
        return None
    incident = access.restrict_label("incidents.incident", actor).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


def place_hold(*, actor, carriers, kind: str, reason: str, incident_id: int | None = None) -> Hold:
    """The secrecy office holds these carriers (all of them visible to it, none destroyed or
    declassified) with a reason; kind "incident" names the incident it is for."""
    if not access.can(actor, policy.PLACE_HOLD):
        raise Refused(_("Only the secrecy office places holds."))
    person = access.person_of(actor)
    wanted = sorted({c.pk for c in carriers})
    if not wanted:
        raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
    if len(wanted) > MAX_CARRIERS:
        raise ValidationFailed({"carriers": [_("At most %(max)d carriers in one hold.") % {"max": MAX_CARRIERS}]})
    incident = _incident_of(actor, incident_id)
    enforce([
        rules.kind_known(kind=kind),
        rules.reason_given(reason=reason),
        rules.incident_matches(kind=kind, incident=incident),
    ])
    with transaction.atomic():
        locked = list(access.restrict(Carrier.objects.filter(pk__in=wanted), actor).select_for_update(of=("self",))
                      .order_by("pk"))
        if len(locked) != len(wanted):
            raise ValidationFailed({"carriers": [_("List only carriers you may open.")]})
        enforce([rules.holdable(statuses={c.registry_number: (c.status, c.get_status_display()) for c in locked})])
        now = timezone.now()
        hold = Hold.objects.create(
            number=f"pending-{uuid.uuid4().hex}", unit_id=person.unit_id, kind=kind, reason=reason.strip(),
            incident=incident, level=max(c.level for c in locked), carrier_count=len(locked), placed_by=actor,
            placed_at=now,
        )
        hold.number = settings.REGISTRY.get("HOLD_NUMBER_FORMAT", "HOLD-{unit}-{year}-{seq:05d}").format(
            unit=person.unit.code, year=now.year, seq=hold.pk
        )
        Hold.objects.filter(pk=hold.pk).update(number=hold.number)
        HoldItem.objects.bulk_create(HoldItem(hold=hold, carrier=c) for c in locked)
        audit.record(actor=actor, action="hold.placed", target=hold, details={
            "number": hold.number, "kind": kind, "reason": hold.reason,
            "incident": incident.number if incident else None,
            "carriers": [c.registry_number for c in locked],
        })
    return hold


def hold_for_incident(*, actor, incident_id: int, reason: str) -> Hold:
    """Hold every carrier a loss or leak incident concerns (those not destroyed or declassified)."""
    incident = _incident_of(actor, incident_id)
    carriers = [c for c in incident.carriers.exclude(status__in=[Carrier.Status.DESTROYED, Carrier.Status.DECLASSIFIED])]
    if incident.kind not in ("loss", "leak") or not carriers:
        raise Conflict(_("Only a loss or leak incident that names carriers still in the registry offers a hold."),
                       code="nothing_to_hold")
    return place_hold(actor=actor, carriers=carriers, kind=Hold.Kind.INCIDENT, reason=reason, incident_id=incident.pk)


def lift_hold(*, actor, password: str, hold_id: int, reason: str) -> Hold:
    """The secrecy office of the hold's unit lifts it and signs (password, and one-time code if
    enrolled); its carriers are free again unless another hold still holds them."""
    with transaction.atomic():
        hold = access.restrict(Hold.objects.filter(pk=hold_id), actor).select_for_update(of=("self",)).first()
        if hold is None:
            raise Http404
        if hold.lifted_at is not None:
            raise Conflict(_("This hold was already lifted."), code="hold_lifted")
        if not access.can(actor, policy.LIFT_HOLD, hold):
            raise Refused(_("Only the secrecy office of the hold's unit lifts it."))
        enforce([rules.reason_given(reason=reason)])
        credential = audit.reauthenticate(signer=actor, password=password)
        numbers = sorted(hold.items.values_list("carrier__registry_number", flat=True))
        content = {"hold": hold.number, "kind": hold.kind, "reason": hold.reason, "lifted_because": reason.strip(),
                   "carriers": numbers}
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.APPROVED, target=hold,
                               content=content)
        hold.lifted_by = actor
        hold.lifted_at = signature.signed_at
        hold.lift_reason = reason.strip()
        hold.lift_signature = signature
        hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason", "lift_signature"])
        HoldItem.objects.filter(hold=hold).update(is_active=False)
        audit.record(actor=actor, action="hold.lifted", target=hold,
                     details={**content, "signature": signature.pk})
    return hold
