"""Every write of the production stage (R1). One function per action, keyword-only arguments, one
transaction, the rules checked first, the audit events written inside the same transaction.

A production request goes through approval (approvals.submit_request, kind "production"); the
approver signs its terms (level, period, marking, copies, place, scope: approvals.SIGNED_TERMS).
The secrecy office then runs it once: the approval is used up, exactly the approved number of
copies is registered (each audited and signed through carriers' one registration path), and the
intermediate materials of the run are registered as carriers of the run, kept or destroyed."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import kit
from approvals import rules as approval_rules
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from audit.models import AuditEvent, Signature
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.models import Carrier, Disposition
from common import access
from common.errors import Conflict, Refused, Violation, enforce
from personnel.models import Person, Unit

from . import policy, rules
from .models import Enterprise, ProductionPlace, ProductionRequest, ProductionRun

# --- production places and outside enterprises ---------------------------------------------------


def check_may_manage_sites(actor) -> Person:
    if not policy.may_manage_sites(actor):
        raise Refused(_("Only the secrecy office registers production places and outside enterprises."))
    return actor.person


def check_may_run(actor) -> None:
    if not policy.may_run(actor):
        raise Refused(_("Only the secrecy office carries out production and registers its intermediate materials."))


def check_may_register_intermediate(actor) -> None:
    if not policy.may_register_intermediate(actor):
        raise Refused(_("Only the secrecy office carries out production and registers its intermediate materials."))


def refuse_not_produced():
    raise Conflict(_("This request has not been produced yet: it has no run."), code="not_produced")


def create_place(
    *, actor, name_zh: str, name_en: str, max_level: int, valid_from, valid_until, approval_reference: str = "",
    location: str = "",
) -> ProductionPlace:
    """Register a production place of the actor's unit with its approval and validity."""
    person = check_may_manage_sites(actor)
    enforce([
        None if valid_until >= valid_from
        else Violation(_("The validity ends before it starts."), field="valid_until", code="period_invalid"),
    ])
    with transaction.atomic():
        place = ProductionPlace.objects.create(
            unit_id=person.unit_id, name_zh=name_zh, name_en=name_en, approval_reference=approval_reference,
            max_level=max_level, valid_from=valid_from, valid_until=valid_until, location=location,
        )
        audit.record(
            actor=actor, action="production.place_created", target=place,
            details={"unit": person.unit_id, "name_zh": name_zh, "name_en": name_en, "max_level": max_level,
                     "approval_reference": approval_reference, "valid_from": valid_from,
                     "valid_until": valid_until, "location": location},
        )
    return place


def create_enterprise(
    *, actor, name: str, licence_number: str = "", licensed_level: int | None = None, licence_valid_until=None,
    is_individual: bool = False,
) -> Enterprise:
    """Record an outside enterprise and its licence. An unlicensed one or a self-employed
    individual may be recorded, but production is never entrusted to them."""
    person = check_may_manage_sites(actor)
    with transaction.atomic():
        enterprise = Enterprise.objects.create(
            unit_id=person.unit_id, name=name, licence_number=licence_number, licensed_level=licensed_level,
            licence_valid_until=licence_valid_until, is_individual=is_individual,
        )
        audit.record(
            actor=actor, action="production.enterprise_created", target=enterprise,
            details={"unit": person.unit_id, "name": name, "licence_number": licence_number,
                     "licensed_level": licensed_level, "licence_valid_until": licence_valid_until,
                     "is_individual": is_individual},
        )
    return enterprise


# --- where: the rules for a place or an enterprise, at submission and again at the run -----------


def _where_violations(*, place, enterprise, level: int, unit_id: int, today) -> list:
    problems = [rules.place_xor_enterprise(has_place=place is not None, has_enterprise=enterprise is not None)]
    if place is not None:
        problems.append(rules.place_approved(
            approval_reference=place.approval_reference, is_active=place.is_active, max_level=place.max_level,
            valid_from=place.valid_from, valid_until=place.valid_until, same_unit=place.unit_id == unit_id,
            level=level, today=today,
        ))
    if enterprise is not None:
        problems.append(
            None if enterprise.unit_id == unit_id
            else Violation(_("This enterprise is registered by another unit."), field="enterprise", code="enterprise_unit")
        )
        problems.append(rules.enterprise_licensed(
            is_individual=enterprise.is_individual, licence_number=enterprise.licence_number,
            licensed_level=enterprise.licensed_level, licence_valid_until=enterprise.licence_valid_until,
            is_active=enterprise.is_active, level=level, today=today,
        ))
    return problems


# --- the request and its approval ---------------------------------------------------------------


def submit_production_request(
    *, actor, title: str, kind: str, level: int, copies: int, purpose: str, medium: str = "",
    secrecy_years: int | None = None, secrecy_months: int | None = None, declassification_condition: str = "",
    scope_departments=(), scope_people=(), scope_units=(), place=None, enterprise=None,
) -> ProductionRequest:
    """Ask to produce a classified document or article. Level, period (the statutory longest
    when none is given), marking, copies, place and scope are fixed here; the approval request
    carries the copies as its quantity and the approver signs all of them."""
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    scope_departments, scope_people, scope_units = list(scope_departments), list(scope_people), list(scope_units)
    enforce([
        approval_rules.requester_cleared(clearance=person.clearance, level=level),
        *carrier_rules.secrecy_period(
            level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
        ),
        *carrier_rules.medium_fits_kind(kind=kind, medium=medium, is_coded_telegram=False),
        rules.copies_requested(copies=copies),
        *_where_violations(place=place, enterprise=enterprise, level=level, unit_id=person.unit_id,
                           today=timezone.localdate()),
        carrier_rules.scope_within_unit(
            department_unit_ids=[d.parent_id for d in scope_departments], unit_id=person.unit_id
        ),
        _scope_people_in_unit(scope_people, person.unit_id),
        _scope_units_valid(scope_units, person.unit_id),
    ])
    secrecy_years = carrier_rules.default_period_years(
        level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
    )
    marking_zh, marking_en = carrier_rules.marking(
        level=level, years=secrecy_years, months=secrecy_months, condition=declassification_condition
    )
    with transaction.atomic():
        production = ProductionRequest.objects.create(
            unit_id=person.unit_id, department_id=person.department_id, requester=actor, title=title, kind=kind,
            medium=medium, level=level, secrecy_years=secrecy_years, secrecy_months=secrecy_months,
            declassification_condition=declassification_condition, marking_zh=marking_zh, marking_en=marking_en,
            copies=copies, purpose=purpose, place=place, enterprise=enterprise,
        )
        production.scope_departments.set(scope_departments)
        production.scope_people.set(scope_people)
        production.scope_units.set(scope_units)
        audit.record(actor=actor, action="production.requested", target=production, details=terms_of(production))
        production.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.PRODUCTION, level=level, title=title, purpose=purpose, target=production,
            approved_quantity=copies,
        )
        production.save(update_fields=["approval"])
    return production


def _scope_people_in_unit(users, unit_id: int) -> Violation | None:
    ids = [u.pk for u in users]
    inside = set(Person.objects.filter(user_id__in=ids, unit_id=unit_id).values_list("user_id", flat=True))
    if set(ids) - inside:
        return Violation(_("The distribution scope may name only people of this unit."), field="scope_people")
    return None


def _scope_units_valid(units, unit_id: int) -> Violation | None:
    if any(u.kind != Unit.Kind.UNIT or u.pk == unit_id for u in units):
        return Violation(
            _("Other units in the distribution scope must be units other than this one."), field="scope_units"
        )
    return None


def terms_of(production: ProductionRequest) -> dict:
    """What the approver signs and the run must follow: JSON-plain values only, so that the terms
    read back from the audit trail compare equal."""
    return {
        "production_request": production.pk,
        "title": production.title,
        "kind": production.kind,
        "medium": production.medium,
        "level": production.level,
        "secrecy_years": production.secrecy_years,
        "secrecy_months": production.secrecy_months,
        "declassification_condition": production.declassification_condition,
        "marking_zh": production.marking_zh,
        "marking_en": production.marking_en,
        "copies": production.copies,
        "place": production.place_id,
        "enterprise": production.enterprise_id,
        "scope_departments": sorted(production.scope_departments.values_list("pk", flat=True)),
        "scope_people": sorted(production.scope_people.values_list("pk", flat=True)),
        "scope_units": sorted(production.scope_units.values_list("pk", flat=True)),
    }


# the approval's final outcome, mirrored on the production request (inside its transaction), and
# the terms its approvers sign
approvals.OUTCOME_HANDLERS[RequestKind.PRODUCTION] = kit.hand_off(
    ProductionRequest, action="production.request_decided",
    details=lambda approval: {"approved_quantity": approval.approved_quantity},
)
approvals.SIGNED_TERMS[RequestKind.PRODUCTION] = kit.signed_terms(ProductionRequest, terms_of)


def _terms_as_signed(production: ProductionRequest) -> Violation | None:
    """Every approving signature covers exactly the terms the run is about to follow: the decision
    events hold the signed content, their hash must match the signature, their terms the request."""
    current = terms_of(production)
    events = list(AuditEvent.objects.filter(
        target_type="approvals.approvalrequest", target_id=str(production.approval_id), action="approval.decided",
        details__outcome="approve",
    ))
    signatures = dict(Signature.objects.filter(pk__in=[e.details.get("signature") for e in events])
                      .values_list("pk", "content_hash"))
    ok = bool(events)
    for event in events:
        content = {k: v for k, v in event.details.items() if k not in ("signature", "acting_for")}
        ok = ok and signatures.get(event.details.get("signature")) == audit.content_hash(content)
        ok = ok and content.get("terms") == current
    if not ok:
        return Violation(
            _("The terms of this request differ from what the approver signed; nothing may be produced."),
            code="terms_not_signed", kind="conflict",
        )
    return None


# --- the run ------------------------------------------------------------------------------------


def _visible_request(actor, request_id) -> ProductionRequest:
    return kit.get_or_404(access.restrict(ProductionRequest.objects.all(), actor), request_id)


def run_production(*, actor, password: str, request_id: int, container, quantity: int | None = None) -> ProductionRun:
    """Carry out an approved request, once: use the approval up, register exactly the approved
    number of copies (copy numbers 000001..N), each with the signed level, period and marking, the
    approved scope, the actor as accountable holder and `container` as its place. A second run, a
    run without approval or more copies than approved: refused, nothing written."""
    check_may_run(actor)
    _visible_request(actor, request_id)
    today = timezone.localdate()
    person = actor.person
    with transaction.atomic():
        # the row lock makes two runs at once wait for each other: the second finds it produced (409)
        production = ProductionRequest.objects.select_for_update(of=("self",)).select_related(
            "place", "enterprise"
        ).get(pk=request_id)
        approval = ApprovalRequest.objects.filter(pk=production.approval_id).first()
        approved = (approval.approved_quantity if approval and approval.approved_quantity else production.copies)
        enforce([rules.production_approved(request_status=production.status,
                                           approval_status=approval.status if approval else None)])
        enforce([
            carrier_rules.level_within_clearance(level=production.level, clearance=person.clearance),
            rules.run_quantity(quantity=quantity, approved=approved),
            *_where_violations(place=production.place, enterprise=production.enterprise, level=production.level,
                               unit_id=production.unit_id, today=today),
            carrier_rules.container_may_hold(container=container, level=production.level, unit_id=person.unit_id),
            _terms_as_signed(production),
        ])
        credential = audit.reauthenticate(signer=actor, password=password)
        approvals.consume(actor=actor, request=approval, quantity=approved, today=today)
        try:
            with transaction.atomic():
                run = ProductionRun.objects.create(
                    request=production, run_by=actor, run_at=timezone.now(), container=container, copies_made=approved
                )
        except IntegrityError:
            raise Conflict(_("This request has already been produced."), code="already_produced") from None
        scope = dict(
            scope_departments=list(production.scope_departments.all()),
            scope_people=list(production.scope_people.all()),
            scope_units=list(production.scope_units.all()),
        )
        copies = [
            _register_of_run(actor=actor, credential=credential, production=production, run=run, container=container,
                             copy_number=number, copies_total=approved, today=today, **scope)
            for number in rules.copy_numbers(approved=approved)
        ]
        production.status = ProductionRequest.Status.PRODUCED
        production.save(update_fields=["status"])
        audit.record(
            actor=actor, action="production.run", target=run,
            details={"production_request": production.pk, "approval": approval.pk, "copies_made": approved,
                     "container": container.pk, "marking_zh": production.marking_zh,
                     "carriers": [[c.copy_number, c.registry_number] for c in copies]},
        )
    return run


def _register_of_run(*, actor, credential, production: ProductionRequest, run: ProductionRun, container, today,
                     title: str | None = None, copy_number: str = "", copies_total: int = 1, **extra) -> Carrier:
    """One carrier of the run through carriers' one registration path (audited and signed)."""
    unit = production.department or production.unit
    return carrier_services._register(
        actor=actor, credential=credential, kind=production.kind, medium=production.medium,
        title=title or production.title, originator=unit.name_zh, originating_unit=production.unit,
        level=production.level, secrecy_years=production.secrecy_years, secrecy_months=production.secrecy_months,
        declassification_condition=production.declassification_condition, period_start=today,
        container=container, copy_number=copy_number, copies_total=copies_total, production_run=run, **extra,
    )


# --- intermediate materials ---------------------------------------------------------------------


def _visible_run(actor, run_id) -> ProductionRun:
    return kit.get_or_404(access.restrict(ProductionRun.objects.select_related("request"), actor), run_id)


def register_intermediate(
    *, actor, password: str, run_id: int, intermediate_kind: str, disposition: str, description: str = "",
    container=None,
) -> Carrier:
    """Register a draft, revision, proof, negative, semi-finished product or waste of a run as a
    carrier of the run, at the run's level and marking and in its scope. Kept: in custody in a
    container like the final copies. To destroy: pending destruction, to be destroyed within
    settings.REGISTRY["INTERMEDIATE_DISPOSAL_DAYS"] days."""
    check_may_register_intermediate(actor)
    run = _visible_run(actor, run_id)
    production = run.request
    container = container or run.container
    person = actor.person
    today = timezone.localdate()
    enforce([
        *rules.intermediate_valid(kind=intermediate_kind, disposition=disposition, description=description),
        carrier_rules.level_within_clearance(level=production.level, clearance=person.clearance),
        carrier_rules.container_may_hold(container=container, level=production.level, unit_id=person.unit_id),
    ])
    credential = audit.reauthenticate(signer=actor, password=password)
    dispose_by = (
        today + timedelta(days=settings.REGISTRY["INTERMEDIATE_DISPOSAL_DAYS"])
        if disposition == Disposition.DESTROY else None
    )
    title = production.title
    if description:
        title = f"{production.title[: 300 - len(description) - 3]} · {description}"
    with transaction.atomic():
        carrier = _register_of_run(
            actor=actor, credential=credential, production=production, run=run, container=container, today=today,
            title=title, scope_departments=list(production.scope_departments.all()),
            scope_people=list(production.scope_people.all()), scope_units=list(production.scope_units.all()),
            intermediate_kind=intermediate_kind, disposition=disposition, dispose_by=dispose_by,
        )
        enforce([rules.intermediate_same_level(level=carrier.level, run_level=production.level)])
        if disposition == Disposition.DESTROY:
            carrier = carrier_services.transition(
                carrier=carrier, to_status=Carrier.Status.PENDING_DESTRUCTION, actor=actor,
                reason="intermediate material to destroy",
                details={"production_run": run.pk, "dispose_by": dispose_by},
            )
        audit.record(
            actor=actor, action="production.intermediate_registered", target=run,
            details={"carrier": carrier.registry_number, "intermediate_kind": intermediate_kind,
                     "disposition": disposition, "dispose_by": dispose_by, "description": description},
        )
    return carrier
