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
from common.errors import Refused, enforce

from . import rules
from .models import Carrier, Container, RegistryCounter


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
    credential = audit.reauthenticate(signer=actor, password=password)
    return _register(actor=actor, credential=credential, **fields)


def register_carriers_batch(*, actor, password: str, items: list[dict]) -> list[Carrier]:
    """Register a batch (e.g. a received consignment) in one transaction: the password is entered
    once for the batch and every carrier still gets its own registration signature."""
    _check_may_register(actor)
    for fields in items:
        _check_rules(actor, **fields)
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        return [_register(actor=actor, credential=credential, **fields) for fields in items]


def _check_may_register(actor) -> None:
    if not access.can(actor, access.REGISTER_CARRIER):
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
) -> Carrier:
    unit = actor.person.unit
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
        )
        carrier.scope_departments.set(scope_departments)
        carrier.scope_people.set(scope_people)
        facts = snapshot(carrier)
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
            details={**(details or {}), "from": locked.status, "to": to_status, "reason": reason},
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
