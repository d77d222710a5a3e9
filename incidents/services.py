"""Every write to incidents (R13): report (by anyone, anonymously too, or by the system when an
inventory or a meeting finds a carrier missing), record what was done, close. One transaction
each, the audit event inside it, the secrecy office alerted at once."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import services as alerts
from audit import services as audit
from common import access
from common.errors import Refused, enforce
from personnel import roles

from . import policy, rules
from .checks import INCIDENT_OPEN
from .models import Incident, IncidentStep


def report_incident(
    *, actor, kind: str, summary: str, occurred_at: datetime | None = None, carriers=(), unit=None,
    anonymous: bool = False, last_seen: str = "", last_holder=None, concerns=None, remedial_measures: str = "",
    reported_to: str = "", source: str = "",
) -> Incident:
    """Anyone registered may report a leak, a loss or a violation, their own or someone else's.
    Anonymous: the reporter is recorded nowhere, not even as the audit event's actor. `actor` None
    is the system (e.g. an inventory). Call inside the caller's transaction when raised by a stage."""
    now = timezone.now()
    occurred_at = occurred_at or now
    carriers = list(carriers)
    person = access.person_of(actor) if actor is not None else None
    if actor is not None and person is None:
        raise Refused(_("Only registered people can report incidents."))
    if unit is None:
        unit = person.unit if person is not None else (carriers[0].unit if carriers else None)
    enforce(
        [
            rules.kind_known(kind=kind),
            rules.says_what(text=summary),
            rules.not_in_future(occurred_at=occurred_at, now=now),
            rules.loss_names_carriers(kind=kind, carriers=carriers),
        ]
    )
    # item 8 of issue 19: the people the report names as involved (whose act it was, or who held the
    # carrier when the reporter names them), members of the unit's secrecy office among them
    implicated = _office_members_named(unit, [concerns, last_holder])
    if last_holder is None and len(carriers) == 1:
        last_holder = carriers[0].holder
    with transaction.atomic():
        incident = Incident.objects.create(
            number=f"pending-{uuid.uuid4().hex}", kind=kind, unit=unit, summary=summary.strip(),
            occurred_at=occurred_at, level=max((c.level for c in carriers), default=None),
            last_seen=last_seen, last_holder=last_holder, concerns=concerns,
            reporter=None if anonymous else actor, anonymous=anonymous, source=source,
            remedial_measures=remedial_measures, remedied_at=now if remedial_measures else None,
            reported_to=reported_to, reported_to_at=now if reported_to else None,
            routed_to_head=bool(implicated),
        )
        incident.number = settings.REGISTRY.get("INCIDENT_NUMBER_FORMAT", "INC-{unit}-{year}-{seq:05d}").format(
            unit=unit.code, year=now.year, seq=incident.pk
        )
        Incident.objects.filter(pk=incident.pk).update(number=incident.number)
        if carriers:
            incident.carriers.set(carriers)
        if implicated:
            incident.hidden_from.set(implicated)
        audit.record(
            actor=None if anonymous else actor, action="incident.reported", target=incident,
            details={
                "number": incident.number, "kind": kind, "unit": unit.pk, "summary": incident.summary,
                "occurred_at": occurred_at, "carriers": sorted(c.registry_number for c in carriers),
                "last_seen": last_seen, "last_holder": incident.last_holder_id, "concerns": incident.concerns_id,
                "anonymous": anonymous, "source": source, "remedial_measures": remedial_measures,
                "reported_to": reported_to, "routed_to_head": bool(implicated),
                "hidden_from": sorted(u.pk for u in implicated),
            },
        )
        alerts.run_checks(only=INCIDENT_OPEN)
    return incident


def _office_members_named(unit, people) -> list:
    """The active members of the unit's secrecy office among these people (None skipped)."""
    named = []
    for user in people:
        person = access.person_of(user) if user is not None else None
        if (person is not None and unit is not None and person.unit_id == unit.pk
                and access.has_role(user, roles.SECRECY_OFFICE) and user not in named):
            named.append(user)
    return named


def _get_for_office(actor, incident_id: int) -> Incident:
    """The incident, locked, if the actor is in the secrecy office of its unit; others: 404 when
    they cannot see it, 403 when they can (e.g. its reporter)."""
    incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None or not access.restrict(Incident.objects.filter(pk=incident.pk), actor).exists():
        raise Http404
    if not policy.may_handle(actor, incident):
        if incident.routed_to_head:
            raise Refused(_("This incident names a member of the secrecy office; the head of the unit handles it."))
        raise Refused(_("Only the secrecy office of the incident's unit handles it."))
    return incident


def record_step(*, actor, incident_id: int, kind: str, text: str, happened_at: datetime | None = None) -> IncidentStep:
    """The secrecy office records a remedial measure, a report upward or a note."""
    now = timezone.now()
    happened_at = happened_at or now
    with transaction.atomic():
        incident = _get_for_office(actor, incident_id)
        enforce(
            [
                rules.still_open(status=incident.status),
                rules.says_what(text=text, field="text", message=_("Say what was done.")),
                rules.not_in_future(occurred_at=happened_at, now=now, field="happened_at"),
                rules.step_kind_known(kind=kind),
            ]
        )
        step = IncidentStep.objects.create(incident=incident, kind=kind, text=text.strip(), happened_at=happened_at,
                                           actor=actor)
        fields = ["status"]
        if kind == IncidentStep.Kind.REMEDY:
            incident.remedial_measures = "\n".join(filter(None, [incident.remedial_measures, step.text]))
            incident.remedied_at = incident.remedied_at or happened_at
            fields += ["remedial_measures", "remedied_at"]
        elif kind == IncidentStep.Kind.REPORT:
            incident.reported_to = "; ".join(filter(None, [incident.reported_to, step.text]))[:300]
            incident.reported_to_at = incident.reported_to_at or happened_at
            fields += ["reported_to", "reported_to_at"]
        incident.status = Incident.Status.IN_HAND
        incident.save(update_fields=fields)
        audit.record(actor=actor, action="incident.step_recorded", target=incident,
                     details={"step": step.pk, "kind": kind, "text": step.text, "happened_at": happened_at})
    return step


def close_incident(*, actor, incident_id: int, conclusion: str, password=None) -> Incident:
    """Closed only once the remedial measures and the report upward are on record; closing ends the
    record, so it is signed (issue 17: password, plus the one-time code where enrolled). The rules
    first, the password before the row lock, the rules again under it."""
    from audit.models import Signature

    def closable(incident):
        return [
            rules.still_open(status=incident.status),
            rules.says_what(text=conclusion, field="conclusion", message=_("Write the conclusion.")),
            rules.may_close(remedial_measures=incident.remedial_measures, reported_to=incident.reported_to),
        ]

    with transaction.atomic():
        enforce(closable(_get_for_office(actor, incident_id)))
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        incident = _get_for_office(actor, incident_id)
        enforce(closable(incident))
        now = timezone.now()
        IncidentStep.objects.create(incident=incident, kind=IncidentStep.Kind.CLOSE, text=conclusion.strip(),
                                    happened_at=now, actor=actor)
        incident.status = Incident.Status.CLOSED
        incident.closed_by = actor
        incident.closed_at = now
        incident.closing_note = conclusion.strip()
        incident.save(update_fields=["status", "closed_by", "closed_at", "closing_note"])
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED, target=incident,
                               content={"incident": incident.number, "conclusion": incident.closing_note,
                                        "remedial_measures": incident.remedial_measures,
                                        "reported_to": incident.reported_to})
        audit.record(actor=actor, action="incident.closed", target=incident,
                     details={"conclusion": incident.closing_note, "signature": signature.pk})
        alerts.resolve_for_target(kind=INCIDENT_OPEN, target=incident, reason="incident closed")
    return incident
