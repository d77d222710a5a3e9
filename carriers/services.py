"""Every write to the carrier core. One function per action, keyword-only arguments, one
transaction, rules checked first, the audit event written inside the same transaction."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Signature
from common import access
from common.errors import Conflict, Refused, ValidationFailed, Violation, enforce

from . import policy, rules
from .models import (
    BasisKind,
    Carrier,
    Classifier,
    Container,
    Handover,
    HandoverItem,
    RegistryCounter,
    SecretMatterItem,
)


def snapshot(carrier: Carrier) -> dict:
    """The facts about a carrier that an audit event and a signature vouch for."""
    return {
        "registry_number": carrier.registry_number,
        "unit": carrier.unit_id,
        "kind": carrier.kind,
        "medium": carrier.medium,
        "is_coded_telegram": carrier.is_coded_telegram,
        "title": carrier.title,
        "document_number": carrier.document_number,
        "originator": carrier.originator,
        "originating_unit": carrier.originating_unit_id,
        "level": carrier.level,
        "secrecy_years": carrier.secrecy_years,
        "secrecy_months": carrier.secrecy_months,
        "declassification_condition": carrier.declassification_condition,
        "period_start": carrier.period_start,
        "expires_on": carrier.expires_on,
        "marking_zh": carrier.marking_zh,
        "marking_en": carrier.marking_en,
        "copy_number": carrier.copy_number,
        "copies_total": carrier.copies_total,
        "scope_departments": sorted(carrier.scope_departments.values_list("pk", flat=True)),
        "scope_people": sorted(carrier.scope_people.values_list("pk", flat=True)),
        "holder": carrier.holder_id,
        "container": carrier.container_id,
        "status": carrier.status,
        "sources": sorted(carrier.sources.values_list("pk", flat=True)),
        **basis_facts(carrier),
    }


def basis_facts(carrier: Carrier) -> dict:
    """The classification basis as audit events and signatures record it (every registration and
    every change of level or period carries it)."""
    item = carrier.basis_item
    return {
        "basis_kind": carrier.basis_kind,
        "basis_item": f"{item.code} {item.title_zh}" if item is not None else None,
        "classifier": carrier.classifier_id,
        "classified_on": carrier.classified_on,
    }


BASIS_FIELDS = ("basis_kind", "basis_item", "classifier", "classified_on")


def resolve_basis(
    actor, *, level: int, basis_kind: str = "", basis_item=None, classifier=None, classified_on=None,
    has_sources: bool = False, produced: bool = False,
) -> dict:
    """The carrier fields of its classification basis, or the refusal (400, per field). With no
    basis given, an existing caller's default where the rules allow it: derived when it has sources
    (R4: never below them), the approved production request's terms for a production run (R1: the
    leader approved level and period), otherwise the originating authority's determination (a
    carrier received or already held). An item of the list always needs a classifier."""
    unit_id = actor.person.unit_id
    if not basis_kind:
        basis_kind = (BasisKind.MATTER_ITEM if basis_item is not None else BasisKind.DERIVED if has_sources
                      else BasisKind.PRODUCTION_APPROVAL if produced else BasisKind.ORIGINATOR)
    designation = None
    problems = []
    if classifier is not None:
        designation = Classifier.objects.filter(user_id=classifier.pk, revoked_at__isnull=True).first()
        if designation is None:
            problems.append(Violation(_("This person is not a designated classifier of your unit."),
                                      field="classifier", code="not_a_classifier"))
    if basis_item is not None:  # read again: whether it is in force now, not when the caller read it
        pk = basis_item if isinstance(basis_item, int) else basis_item.pk
        basis_item = SecretMatterItem.objects.filter(pk=pk).first()
    if basis_kind == BasisKind.PRODUCTION_APPROVAL and not produced:
        problems.append(Violation(_("Only a production run rests on its approved request."), field="basis_kind",
                                  code="invalid_choice"))
    problems += rules.classification_basis(
        basis_kind=basis_kind, level=level, item=basis_item, classifier=designation,
        unit_id=unit_id, has_sources=has_sources, classified_on=classified_on, today=timezone.localdate(),
    )
    if basis_kind == BasisKind.MATTER_ITEM and classifier is not None and designation is None:
        problems = [p for p in problems if not (p.field == "classifier" and p.code == "required")]
    enforce(problems)
    return {
        "basis_kind": basis_kind,
        "basis_item": basis_item if basis_kind == BasisKind.MATTER_ITEM else None,
        "classifier": classifier,
        "classified_on": classified_on or timezone.localdate(),
    }


def _next_registry_number(*, unit, year: int) -> str:
    """Readable and gap-free per unit and year: the counter row is locked until commit."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = RegistryCounter.objects.select_for_update().get_or_create(unit=unit, year=year)
            break
        except IntegrityError:  # another transaction created the row first; lock it next time round
            continue
    counter = RegistryCounter.objects.select_for_update().get(unit=unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return settings.REGISTRY["REGISTRY_NUMBER_FORMAT"].format(unit=unit.code, year=year, seq=counter.last)


def register_carrier(*, actor, password: str, **fields) -> Carrier:
    """Register a carrier received from outside or already held. The registering clerk becomes
    its accountable holder, it is kept in `container`, and the clerk signs the entry with their
    password."""
    _check_may_register(actor)
    _check_rules(actor, **fields)
    fields.update(_basis_of(actor, fields))
    credential = audit.reauthenticate(signer=actor, password=password)
    return _register(actor=actor, credential=credential, **fields)


def _basis_of(actor, fields: dict) -> dict:
    return resolve_basis(actor, level=fields["level"], has_sources=bool(fields.get("sources")),
                         produced=fields.get("production_run") is not None,
                         **{name: fields.get(name) for name in BASIS_FIELDS if fields.get(name)})


def register_carriers_batch(*, actor, password: str, items: list[dict]) -> list[Carrier]:
    """Register a batch (e.g. a received consignment) in one transaction: the password is entered
    once for the batch and every carrier still gets its own registration signature."""
    _check_may_register(actor)
    for fields in items:
        _check_rules(actor, **fields)
        fields.update(_basis_of(actor, fields))
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        return [_register(actor=actor, credential=credential, **fields) for fields in items]


def _check_may_register(actor) -> None:
    if not access.can(actor, policy.REGISTER_CARRIER):
        raise Refused(_("Only the secrecy office may register carriers."))


def _check_rules(
    actor,
    *,
    kind: str,
    level: int,
    container,
    medium: str = "",
    is_coded_telegram: bool = False,
    secrecy_years: int | None = None,
    secrecy_months: int | None = None,
    declassification_condition: str = "",
    copy_number: str = "",
    copies_total: int = 1,
    scope_departments=(),
    period_start: date | None = None,
    **_other,
) -> None:
    person = actor.person
    enforce(
        [
            rules.period_start_not_future(start=period_start, today=timezone.localdate()),
            rules.level_within_clearance(level=level, clearance=person.clearance),
            *rules.secrecy_period(
                level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
            ),
            *rules.medium_fits_kind(kind=kind, medium=medium, is_coded_telegram=is_coded_telegram),
            rules.container_may_hold(container=container, level=level, unit_id=person.unit_id),
            rules.copy_numbering(copy_number=copy_number, copies_total=copies_total),
            rules.scope_within_unit(
                department_unit_ids=[d.parent_id for d in scope_departments], unit_id=person.unit_id
            ),
        ]
    )


def _register(
    *,
    actor,
    credential,
    kind: str,
    title: str,
    originator: str,
    level: int,
    container,
    medium: str = "",
    is_coded_telegram: bool = False,
    document_number: str = "",
    originating_unit=None,
    secrecy_years: int | None = None,
    secrecy_months: int | None = None,
    declassification_condition: str = "",
    period_start: date | None = None,
    copy_number: str = "",
    copies_total: int = 1,
    scope_departments=(),
    scope_people=(),
    scope_units=(),
    sources=(),
    **stage_fields,
) -> Carrier:
    """Create, audit and sign one carrier: the one registration path for carriers registered here
    and for those a stage makes (e.g. a production run). `stage_fields` are further Carrier fields
    the stage sets (production_run, intermediate_kind, disposition, dispose_by); they and the
    scope's other units are signed with the rest."""
    unit = actor.person.unit
    if "basis_kind" not in stage_fields or not stage_fields["basis_kind"]:
        stage_fields.update(_basis_of(actor, {"level": level, "sources": sources, **stage_fields}))
    basis = {name: stage_fields.pop(name) for name in BASIS_FIELDS if name in stage_fields}
    secrecy_years = rules.default_period_years(
        level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
    )
    period_start = period_start or timezone.localdate()
    marking_zh, marking_en = rules.marking(
        level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
    )
    with transaction.atomic():
        carrier = Carrier.objects.create(
            registry_number=_next_registry_number(unit=unit, year=timezone.localdate().year),
            unit=unit,
            kind=kind,
            medium=medium,
            is_coded_telegram=is_coded_telegram,
            title=title,
            document_number=document_number,
            originator=originator,
            originating_unit=originating_unit,
            level=level,
            secrecy_years=secrecy_years,
            secrecy_months=secrecy_months,
            declassification_condition=declassification_condition,
            period_start=period_start,
            expires_on=rules.expiry(start=period_start, years=secrecy_years, months=secrecy_months),
            marking_zh=marking_zh,
            marking_en=marking_en,
            copy_number=copy_number,
            copies_total=copies_total,
            holder=actor,
            container=container,
            status=Carrier.Status.IN_CUSTODY,
            registered_by=actor,
            **basis,
            **stage_fields,
        )
        carrier.scope_departments.set(scope_departments)
        carrier.scope_people.set(scope_people)
        if scope_units:
            carrier.scope_units.set(scope_units)
        if sources:  # a copy, extract or compilation: what it was made from (signed with the rest)
            carrier.sources.set(sources)
        facts = snapshot(carrier)
        if scope_units or stage_fields:
            facts["scope_units"] = sorted(u.pk for u in scope_units)
            facts.update({name: getattr(carrier, Carrier._meta.get_field(name).attname) for name in stage_fields})
        event = audit.record(actor=actor, action="carrier.registered", target=carrier, details=facts)
        Carrier.objects.filter(pk=carrier.pk).update(status_event=event)
        carrier.status_event = event
        audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.REGISTERED, target=carrier, content=facts)
    return carrier


def transition(*, carrier: Carrier, to_status: str, actor, reason: str = "", details: dict | None = None) -> Carrier:
    """The one way a carrier's status changes: checks the move against the state machine, locks
    the row, records the audit event; the database refuses any change without such an event."""
    with transaction.atomic():
        locked = Carrier.objects.select_for_update().get(pk=carrier.pk)
        enforce([rules.move_allowed(from_status=locked.status, to_status=to_status)])
        event = audit.record(
            actor=actor,
            action="carrier.status_changed",
            target=locked,
            # the move itself last: a caller's own "from"/"to" (e.g. people) must not replace it
            details={**(details or {}), "from": locked.status, "to": to_status, "reason": reason,
                     **({"basis": basis_facts(locked)} if to_status == Carrier.Status.DECLASSIFIED else {})},
        )
        locked.status = to_status
        locked.status_event = event
        locked.save(update_fields=["status", "status_event", "updated_at"])
    return locked


def create_container(
    *, actor, code: str, name_zh: str, name_en: str, kind: str, unit, max_level: int,
    department=None, location: str = "",
) -> Container:
    with transaction.atomic():
        container = Container.objects.create(
            code=code, name_zh=name_zh, name_en=name_en, kind=kind, unit=unit, department=department,
            max_level=max_level, location=location,
        )
        audit.record(
            actor=actor, action="container.created", target=container,
            details={"code": code, "kind": kind, "unit": unit.pk, "max_level": max_level, "location": location},
        )
    return container


# --- custody: handovers -------------------------------------------------------------------------

# handover kinds where the taker must be within the carriers' distribution scope
SCOPED_HANDOVERS = {"transfer", "dispatch", "lending", "carry_out", "meeting"}


def _out_of_scope(carriers: list[Carrier], taker) -> list[str]:
    """Registry numbers of carriers whose distribution scope does not reach the taker."""
    from personnel.models import Person

    person = Person.objects.filter(user_id=taker.pk).first()
    if person is None:
        return [c.registry_number for c in carriers]
    office = access.has_role(taker, *settings.REGISTRY["UNIT_WIDE_ROLES"])
    ids = [c.pk for c in carriers]
    by_dept = set(Carrier.scope_departments.through.objects.filter(
        carrier_id__in=ids, unit_id__in=[u for u in (person.department_id, person.unit_id) if u]
    ).values_list("carrier_id", flat=True))
    by_person = set(Carrier.scope_people.through.objects.filter(carrier_id__in=ids, user_id=taker.pk)
                    .values_list("carrier_id", flat=True))
    by_unit = set(Carrier.scope_units.through.objects.filter(carrier_id__in=ids, unit_id=person.unit_id)
                  .values_list("carrier_id", flat=True)) if office else set()
    return [
        c.registry_number for c in carriers
        if c.pk not in by_dept | by_person | by_unit and not (office and c.unit_id == person.unit_id)
    ]


def handover_content(handover: Handover, carriers: list[Carrier], *, side: str, count: int) -> dict:
    return {
        "handover": handover.pk, "kind": handover.kind, "side": side, "giver": handover.giver_id,
        "taker": handover.taker_id, "channel": handover.channel, "count": count,
        "carriers": sorted(c.registry_number for c in carriers),
    }


def _start_checks(*, actor, taker, taker_person, carriers, declared_count: int, kind: str, lock: bool) -> list[Carrier]:
    """start_handover's rules over the carriers (locked with `lock`). Without the lock a carrier
    already in an unfinished handover is refused too (409), before the password is checked."""
    qs = Carrier.objects.filter(pk__in=[c.pk for c in carriers]).order_by("pk")
    locked = list(qs.select_for_update() if lock else qs)
    enforce(
        [
            rules.giver_holds(holders={c.registry_number: c.holder_id for c in locked}, giver_id=actor.pk),
            rules.statuses_allow_handover(statuses={c.registry_number: c.status for c in locked}, kind=kind),
            rules.count_matches(declared=declared_count, actual=len(locked), field="declared_count"),
            rules.taker_cleared(
                clearance=taker_person.clearance if taker_person else 0, levels=[c.level for c in locked],
                active=bool(taker_person and taker_person.status == "active" and taker.is_active),
            ),
            rules.taker_in_scope(out_of_scope=_out_of_scope(locked, taker) if kind in SCOPED_HANDOVERS else []),
            None if taker.pk != actor.pk else Violation(_("Giver and taker must be two people."), field="taker"),
        ]
    )
    if not lock and HandoverItem.objects.filter(carrier__in=locked, is_open=True).exists():
        raise Conflict(_("One of these carriers is already being handed over; reload and try again."),
                       code="handover_in_progress")
    return locked


def start_handover(
    *, actor, password: str, taker, carriers: list[Carrier], declared_count: int, kind: str = "transfer",
    channel: str = "", note: str = "", status_on_start: str | None = None,
) -> Handover:
    """The giver lists the carriers, counts them and signs. The carriers stay theirs until the
    taker counts and signs (accept_handover). A carrier in another unfinished handover: 409."""
    from personnel.models import Person

    if not carriers:
        raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
    taker_person = Person.objects.filter(user_id=taker.pk).first()
    # issue 17 (item 8): the rules first without a lock and the password before any row lock, so
    # that the losers of a race answer 409 at once instead of queueing behind each other's
    # password checks; the rules again under the lock decide
    _start_checks(actor=actor, taker=taker, taker_person=taker_person, carriers=carriers,
                  declared_count=declared_count, kind=kind, lock=False)
    with transaction.atomic():  # a refused password's own records follow the refusal, as before
        credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        locked = _start_checks(actor=actor, taker=taker, taker_person=taker_person, carriers=carriers,
                               declared_count=declared_count, kind=kind, lock=True)
        handover = Handover(kind=kind, giver=actor, taker=taker, channel=channel, declared_count=declared_count, note=note)
        handover = _create_signed_handover(handover, locked, actor, credential)
        try:
            with transaction.atomic():
                HandoverItem.objects.bulk_create(HandoverItem(handover=handover, carrier=c) for c in locked)
        except IntegrityError:
            raise Conflict(_("One of these carriers is already being handed over; reload and try again."),
                           code="handover_in_progress") from None
        audit.record(actor=actor, action="handover.started", target=handover,
                     details={**handover_content(handover, locked, side="giver", count=declared_count), "note": note})
        if status_on_start:
            for carrier in locked:
                transition(carrier=carrier, to_status=status_on_start, actor=actor, reason=f"handover {handover.pk}",
                           details={"handover": handover.pk})
    return handover


def _create_signed_handover(handover: Handover, carriers, actor, credential) -> Handover:
    from audit.models import Signature as SignatureModel

    # A handover row is never unsigned (NOT NULL): the giver signs what they hand over (the
    # carriers by registry number, the count, the taker) first; the row then points at it.
    content = {
        "kind": handover.kind, "side": "giver", "giver": handover.giver_id, "taker": handover.taker_id,
        "channel": handover.channel, "count": handover.declared_count,
        "carriers": sorted(c.registry_number for c in carriers),
    }
    signature = audit.sign(signer=actor, credential=credential, meaning=SignatureModel.Meaning.HANDED_OVER,
                           target=None, content=content)
    handover.giver_signature = signature
    handover.save(force_insert=True)
    return handover


def accept_handover(
    *, actor, password: str, handover_id: int, counted_count: int, container=None, status_on_accept: str | None = None,
    only_kind: str | None = None,
) -> Handover:
    """The taker counts, checks and signs; custody moves to the taker, carrier by carrier, in
    the audit trail. A count that does not match is refused here (a dispatch records it as a
    discrepancy instead). `only_kind`: the generic handover endpoints pass "transfer", so that a
    stage's handover (a loan, a dispatch, a meeting copy...) is completed only through its stage,
    which keeps its own record and the carrier's status in step."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().filter(pk=handover_id).first()
        if handover is None or handover.taker_id != actor.pk:
            from django.http import Http404

            raise Http404
        if handover.status != Handover.Status.PENDING:
            raise Conflict(_("This handover is already %(status)s.") % {"status": handover.get_status_display()},
                           code="handover_closed")
        _refuse_stage_handover(handover, only_kind)
        carriers = list(
            Carrier.objects.select_for_update().filter(handover_items__handover=handover).order_by("pk")
        )
        enforce(
            [
                rules.count_matches(declared=counted_count, actual=len(carriers), field="counted_count"),
                rules.giver_holds(holders={c.registry_number: c.holder_id for c in carriers}, giver_id=handover.giver_id),
                rules.container_may_hold(container=container, level=max(c.level for c in carriers),
                                         unit_id=actor.person.unit_id) if container is not None else None,
            ]
        )
        credential = audit.reauthenticate(signer=actor, password=password)
        from audit.models import Signature as SignatureModel

        signature = audit.sign(
            signer=actor, credential=credential, meaning=SignatureModel.Meaning.RECEIVED, target=handover,
            content=handover_content(handover, carriers, side="taker", count=counted_count),
        )
        return _complete_handover(handover, carriers, actor=actor, signature=signature, counted_count=counted_count,
                                  container=container, status_on_accept=status_on_accept)


def move_custody(handover, carriers, *, actor, container, status_on_accept=None) -> None:
    """Custody of `carriers` (items of `handover`, locked by the caller) passes to its taker: the
    status move, one audit event per carrier, holder and container; their items close. Runs
    inside the caller's transaction, after the taker has signed (also for part of a handover,
    e.g. a dispatch received with a discrepancy)."""
    for carrier in carriers:
        if status_on_accept and carrier.status != status_on_accept:
            carrier = transition(carrier=carrier, to_status=status_on_accept, actor=actor,
                                 reason=f"handover {handover.pk}", details={"handover": handover.pk})
        audit.record(
            actor=actor, action="carrier.custody_changed", target=carrier,
            details={"handover": handover.pk, "kind": handover.kind, "from": handover.giver_id,
                     "to": handover.taker_id, "container": container.pk if container else None},
        )
    Carrier.objects.filter(pk__in=[c.pk for c in carriers]).update(
        holder=handover.taker, container=container, updated_at=timezone.now()
    )
    release_items(handover, carriers)


def release_items(handover, carriers) -> None:
    """These carriers are no longer being handed over in `handover` (received, returned or lost)."""
    HandoverItem.objects.filter(handover=handover, carrier_id__in=[c.pk for c in carriers]).update(is_open=False)


def _complete_handover(handover, carriers, *, actor, signature, counted_count, container, status_on_accept):
    move_custody(handover, carriers, actor=actor, container=container, status_on_accept=status_on_accept)
    handover.status = Handover.Status.COMPLETED
    handover.counted_count = counted_count
    handover.taker_signature = signature
    handover.completed_at = signature.signed_at
    handover.save(update_fields=["status", "counted_count", "taker_signature", "completed_at"])
    audit.record(actor=actor, action="handover.completed", target=handover,
                 details={"counted_count": counted_count, "signature": signature.pk})
    return handover


def _refuse_stage_handover(handover: Handover, only_kind: str | None) -> None:
    if only_kind is not None and handover.kind != only_kind:
        raise Conflict(
            _("This handover belongs to a stage (%(kind)s): complete or cancel it where it was started.")
            % {"kind": handover.get_kind_display()},
            code="stage_handover",
        )


def cancel_handover(*, actor, handover_id: int, reason: str, only_kind: str | None = None) -> Handover:
    """The giver takes back an unfinished handover (the carriers never left them)."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().filter(pk=handover_id, giver=actor).first()
        if handover is None:
            from django.http import Http404

            raise Http404
        if handover.status != Handover.Status.PENDING:
            raise Conflict(_("This handover is already %(status)s.") % {"status": handover.get_status_display()},
                           code="handover_closed")
        _refuse_stage_handover(handover, only_kind)
        HandoverItem.objects.filter(handover=handover).update(is_open=False)
        handover.status = Handover.Status.CANCELLED
        handover.save(update_fields=["status"])
        audit.record(actor=actor, action="handover.cancelled", target=handover, details={"reason": reason})
    return handover


# --- classification: level and secrecy period -----------------------------------------------------


def reclassify(
    *, actor, carrier: Carrier, level: int, secrecy_years: int | None, secrecy_months: int | None, reason: str,
    details: dict | None = None,
) -> Carrier:
    """Change a carrier's classification level and/or secrecy period (counted from its period
    start), e.g. when a secrecy-period review extends or downgrades it. The end of the period and
    the marking are computed again, and the change is audited (`carrier.reclassified`, before and
    after) in the same transaction. A destroyed or declassified carrier never changes (409)."""
    from common.levels import Level

    with transaction.atomic():
        locked = Carrier.objects.select_for_update().get(pk=carrier.pk)
        condition = locked.declassification_condition
        enforce(
            [
                None if locked.status not in (Carrier.Status.DESTROYED, Carrier.Status.DECLASSIFIED) else Violation(
                    _("A carrier that is %(status)s is no longer reclassified.") % {"status": locked.get_status_display()},
                    code="carrier_final", kind="conflict",
                ),
                None if level in Level.values else Violation(
                    _("A carrier always keeps a classification level; to lift it, declassify the carrier."),
                    field="level", code="to_unclassified",
                ),
                None if secrecy_years is not None or secrecy_months is not None or condition else Violation(
                    _("Give a secrecy period."), field="secrecy_years", code="no_period",
                ),
                *(rules.secrecy_period(level=level, years=secrecy_years, months=secrecy_months, condition=condition)
                  if level in Level.values else []),
            ]
        )
        fields = ("level", "secrecy_years", "secrecy_months", "expires_on", "marking_zh", "marking_en")
        before = {name: getattr(locked, name) for name in fields}
        locked.level = level
        locked.secrecy_years, locked.secrecy_months = secrecy_years, secrecy_months
        locked.expires_on = rules.expiry(start=locked.period_start, years=secrecy_years, months=secrecy_months)
        locked.marking_zh, locked.marking_en = rules.marking(
            level=level, years=secrecy_years, months=secrecy_months, condition=condition
        )
        after = {name: getattr(locked, name) for name in fields}
        audit.record(actor=actor, action="carrier.reclassified", target=locked,
                     details={**(details or {}), "before": before, "after": after, "reason": reason,
                              "basis": basis_facts(locked)})
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


# --- the list of secret matters and the classifiers (kept by the secrecy office) ------------------


def _check_may_manage_basis(actor):
    if not access.can(actor, policy.MANAGE_CLASSIFICATION):
        raise Refused(_("Only the secrecy office keeps the list of secret matters and the classifiers."))
    return actor.person


def add_matter_item(
    *, actor, code: str, title_zh: str, title_en: str, level: int, secrecy_years: int | None = None,
) -> SecretMatterItem:
    person = _check_may_manage_basis(actor)
    enforce([
        None if code.strip() else Violation(_("Give the item number."), field="code", code="required"),
        None if title_zh.strip() else Violation(_("Say what matter it covers."), field="title_zh", code="required"),
        rules.level_within_clearance(level=level, clearance=person.clearance),
        None if secrecy_years is None or 0 < secrecy_years <= rules.max_secrecy_years(level) else Violation(
            _("The period is longer than the statutory maximum for this level."), field="secrecy_years"),
        None if not SecretMatterItem.objects.filter(unit_id=person.unit_id, code=code.strip()).exists() else Violation(
            _("Your unit's list already has an item with this number."), field="code", code="duplicate"),
    ])
    with transaction.atomic():
        item = SecretMatterItem.objects.create(
            unit_id=person.unit_id, code=code.strip(), title_zh=title_zh.strip(), title_en=title_en.strip(),
            level=level, secrecy_years=secrecy_years, created_by=actor,
        )
        audit.record(actor=actor, action="classification.item_added", target=item, details={
            "code": item.code, "title_zh": item.title_zh, "title_en": item.title_en, "level": level,
            "secrecy_years": secrecy_years,
        })
    return item


def retire_matter_item(*, actor, item_id: int, reason: str) -> SecretMatterItem:
    person = _check_may_manage_basis(actor)
    enforce([None if reason.strip() else Violation(_("Give the reason."), field="reason", code="required")])
    with transaction.atomic():
        item = SecretMatterItem.objects.select_for_update().filter(pk=item_id, unit_id=person.unit_id).first()
        if item is None or not access.can(actor, access.VIEW, item):
            from django.http import Http404

            raise Http404
        if not item.is_active:
            raise Conflict(_("This item is no longer in force."), code="item_retired")
        item.is_active = False
        item.save(update_fields=["is_active"])
        audit.record(actor=actor, action="classification.item_retired", target=item,
                     details={"code": item.code, "reason": reason.strip()})
    return item


def designate_classifier(*, actor, user, max_level: int, reference: str = "") -> Classifier:
    """The secrecy office records a person designated as classifier (定密责任人) and the highest level
    of their authority: a registered, active person of the unit, cleared for that level."""
    from personnel.models import Person

    person = _check_may_manage_basis(actor)
    designee = Person.objects.filter(user_id=user.pk).first()
    enforce([
        None if designee is not None and designee.unit_id == person.unit_id and designee.status == "active"
        and user.is_active else Violation(_("Designate an active person of your unit."), field="user",
                                          code="not_of_unit"),
        None if designee is None or designee.clearance >= max_level else Violation(
            _("A classifier's authority never reaches above their own clearance."), field="max_level",
            code="above_clearance"),
    ])
    with transaction.atomic():
        current = Classifier.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
        now = timezone.now()
        if current is not None:  # a new designation replaces the one in force
            current.revoked_at = now
            current.save(update_fields=["revoked_at"])
        designation = Classifier.objects.create(unit_id=person.unit_id, user=user, max_level=max_level,
                                                reference=reference.strip(), designated_by=actor, designated_at=now)
        audit.record(actor=actor, action="classification.classifier_designated", target=designation, details={
            "user": user.pk, "max_level": max_level, "reference": designation.reference,
            "replaces": current.pk if current else None,
        })
    return designation


def revoke_classifier(*, actor, designation_id: int, reason: str, password: str) -> Classifier:
    """The secrecy office ends a person's authority to classify, with a reason, and signs it
    (password, and one-time code if enrolled; decision 0025): what they classified before stays
    classified on their authority of that day, nothing new may name them. Refusals that need no
    password first (403, 404, 409, the reason), then the signature, then the row lock and the
    checks again under it."""
    from django.http import Http404

    person = _check_may_manage_basis(actor)
    designation = Classifier.objects.filter(pk=designation_id, unit_id=person.unit_id).first()
    if designation is None:
        raise Http404
    if designation.revoked_at is not None:
        raise Conflict(_("This designation was already revoked."), code="classifier_revoked")
    enforce([None if reason.strip() else Violation(_("Give the reason."), field="reason", code="required")])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        designation = Classifier.objects.select_for_update().filter(pk=designation_id, unit_id=person.unit_id).first()
        if designation is None:
            raise Http404
        if designation.revoked_at is not None:
            raise Conflict(_("This designation was already revoked."), code="classifier_revoked")
        content = {"designation": designation.pk, "user": designation.user_id, "max_level": designation.max_level,
                   "reference": designation.reference, "reason": reason.strip()}
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED,
                               target=designation, content=content)
        designation.revoked_at = signature.signed_at
        designation.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="classification.classifier_revoked", target=designation,
                     details={"user": designation.user_id, "reason": reason.strip(), "signature": signature.pk})
    return designation
