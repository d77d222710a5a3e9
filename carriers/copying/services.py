"""Every write of the copying stage (R4). One function per action, keyword-only arguments, one
transaction, the rules checked first, the audit events written inside the same transaction.

- Licences: the secrecy office records which of its units and departments are licensed to copy
  (and which are confidential departments that may copy coded telegrams).
- Copying: a copy request goes to the issuing authority for approval (approvals.submit_request,
  kind "copying", authority_unit = the source's originating unit); the secrecy office of a licensed
  unit carries it out once, registering each copy as a carrier in its own right through the core's
  one registration path, with the original's level, period and scope and the original as source.
- Derivations: an extract or quotation is registered at once; a compilation is approved first
  (kind "compilation") and then made. Either way the derived carrier's level and period are never
  below those of its sources (rules.derived_not_lower)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import kit
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.holds.rules import refuse_if_held
from carriers.models import Carrier
from common import access
from common.errors import Conflict, Refused, ValidationFailed, Violation, enforce
from personnel.models import Person, Unit

from . import policy, rules, selectors
from .models import CopyLicence, CopyMade, CopyRequest, Derivation

# --- who may -------------------------------------------------------------------------------------


def check_may_manage_licences(actor) -> Person:
    if not policy.may_manage_licences(actor):
        raise Refused(_("Only the secrecy office records licences to copy."))
    return actor.person


def check_may_copy(actor) -> Person:
    if not policy.may_copy(actor):
        raise Refused(_("Only the secrecy office carries out copying."))
    return actor.person


def check_may_register_derived(actor) -> Person:
    if not policy.may_make_extract(actor):
        raise Refused(_("Only the secrecy office registers extracts and compilations."))
    return actor.person


def _person(actor) -> Person:
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    return person


# --- licences ------------------------------------------------------------------------------------


def record_licence(
    *, actor, unit: Unit, licensed_on: date, granted_by: str, licensed: bool = True, valid_until: date | None = None,
    licence_number: str = "", may_copy_coded_telegrams: bool = False, note: str = "",
) -> CopyLicence:
    """Record that a unit or department of the actor's unit is (or, with licensed off, no longer
    is) licensed to copy state secret carriers. The latest record of a unit is its licence now."""
    person = check_may_manage_licences(actor)
    enforce([
        None if unit.pk == person.unit_id or unit.parent_id == person.unit_id
        else Violation(_("Record licences only for your own unit and its departments."), field="unit",
                       code="licence_unit"),
        None if valid_until is None or valid_until >= licensed_on
        else Violation(_("The validity ends before it starts."), field="valid_until", code="period_invalid"),
        None if granted_by.strip()
        else Violation(_("Say which authority granted the licence."), field="granted_by", code="required"),
    ])
    with transaction.atomic():
        licence = CopyLicence.objects.create(
            unit=unit, licensed=licensed, licensed_on=licensed_on, valid_until=valid_until,
            licence_number=licence_number, may_copy_coded_telegrams=may_copy_coded_telegrams, granted_by=granted_by,
            note=note, recorded_by=actor,
        )
        audit.record(
            actor=actor, action="copying.licence_recorded", target=licence,
            details={"unit": unit.pk, "licensed": licensed, "licensed_on": licensed_on, "valid_until": valid_until,
                     "licence_number": licence_number, "may_copy_coded_telegrams": may_copy_coded_telegrams,
                     "granted_by": granted_by, "note": note},
        )
    return licence


# --- terms ---------------------------------------------------------------------------------------


def terms_of_carrier(carrier: Carrier) -> rules.Terms:
    return rules.Terms(
        level=carrier.level, period_start=carrier.period_start, secrecy_years=carrier.secrecy_years,
        secrecy_months=carrier.secrecy_months, condition=carrier.declassification_condition,
        expires_on=carrier.expires_on, label=carrier.registry_number,
    )


def requested_terms(
    *, sources: list[rules.Terms], level: int | None = None, secrecy_years: int | None = None,
    secrecy_months: int | None = None, declassification_condition: str = "", period_start: date | None = None,
) -> rules.Terms:
    """The derived carrier's terms: what is set, and the sources' (rules.inherited) for the rest.
    A period given replaces the inherited one (from the inherited start unless a start is given);
    the condition given, or else the sources' conditions."""
    base = rules.inherited(sources)
    if secrecy_years is None and secrecy_months is None:
        years, months = base.secrecy_years, base.secrecy_months
    else:
        years, months = secrecy_years, secrecy_months
    start = period_start or base.period_start
    condition = (declassification_condition or "").strip() or base.condition
    try:
        expires_on = carrier_rules.expiry(start=start, years=years, months=months)
    except (OverflowError, ValueError):  # a start near year 9999 (refused anyway: it is in the future)
        expires_on = date.max
    return rules.Terms(
        level=level if level is not None else base.level, period_start=start, secrecy_years=years,
        secrecy_months=months, condition=condition, expires_on=expires_on,
    )


def preview_terms(
    *, actor, sources: list[Carrier], kind: str = "extract", carrier_kind: str = "paper", medium: str = "",
    **requested,
) -> tuple[rules.Terms, list[Violation]]:
    """The terms a derived carrier would get and what the rules would say, without writing."""
    source_terms = [terms_of_carrier(c) for c in sources]
    if not source_terms:
        return None, [Violation(_("Name at least one source carrier."), field="sources", code="no_sources")]
    terms = requested_terms(sources=source_terms, **requested)
    problems = [
        rules.sources_given(count=len(sources), distinct=len({c.pk for c in sources}), kind=kind),
        rules.sources_exist(statuses={c.registry_number: c.status for c in sources}),
        *carrier_rules.medium_fits_kind(kind=carrier_kind, medium=medium, is_coded_telegram=False),
        *_terms_violations(actor, terms, source_terms),
    ]
    return terms, [v for v in problems if v is not None]


def _terms_violations(actor, terms: rules.Terms, source_terms: list[rules.Terms]) -> list:
    return [
        *rules.derived_not_lower(derived=terms, sources=source_terms),
        *carrier_rules.secrecy_period(level=terms.level, years=terms.secrecy_years, months=terms.secrecy_months,
                                      condition=terms.condition),
        carrier_rules.period_start_not_future(start=terms.period_start, today=timezone.localdate()),
        carrier_rules.level_within_clearance(level=terms.level, clearance=access.clearance_of(actor)),
    ]


def _marking(terms: rules.Terms) -> tuple[str, str]:
    return carrier_rules.marking(level=terms.level, years=terms.secrecy_years, months=terms.secrecy_months,
                                 condition=terms.condition)


def _visible_sources(actor, sources, *, field: str = "sources") -> list[Carrier]:
    """The sources, locked, each one the actor may see (an invisible one is as if it did not exist)."""
    ids = [c.pk for c in sources]
    visible = set(access.restrict(Carrier.objects.filter(pk__in=ids), actor).values_list("pk", flat=True))
    if set(ids) - visible:
        raise ValidationFailed({field: [_("One of these carriers does not exist.")]})
    locked = {c.pk: c for c in Carrier.objects.select_for_update().filter(pk__in=ids)}
    refuse_if_held(locked.values(), field=field)  # a held carrier is not copied, extracted or compiled
    return [locked[pk] for pk in ids]


# --- copying -------------------------------------------------------------------------------------


def authority_of(source: Carrier) -> Unit:
    """The issuing authority that approves copying: the unit that originated the carrier (in this
    registry), else the unit that registered it; for a copy, the authority of its original."""
    made = CopyMade.objects.filter(carrier_id=source.pk).select_related("request__authority_unit").first()
    if made is not None:
        return made.request.authority_unit
    return source.originating_unit or source.unit


def submit_copy_request(*, actor, source: Carrier, copies: int, purpose: str) -> CopyRequest:
    """Ask to copy a carrier: the issuing authority approves (policy "copying" at the source's
    level; its unit head and secrecy office steps are the source's originating unit's)."""
    person = _person(actor)
    enforce([
        rules.copies_requested(copies=copies),
        None if purpose.strip() else Violation(_("Say what the copies are for."), field="purpose", code="required"),
    ])
    with transaction.atomic():
        (source,) = _visible_sources(actor, [source], field="source")
        enforce([rules.sources_exist(statuses={source.registry_number: source.status}, field="source")])
        authority = authority_of(source)
        request = CopyRequest.objects.create(
            unit_id=person.unit_id, department_id=person.department_id, requester=actor, source=source,
            level=source.level, copies=copies, purpose=purpose, authority_unit=authority,
        )
        audit.record(actor=actor, action="copying.requested", target=request, details=copy_terms_of(request))
        title = _("Copy %(number)s × %(copies)d: %(title)s") % {
            "number": source.registry_number, "copies": copies, "title": source.title}
        request.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.COPYING, level=source.level, title=title[:300], purpose=purpose,
            target=request, authority_unit=authority, approved_quantity=copies,
        )
        request.save(update_fields=["approval"])
    return request


def copy_terms_of(request: CopyRequest) -> dict:
    """What the issuing authority signs: which carrier, how many copies, for what."""
    source = request.source
    return {
        "copy_request": request.pk, "source": source.registry_number, "source_id": source.pk,
        "level": source.level, "expires_on": source.expires_on, "declassification_condition":
            source.declassification_condition, "is_coded_telegram": source.is_coded_telegram,
        "copies": request.copies, "purpose": request.purpose, "authority_unit": request.authority_unit_id,
    }


# the approval's final outcome, mirrored on the copy request (inside its transaction), and the
# terms the issuing authority signs
approvals.OUTCOME_HANDLERS[RequestKind.COPYING] = kit.hand_off(
    CopyRequest, action="copying.request_decided",
    details=lambda approval: {"approved_quantity": approval.approved_quantity},
)
approvals.SIGNED_TERMS[RequestKind.COPYING] = kit.signed_terms(CopyRequest, copy_terms_of)


def licence_of(person: Person) -> rules.LicenceFacts | None:
    record = selectors.licence_in_force(person=person)
    if record is None:
        return None
    return rules.LicenceFacts(licensed=record.licensed, licensed_on=record.licensed_on,
                              valid_until=record.valid_until, may_copy_coded_telegrams=record.may_copy_coded_telegrams)


def execute_copy_request(
    *, actor, password: str, request_id: int, container, quantity: int | None = None,
) -> CopyRequest:
    """Carry out an approved copy request, once, in a licensed unit: the approval is used up and
    each copy is registered (audited and signed) as a carrier in its own right: new copy numbers
    000001.., the original's level, period start and length (so the same end date), condition and
    distribution scope, the original as its source, the actor as accountable holder. Refused
    (nothing written): an unlicensed unit, a coded telegram outside a confidential department, no
    approval or one used up, more copies than approved."""
    person = check_may_copy(actor)
    selectors.copy_request_get(user=actor, pk=request_id)
    today = timezone.localdate()
    with transaction.atomic():
        request = CopyRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        approval = ApprovalRequest.objects.filter(pk=request.approval_id).first()
        source = Carrier.objects.select_for_update().get(pk=request.source_id)
        refuse_if_held([source])  # held since the copy was approved
        licence = licence_of(person)
        approved = (approval.approved_quantity if approval and approval.approved_quantity else request.copies)
        quantity = approved if quantity is None else quantity
        enforce([
            None if request.unit_id == person.unit_id
            else Violation(_("Copies are made by the secrecy office of the requesting unit."), code="other_unit",
                           kind="refused"),
            rules.copy_approved(request_status=request.status, approval_status=approval.status if approval else None,
                                consumed=bool(approval and approval.consumed_at)),
        ])
        enforce([
            rules.unit_licensed(licence=licence, today=today),
            rules.coded_telegram_copy(is_coded_telegram=source.is_coded_telegram, licence=licence),
            rules.copy_quantity(quantity=quantity, approved=approved),
            carrier_rules.level_within_clearance(level=source.level, clearance=person.clearance),
            rules.sources_exist(statuses={source.registry_number: source.status}, field="source"),
            carrier_rules.container_may_hold(container=container, level=source.level, unit_id=person.unit_id),
        ])
        credential = audit.reauthenticate(signer=actor, password=password)
        approvals.consume(actor=actor, request=approval, quantity=quantity, today=today)
        scope = dict(
            scope_departments=list(source.scope_departments.all()), scope_people=list(source.scope_people.all()),
            scope_units=list(source.scope_units.all()),
        )
        made = []
        for number in rules.copy_numbers(count=quantity):
            copy = carrier_services._register(
                actor=actor, credential=credential, kind=source.kind, medium=source.medium,
                is_coded_telegram=source.is_coded_telegram, title=source.title,
                document_number=source.document_number, originator=source.originator,
                originating_unit=source.originating_unit, level=source.level, secrecy_years=source.secrecy_years,
                secrecy_months=source.secrecy_months, declassification_condition=source.declassification_condition,
                period_start=source.period_start, container=container, copy_number=number, copies_total=quantity,
                sources=[source], **scope,
            )
            enforce([rules.copy_keeps_terms(copy=terms_of_carrier(copy), source=terms_of_carrier(source))])
            made.append(copy)
        try:
            with transaction.atomic():
                CopyMade.objects.bulk_create(
                    CopyMade(request=request, carrier=c, copy_number=c.copy_number) for c in made
                )
        except IntegrityError:
            raise Conflict(_("This copy request has already been carried out."), code="already_copied") from None
        request.status = CopyRequest.Status.EXECUTED
        request.executed_by = actor
        request.executed_at = timezone.now()
        request.container = container
        request.save(update_fields=["status", "executed_by", "executed_at", "container"])
        audit.record(
            actor=actor, action="copying.executed", target=request,
            details={"source": source.registry_number, "approval": approval.pk, "copies_made": quantity,
                     "container": container.pk, "carriers": [[c.copy_number, c.registry_number] for c in made]},
        )
    return request


# --- extracts and compilations ------------------------------------------------------------------


def _derivation_fields(person: Person, terms: rules.Terms, **fields) -> dict:
    marking_zh, marking_en = _marking(terms)
    return dict(
        unit_id=person.unit_id, department_id=person.department_id, level=terms.level,
        secrecy_years=terms.secrecy_years, secrecy_months=terms.secrecy_months,
        declassification_condition=terms.condition, period_start=terms.period_start, expires_on=terms.expires_on,
        marking_zh=marking_zh, marking_en=marking_en, **fields,
    )


def _check_derivation(actor, *, kind, sources, title, purpose, carrier_kind, medium, requested) -> rules.Terms:
    enforce([
        rules.sources_given(count=len(sources), distinct=len({c.pk for c in sources}), kind=kind),
        None if title.strip() else Violation(_("Give the title."), field="title", code="required"),
        None if purpose.strip() else Violation(_("Say what it is for."), field="purpose", code="required"),
        *carrier_rules.medium_fits_kind(kind=carrier_kind, medium=medium, is_coded_telegram=False),
    ])
    enforce([rules.sources_exist(statuses={c.registry_number: c.status for c in sources})])
    source_terms = [terms_of_carrier(c) for c in sources]
    terms = requested_terms(sources=source_terms, **requested)
    enforce(_terms_violations(actor, terms, source_terms))
    return terms


def common_scope(sources) -> dict:
    """The distribution scope a derived carrier takes: what every source's scope shares (who may
    know every source may know what was derived from them)."""
    scope = {}
    for name in ("scope_departments", "scope_people", "scope_units"):
        shared = None
        for source in sources:
            ids = {obj.pk: obj for obj in getattr(source, name).all()}
            shared = ids if shared is None else {pk: obj for pk, obj in shared.items() if pk in ids}
        scope[name] = list((shared or {}).values())
    return scope


def _register_derived(actor, credential, derivation: Derivation, sources, container, person: Person) -> Carrier:
    unit = person.department or person.unit
    return carrier_services._register(**common_scope(sources),
        actor=actor, credential=credential, kind=derivation.carrier_kind, medium=derivation.medium,
        title=derivation.title, originator=unit.name_zh, originating_unit=person.unit, level=derivation.level,
        secrecy_years=derivation.secrecy_years, secrecy_months=derivation.secrecy_months,
        declassification_condition=derivation.declassification_condition, period_start=derivation.period_start,
        container=container, sources=list(sources),
    )


def derivation_terms_of(derivation: Derivation) -> dict:
    return {
        "derivation": derivation.pk, "kind": derivation.kind, "title": derivation.title,
        "sources": sorted(derivation.sources.values_list("registry_number", flat=True)),
        "carrier_kind": derivation.carrier_kind, "medium": derivation.medium, "level": derivation.level,
        "secrecy_years": derivation.secrecy_years, "secrecy_months": derivation.secrecy_months,
        "declassification_condition": derivation.declassification_condition,
        "period_start": derivation.period_start, "expires_on": derivation.expires_on,
        "marking_zh": derivation.marking_zh, "marking_en": derivation.marking_en, "purpose": derivation.purpose,
    }


def make_extract(
    *, actor, password: str, sources: list[Carrier], title: str, purpose: str, container, carrier_kind: str = "paper",
    medium: str = "", level: int | None = None, secrecy_years: int | None = None, secrecy_months: int | None = None,
    declassification_condition: str = "", period_start: date | None = None,
) -> Derivation:
    """Register an extract or quotation from one or more carriers as a derived carrier: at least
    the highest level of its sources, a period ending no earlier than the latest of theirs, their
    declassification conditions kept. A higher level or a later end may be set; anything lower is
    refused with the reason (400, field errors), nothing written."""
    person = check_may_register_derived(actor)
    requested = dict(level=level, secrecy_years=secrecy_years, secrecy_months=secrecy_months,
                     declassification_condition=declassification_condition, period_start=period_start)
    with transaction.atomic():
        sources = _visible_sources(actor, sources)
        terms = _check_derivation(actor, kind=Derivation.Kind.EXTRACT, sources=sources, title=title, purpose=purpose,
                                  carrier_kind=carrier_kind, medium=medium, requested=requested)
        enforce([carrier_rules.container_may_hold(container=container, level=terms.level, unit_id=person.unit_id)])
        credential = audit.reauthenticate(signer=actor, password=password)
        derivation = Derivation.objects.create(**_derivation_fields(
            person, terms, kind=Derivation.Kind.EXTRACT, requester=actor, title=title, purpose=purpose,
            carrier_kind=carrier_kind, medium=medium, status=Derivation.Status.SUBMITTED,
        ))
        derivation.sources.set(sources)
        carrier = _register_derived(actor, credential, derivation, sources, container, person)
        _finish_made(derivation, carrier, actor, sources, action="copying.extract_made")
    return derivation


def _finish_made(derivation: Derivation, carrier: Carrier, actor, sources, *, action: str) -> None:
    enforce(rules.derived_not_lower(derived=terms_of_carrier(carrier), sources=[terms_of_carrier(c) for c in sources]))
    derivation.carrier = carrier
    derivation.status = Derivation.Status.MADE
    derivation.made_by = actor
    derivation.made_at = timezone.now()
    derivation.save(update_fields=["carrier", "status", "made_by", "made_at"])
    audit.record(actor=actor, action=action, target=derivation,
                 details={**derivation_terms_of(derivation), "carrier": carrier.registry_number})


def submit_compilation(
    *, actor, parts: list[Carrier], title: str, purpose: str, carrier_kind: str = "paper", medium: str = "",
    level: int | None = None, secrecy_years: int | None = None, secrecy_months: int | None = None,
    declassification_condition: str = "", period_start: date | None = None,
) -> Derivation:
    """Ask to compile several carriers into one: the compilation takes the highest level and the
    latest end of its parts (or higher/later, never lower) and goes for approval (policy
    "compilation") before it may be made."""
    person = _person(actor)
    requested = dict(level=level, secrecy_years=secrecy_years, secrecy_months=secrecy_months,
                     declassification_condition=declassification_condition, period_start=period_start)
    with transaction.atomic():
        parts = _visible_sources(actor, parts)
        terms = _check_derivation(actor, kind=Derivation.Kind.COMPILATION, sources=parts, title=title,
                                  purpose=purpose, carrier_kind=carrier_kind, medium=medium, requested=requested)
        derivation = Derivation.objects.create(**_derivation_fields(
            person, terms, kind=Derivation.Kind.COMPILATION, requester=actor, title=title, purpose=purpose,
            carrier_kind=carrier_kind, medium=medium,
        ))
        derivation.sources.set(parts)
        audit.record(actor=actor, action="copying.compilation_requested", target=derivation,
                     details=derivation_terms_of(derivation))
        derivation.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.COMPILATION, level=terms.level, title=title, purpose=purpose,
            target=derivation, approved_quantity=1,
        )
        derivation.save(update_fields=["approval"])
    return derivation


approvals.OUTCOME_HANDLERS[RequestKind.COMPILATION] = kit.hand_off(Derivation, action="copying.compilation_decided")
approvals.SIGNED_TERMS[RequestKind.COMPILATION] = kit.signed_terms(Derivation, derivation_terms_of)


def make_compilation(*, actor, password: str, derivation_id: int, container) -> Derivation:
    """Make an approved compilation, once: the approval is used up and the compiled carrier is
    registered with the approved terms and its parts as sources. Without approval: refused."""
    person = check_may_register_derived(actor)
    selectors.derivation_get(user=actor, pk=derivation_id)
    today = timezone.localdate()
    with transaction.atomic():
        derivation = Derivation.objects.select_for_update(of=("self",)).get(pk=derivation_id)
        if derivation.kind != Derivation.Kind.COMPILATION:
            raise Conflict(_("Only a compilation is made after approval; an extract is made at once."),
                           code="not_compilation")
        approval = ApprovalRequest.objects.filter(pk=derivation.approval_id).first()
        enforce([
            None if derivation.unit_id == person.unit_id
            else Violation(_("A compilation is made by the secrecy office of the requesting unit."),
                           code="other_unit", kind="refused"),
            rules.compilation_approved(status=derivation.status, approval_status=approval.status if approval else None),
        ])
        parts = list(Carrier.objects.select_for_update().filter(pk__in=derivation.sources.values("pk")).order_by("pk"))
        refuse_if_held(parts)  # held since the compilation was approved
        terms = rules.Terms(
            level=derivation.level, period_start=derivation.period_start, secrecy_years=derivation.secrecy_years,
            secrecy_months=derivation.secrecy_months, condition=derivation.declassification_condition,
            expires_on=derivation.expires_on,
        )
        enforce([rules.sources_exist(statuses={c.registry_number: c.status for c in parts})])
        enforce([
            # the parts as they are now (a part's level may have been raised since the approval)
            *rules.derived_not_lower(derived=terms, sources=[terms_of_carrier(c) for c in parts]),
            carrier_rules.level_within_clearance(level=terms.level, clearance=person.clearance),
            carrier_rules.container_may_hold(container=container, level=terms.level, unit_id=person.unit_id),
        ])
        credential = audit.reauthenticate(signer=actor, password=password)
        approvals.consume(actor=actor, request=approval, quantity=1, today=today)
        carrier = _register_derived(actor, credential, derivation, parts, container, person)
        _finish_made(derivation, carrier, actor, parts, action="copying.compilation_made")
    return derivation

