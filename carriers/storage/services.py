"""Every write of the storage stage (R6) and of the inventory check. One function per action,
keyword-only arguments, one transaction, the rules checked first, the audit events written inside
the same transaction.

- store_carrier: put a carrier into (or move it to) a container fit for its level; ends a
  temporary retention of it and resolves its alert at once.
- request_retention / start_retention: keeping a carrier outside a container by an individual,
  only with an approved `temporary_retention` request (reason, end date).
- create_archive / file_to_archives / accept_filing: filing to the archives is a "storage"
  handover to the archives keeper, accepted into the "archived" status.
- log_container_access: opened, closed, checked.
- open_inventory / confirm_seen / undo_seen / close_inventory: the inventory check (a scan can be
  taken back while it is open); closing needs two
  signatures of two different people; missing carriers become lost and each opens a loss
  incident."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import services as alerts
from approvals import kit
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from audit.models import Signature
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.models import Carrier, Container, Handover, HandoverItem
from common import access
from common.errors import Conflict, Refused, ValidationFailed, Violation, enforce
from personnel.models import Person, Unit

from . import policy, rules, selectors
from .checks import INVENTORY_OVERDUE, RETENTION_OVERDUE
from .models import (
    Archive,
    ContainerAccess,
    Filing,
    Inventory,
    InventoryLine,
    StorageEntry,
    TemporaryRetention,
)


def setting(name: str, default: int) -> int:
    return int(settings.REGISTRY.get(name, default))


def _person(actor) -> Person:
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can do this."))
    return person


def check_may_run_inventories(actor) -> Person:
    person = _person(actor)
    if not policy.may_run_inventories(actor):
        raise Refused(_("Only the secrecy office runs inventory checks."))
    return person


def check_may_manage_archives(actor) -> Person:
    person = _person(actor)
    if not policy.may_manage_archives(actor):
        raise Refused(_("Only the secrecy office registers the unit's archives."))
    return person


def _visible(model, actor, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    if not access.restrict(model.objects.filter(pk=pk), actor).exists():
        raise Http404
    return pk


def _end_retentions(carriers, *, actor, reason: str) -> list[int]:
    """Active retentions of these carriers end (they are back in a container); their alerts are
    resolved at once. Inside the caller's transaction."""
    ended = list(TemporaryRetention.objects.select_for_update().filter(
        carrier_id__in=[c.pk for c in carriers], status=TemporaryRetention.Status.ACTIVE))
    now = timezone.now()
    for retention in ended:
        retention.status = TemporaryRetention.Status.ENDED
        retention.ended_at = now
        retention.ended_by = actor
        retention.save(update_fields=["status", "ended_at", "ended_by"])
        alerts.resolve_for_target(kind=RETENTION_OVERDUE, target=retention, reason=reason)
        audit.record(actor=actor, action="retention.ended", target=retention,
                     details={"carrier": retention.carrier_id, "reason": reason})
    return [r.pk for r in ended]


# --- storing ----------------------------------------------------------------------------------


def store_carrier(*, actor, carrier_id, container, note: str = "") -> StorageEntry:
    """Put a carrier into a container, or move it to another one (R6: only a container fit for its
    level, of the holder's unit and in use). The holder or the secrecy office does it. A carrier
    kept outside on a temporary retention is back: the retention ends, its alert is resolved."""
    person = _person(actor)
    carrier_id = _visible(Carrier, actor, carrier_id)
    note = (note or "").strip()
    with transaction.atomic():
        carrier = Carrier.objects.select_for_update().get(pk=carrier_id)
        unit_id = policy.holder_unit_id(carrier)
        in_handover = HandoverItem.objects.filter(carrier=carrier, is_open=True).exists()
        same = container is not None and carrier.container_id == container.pk
        enforce([
            policy.store_refusal(actor, carrier, unit_id=unit_id),
            rules.storable(status=carrier.status, label=carrier.get_status_display(), in_handover=in_handover),
            carrier_rules.container_may_hold(container=container, level=carrier.level, unit_id=unit_id),
            rules.text_within(value=note, field="note"),
            Violation(_("This carrier is already kept in %(container)s.") % {"container": container.code},
                      field="container", code="already_there", kind="conflict") if same else None,
        ])
        now = timezone.now()
        ended = _end_retentions([carrier], actor=actor, reason=_("put back into %(container)s") % {"container": container.code})
        entry = StorageEntry.objects.create(
            carrier=carrier, from_container_id=carrier.container_id, to_container=container, unit_id=unit_id,
            level=carrier.level, stored_by=actor, stored_at=now, note=note,
            retention_id=ended[0] if ended else None,
        )
        Carrier.objects.filter(pk=carrier.pk).update(container=container, updated_at=now)
        audit.record(
            actor=actor, action="storage.stored", target=carrier,
            details={"from": carrier.container_id, "to": container.pk, "note": note, "retention_ended": ended,
                     "by": person.pk},
        )
    return entry


# --- temporary retention -------------------------------------------------------------------------


def retention_terms(retention: TemporaryRetention) -> dict:
    """What the approver signs."""
    return {"retention": retention.pk, "carrier": retention.carrier.registry_number, "holder": retention.holder_id,
            "reason": retention.reason, "ends_on": retention.ends_on, "level": retention.level}


def request_retention(*, actor, carrier_id, reason: str, ends_on) -> TemporaryRetention:
    """The holder asks to keep a carrier outside a container until `ends_on`, for `reason`: a
    `temporary_retention` approval request (policy) targeting the retention."""
    person = _person(actor)
    carrier_id = _visible(Carrier, actor, carrier_id)
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        carrier = Carrier.objects.select_for_update().get(pk=carrier_id)
        enforce([
            rules.retention_requested_by_holder(is_holder=carrier.holder_id == actor.pk),
            rules.retention_carrier_kept(status=carrier.status, label=carrier.get_status_display()),
            *rules.retention_terms(reason=reason, ends_on=ends_on, today=today,
                                   max_days=setting("RETENTION_MAX_DAYS", 30)),
        ])
        try:
            with transaction.atomic():
                retention = TemporaryRetention.objects.create(
                    carrier=carrier, holder=actor, unit_id=person.unit_id, level=carrier.level, reason=reason,
                    ends_on=ends_on, requested_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("This carrier already has an open temporary retention."), code="retention_open") from None
        audit.record(actor=actor, action="retention.requested", target=retention, details=retention_terms(retention))
        retention.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.TEMPORARY_RETENTION, level=carrier.level,
            title=_("Keep %(number)s outside a container until %(date)s")
            % {"number": carrier.registry_number, "date": ends_on.isoformat()},
            purpose=reason, target=retention, valid_until=ends_on,
        )
        retention.save(update_fields=["approval"])
    return retention


# the approval's final outcome, mirrored on the retention while it waits (the stage-request kit),
# and the terms its approvers sign
approvals.OUTCOME_HANDLERS[RequestKind.TEMPORARY_RETENTION] = kit.hand_off(TemporaryRetention,
                                                                           action="retention.decided")
approvals.SIGNED_TERMS[RequestKind.TEMPORARY_RETENTION] = kit.signed_terms(TemporaryRetention, retention_terms)


def start_retention(*, actor, retention_id) -> TemporaryRetention:
    """The holder takes the carrier out of its container under an approved retention (used once),
    until its end date."""
    retention_id = _visible(TemporaryRetention, actor, retention_id)
    today = timezone.localdate()
    with transaction.atomic():
        retention = TemporaryRetention.objects.select_for_update().get(pk=retention_id)
        if retention.holder_id != actor.pk:
            raise Refused(_("Only the person the retention was approved for takes the carrier out."), code="not_holder")
        approval = ApprovalRequest.objects.filter(pk=retention.approval_id).first()
        enforce([rules.retention_approved(status=retention.status, approval_status=approval.status if approval else None,
                                          ends_on=retention.ends_on, today=today)])
        carrier = Carrier.objects.select_for_update().get(pk=retention.carrier_id)
        enforce([
            rules.retention_requested_by_holder(is_holder=carrier.holder_id == actor.pk),
            rules.retention_carrier_kept(status=carrier.status, label=carrier.get_status_display()),
            rules.storable(status=carrier.status, label=carrier.get_status_display(),
                           in_handover=HandoverItem.objects.filter(carrier=carrier, is_open=True).exists()),
        ])
        approvals.consume(actor=actor, request=approval, today=today)
        now = timezone.now()
        retention.status = TemporaryRetention.Status.ACTIVE
        retention.started_at = now
        retention.container_before_id = carrier.container_id
        retention.save(update_fields=["status", "started_at", "container_before"])
        Carrier.objects.filter(pk=carrier.pk).update(container=None, updated_at=now)
        audit.record(actor=actor, action="retention.started", target=retention,
                     details={"carrier": carrier.registry_number, "from": carrier.container_id,
                              "ends_on": retention.ends_on, "approval": approval.pk})
    return retention


# --- archives and filing -------------------------------------------------------------------------


def create_archive(*, actor, name_zh: str, name_en: str, keeper, container) -> Archive:
    """Register the unit's archives: its keeper (an active person of the unit, the archivist) and
    the container filed carriers are kept in."""
    person = check_may_manage_archives(actor)
    keeper_person = Person.objects.filter(user_id=keeper.pk).first()
    enforce([
        None if keeper_person and keeper_person.unit_id == person.unit_id and keeper_person.status == "active"
        and keeper.is_active else Violation(_("The keeper must be an active person of your unit."), field="keeper"),
        None if container.unit_id == person.unit_id and container.is_active
        else Violation(_("Choose a container of your unit that is in use."), field="container"),
    ])
    with transaction.atomic():
        archive = Archive.objects.create(unit_id=person.unit_id, name_zh=name_zh, name_en=name_en, keeper=keeper,
                                         container=container)
        audit.record(actor=actor, action="archive.created", target=archive,
                     details={"unit": person.unit_id, "name_zh": name_zh, "name_en": name_en, "keeper": keeper.pk,
                              "container": container.pk})
    return archive


def file_to_archives(*, actor, password, archive_id, carriers: list, declared_count: int, note: str = "") -> Filing:
    """R6: file carriers to the archives. The holder lists, counts and signs a "storage" handover
    to the archives keeper; the carriers stay theirs until the keeper counts and signs."""
    person = _person(actor)
    archive_id = _visible(Archive, actor, archive_id)
    archive = Archive.objects.select_related("container").get(pk=archive_id)
    if not carriers:
        raise ValidationFailed({"carriers": [_("List at least one carrier.")]})
    enforce([
        rules.archive_usable(is_active=archive.is_active, same_unit=archive.unit_id == person.unit_id),
        rules.keeper_is_not_giver(keeper_id=archive.keeper_id, giver_id=actor.pk),
        carrier_rules.container_may_hold(container=archive.container, level=max(c.level for c in carriers),
                                         unit_id=archive.unit_id),
        rules.text_within(value=note, field="note"),
    ])
    with transaction.atomic():
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=archive.keeper, carriers=carriers, declared_count=declared_count,
            kind=Handover.Kind.STORAGE, note=note,
        )
        filing = Filing.objects.create(
            archive=archive, handover=handover, unit_id=archive.unit_id, level=max(c.level for c in carriers),
            filed_by=actor, filed_at=handover.giver_signature.signed_at,
        )
        audit.record(actor=actor, action="filing.started", target=filing,
                     details={"archive": archive.pk, "handover": handover.pk, "keeper": archive.keeper_id,
                              "carriers": sorted(c.registry_number for c in carriers), "note": note})
    return filing


def accept_filing(*, actor, password, filing_id, counted_count: int) -> Filing:
    """The archives keeper counts, checks and signs: the carriers are theirs, archived, in the
    archives container."""
    filing_id = _visible(Filing, actor, filing_id)
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("archive__container").get(pk=filing_id)
        enforce(policy.accept_filing_refusals(actor, filing))
        container = filing.archive.container
        carrier_services.accept_handover(
            actor=actor, password=password, handover_id=filing.handover_id, counted_count=counted_count,
            container=container, status_on_accept=Carrier.Status.ARCHIVED,
        )
        carriers = list(Carrier.objects.filter(handover_items__handover_id=filing.handover_id).order_by("pk"))
        _end_retentions(carriers, actor=actor, reason=_("filed to the archives"))
        now = timezone.now()
        StorageEntry.objects.bulk_create(
            StorageEntry(carrier=c, from_container=None, to_container=container, unit_id=filing.unit_id,
                         level=c.level, stored_by=actor, stored_at=now, note=str(filing))
            for c in carriers
        )
        filing.status = Filing.Status.ARCHIVED
        filing.archived_at = now
        filing.save(update_fields=["status", "archived_at"])
        audit.record(actor=actor, action="filing.archived", target=filing,
                     details={"counted_count": counted_count, "container": container.pk,
                              "carriers": [c.registry_number for c in carriers]})
    return filing


def cancel_filing(*, actor, filing_id, reason: str) -> Filing:
    """Whoever filed takes an unaccepted filing back (the carriers never left them)."""
    filing_id = _visible(Filing, actor, filing_id)
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing_id)
        enforce(policy.cancel_filing_refusals(actor, filing))
        carrier_services.cancel_handover(actor=actor, handover_id=filing.handover_id, reason=reason)
        filing.status = Filing.Status.CANCELLED
        filing.save(update_fields=["status"])
        audit.record(actor=actor, action="filing.cancelled", target=filing, details={"reason": reason})
    return filing


# --- container access log ----------------------------------------------------------------------


def log_container_access(*, actor, container_id, action: str, note: str = "") -> ContainerAccess:
    """Record that a container was opened, closed or checked, by the actor, now."""
    _person(actor)  # registered people only
    container_id = _visible(Container, actor, container_id)
    container = Container.objects.get(pk=container_id)
    note = (note or "").strip()
    enforce([
        None if action in ContainerAccess.Action.values
        else Violation(_("Say whether it was opened, closed or checked."), field="action"),
        rules.text_within(value=note, field="note"),
        policy.log_access_refusal(
            actor, container,
            holds_carrier_in_it=Carrier.objects.filter(container=container, holder_id=actor.pk).exists(),
        ),
    ])
    with transaction.atomic():
        entry = ContainerAccess.objects.create(container=container, action=action, by=actor, at=timezone.now(),
                                               note=note)
        audit.record(actor=actor, action="container.access_logged", target=container,
                     details={"entry": entry.pk, "action": action, "note": note})
    return entry


# --- inventory check -------------------------------------------------------------------------


def expected_carriers(*, unit_id: int, scope: str, department_id=None, container_id=None):
    """What the registry says is kept in the scope now: carriers in a kept status in its
    containers (or, outside any container, held by its people). One query."""
    kept = Carrier.objects.filter(status__in=rules.KEPT_STATUSES)
    if scope == Inventory.Scope.CONTAINER:
        return kept.filter(container_id=container_id)
    if scope == Inventory.Scope.DEPARTMENT:
        return kept.filter(Q(container__department_id=department_id)
                           | Q(container__isnull=True, holder__person__department_id=department_id))
    return kept.filter(Q(container__unit_id=unit_id) | Q(container__isnull=True, holder__person__unit_id=unit_id))


def open_inventory(*, actor, scope: str, department=None, container=None, note: str = "") -> Inventory:
    """The secrecy office opens an inventory of its unit, a department or a container: the expected
    list is taken from the registry now, one line per carrier."""
    person = check_may_run_inventories(actor)
    note = (note or "").strip()
    in_unit = (department is None or department.parent_id == person.unit_id) and (
        container is None or container.unit_id == person.unit_id)
    enforce([
        None if scope in Inventory.Scope.values else Violation(_("Choose what to check."), field="scope"),
        rules.text_within(value=note, field="note"),
    ])
    enforce([rules.inventory_scope(scope=scope, has_department=department is not None,
                                   has_container=container is not None, in_unit=in_unit)])
    expected = expected_carriers(unit_id=person.unit_id, scope=scope, department_id=getattr(department, "pk", None),
                                 container_id=getattr(container, "pk", None))
    level = expected.aggregate(level=Max("level"))["level"]
    enforce([rules.opener_cleared(clearance=person.clearance, level=level)])
    with transaction.atomic():
        inventory = Inventory.objects.create(
            unit_id=person.unit_id, scope=scope, department=department, container=container,
            level=level or 1, note=note, opened_by=actor, opened_at=timezone.now(),
        )
        rows = expected.values_list("pk", "registry_number", "level", "container_id", "holder_id", "status")
        lines = InventoryLine.objects.bulk_create(
            (InventoryLine(inventory=inventory, carrier_id=pk, registry_number=number, expected=True, level=lvl,
                           expected_container_id=box, expected_holder_id=holder, expected_status=status)
             for pk, number, lvl, box, holder, status in rows.iterator()),
            batch_size=2000,
        )
        inventory.expected_count = len(lines)
        inventory.save(update_fields=["expected_count"])
        audit.record(actor=actor, action="inventory.opened", target=inventory,
                     details={"unit": person.unit_id, "scope": scope, "department": getattr(department, "pk", None),
                              "container": getattr(container, "pk", None), "expected": len(lines),
                              "level": inventory.level, "note": note})
    return inventory


def _inventory_for_office(actor, inventory_id) -> int:
    check_may_run_inventories(actor)
    return _visible(Inventory, actor, inventory_id)


def confirm_seen(*, actor, inventory_id, registry_number: str, container=None) -> tuple[InventoryLine, bool]:
    """A carrier seen, with where (container; None: with a person, outside any container). Expected
    and seen where recorded: found; elsewhere: misplaced; not expected here (or not in the registry
    at all: the number as typed): unexpected. The same number again changes nothing (idempotent).
    Returns the line and whether this call recorded it."""
    inventory_id = _inventory_for_office(actor, inventory_id)
    number = (registry_number or "").strip()
    enforce([rules.registry_number_given(number=number)])
    with transaction.atomic():
        inventory = Inventory.objects.select_for_update().get(pk=inventory_id)
        enforce([rules.inventory_open(status=inventory.status)])
        if container is None and inventory.scope == Inventory.Scope.CONTAINER:
            container = inventory.container
        enforce([None if container is None or container.unit_id == inventory.unit_id
                 else Violation(_("This container belongs to another unit."), field="container")])
        line = InventoryLine.objects.select_for_update().filter(inventory=inventory, registry_number=number).first()
        if line is not None and line.outcome != InventoryLine.Outcome.PENDING:
            return line, False
        now = timezone.now()
        if line is not None:
            line.outcome = rules.outcome_of(expected=True, expected_container_id=line.expected_container_id,
                                            seen_container_id=getattr(container, "pk", None))
            line.seen_container = container
            line.seen_by = actor
            line.seen_at = now
            line.save(update_fields=["outcome", "seen_container", "seen_by", "seen_at"])
        else:
            carrier = Carrier.objects.filter(registry_number=number).first()
            line = InventoryLine.objects.create(
                inventory=inventory, registry_number=number, carrier=carrier, expected=False,
                level=carrier.level if carrier else None,
                expected_container_id=carrier.container_id if carrier else None,
                expected_holder_id=carrier.holder_id if carrier else None,
                expected_status=carrier.status if carrier else "",
                outcome=InventoryLine.Outcome.UNEXPECTED, seen_container=container, seen_by=actor, seen_at=now,
            )
        audit.record(actor=actor, action="inventory.confirmed", target=inventory,
                     details={"registry_number": number, "outcome": line.outcome, "in_registry": line.carrier_id is not None,
                              "container": getattr(container, "pk", None)},
                     carriers=[line.carrier_id] if line.carrier_id else ())
    return line, True


def undo_seen(*, actor, inventory_id, line_id) -> InventoryLine | None:
    """Take back one scan of an open inventory (a mistyped or wrong number): an expected carrier is
    again "not yet seen"; a line the scan added (an off-book number, a carrier not expected here)
    is removed. Audited as inventory.scan_undone. Returns the line put back to pending, or None when
    it was removed. A line naming a carrier the actor may not open answers 404."""
    inventory_id = _inventory_for_office(actor, inventory_id)
    with transaction.atomic():
        inventory = Inventory.objects.select_for_update().get(pk=inventory_id)
        enforce([rules.inventory_open(status=inventory.status)])
        try:
            line_id = int(line_id)
        except (TypeError, ValueError):
            raise Http404 from None
        line = (access.restrict(InventoryLine.objects.filter(inventory=inventory, pk=line_id), actor)
                .select_for_update(of=("self",)).first()) if 0 < line_id < 2**63 else None
        if line is None:
            raise Http404
        enforce([rules.scan_undoable(outcome=line.outcome)])
        details = {"registry_number": line.registry_number, "outcome": line.outcome,
                   "in_registry": line.carrier_id is not None,
                   "container": line.seen_container_id, "removed": not line.expected}
        carriers = [line.carrier_id] if line.carrier_id else ()
        if line.expected:
            line.outcome = InventoryLine.Outcome.PENDING
            line.seen_container = None
            line.seen_by = None
            line.seen_at = None
            line.save(update_fields=["outcome", "seen_container", "seen_by", "seen_at"])
        else:
            line.delete()
            line = None
        audit.record(actor=actor, action="inventory.scan_undone", target=inventory, details=details,
                     carriers=carriers)
    return line


def _second_credential(second_signer, second_password):
    """The second signer's password, its errors named for the second signer's fields."""
    try:
        return audit.reauthenticate(signer=second_signer, password=second_password)
    except ValidationFailed as exc:
        raise ValidationFailed({f"second_{field}": messages for field, messages in exc.errors.items()},
                               code=exc.code) from None


def close_inventory(*, actor, password, inventory_id, second_signer, second_password, remedial_measures: str = "",
                    reported_to: str = "") -> Inventory:
    """Close an inventory with the signatures of two different people (each with their password).
    Expected carriers not seen are missing: each becomes lost and opens a loss incident (which
    alerts the secrecy office); one that left the scope during the inventory (lent, destroyed...)
    is recorded as such."""
    from incidents import services as incidents

    inventory_id = _inventory_for_office(actor, inventory_id)
    remedial_measures = (remedial_measures or "").strip()
    reported_to = (reported_to or "").strip()
    second = Person.objects.filter(user_id=second_signer.pk).first() if second_signer is not None else None
    with transaction.atomic():
        inventory = Inventory.objects.select_for_update().get(pk=inventory_id)
        enforce([
            rules.inventory_open(status=inventory.status),
            rules.two_signers(first_id=actor.pk, second_id=getattr(second_signer, "pk", None)),
            rules.second_signer_fit(
                active=bool(second and second.status == Person.Status.ACTIVE and second_signer.is_active),
                same_unit=bool(second and second.unit_id == inventory.unit_id),
                clearance=second.clearance if second else 0, level=inventory.level,
            ) if second_signer is not None and second_signer.pk != actor.pk else None,
            rules.text_within(value=remedial_measures, field="remedial_measures", limit=1000),
            rules.text_within(value=reported_to, field="reported_to", limit=300),
        ])
        first_credential = audit.reauthenticate(signer=actor, password=password)
        second_credential = _second_credential(second_signer, second_password)
        pending = list(InventoryLine.objects.select_for_update(of=("self",)).filter(
            inventory=inventory, expected=True, outcome=InventoryLine.Outcome.PENDING).select_related(
            "expected_container", "expected_holder"))
        carriers = {c.pk: c for c in Carrier.objects.select_for_update().filter(pk__in=[ln.carrier_id for ln in pending])}
        missing = [ln for ln in pending if carriers[ln.carrier_id].status in rules.KEPT_STATUSES]
        left = [ln for ln in pending if carriers[ln.carrier_id].status not in rules.KEPT_STATUSES]
        InventoryLine.objects.filter(pk__in=[ln.pk for ln in missing]).update(outcome=InventoryLine.Outcome.MISSING)
        InventoryLine.objects.filter(pk__in=[ln.pk for ln in left]).update(outcome=InventoryLine.Outcome.LEFT)
        by_outcome = {}
        for outcome, number in InventoryLine.objects.filter(inventory=inventory).values_list("outcome", "registry_number"):
            by_outcome.setdefault(outcome, []).append(number)
        content = {
            "inventory": inventory.pk, "unit": inventory.unit_id, "scope": inventory.scope,
            "department": inventory.department_id, "container": inventory.container_id,
            "opened_at": inventory.opened_at, "expected": inventory.expected_count,
            **{outcome: sorted(by_outcome.get(outcome, [])) for outcome in
               ("found", "misplaced", "unexpected", "missing", "left")},
            "remedial_measures": remedial_measures, "reported_to": reported_to,
        }
        first = audit.sign(signer=actor, credential=first_credential, meaning=Signature.Meaning.CHECKED,
                           target=inventory, content=content)
        second_signature = audit.sign(signer=second_signer, credential=second_credential,
                                      meaning=Signature.Meaning.CHECKED, target=inventory, content=content)
        opened = timezone.localtime(inventory.opened_at).date().isoformat()
        incident_numbers = []
        for line in missing:
            carrier = carrier_services.transition(
                carrier=carriers[line.carrier_id], to_status=Carrier.Status.LOST, actor=actor,
                reason=f"inventory {inventory.pk}: missing", details={"inventory": inventory.pk},
            )
            where = line.expected_container.code if line.expected_container else _("outside any container")
            incident = incidents.report_incident(
                actor=None, kind="loss",
                summary=_("Inventory #%(inventory)d found %(number)s missing.")
                % {"inventory": inventory.pk, "number": line.registry_number},
                carriers=[carrier], unit=inventory.unit,
                last_seen=_("Recorded in %(where)s when the inventory opened on %(date)s")
                % {"where": where, "date": opened},
                last_holder=line.expected_holder, remedial_measures=remedial_measures, reported_to=reported_to,
                source=f"inventory:{inventory.pk}",
            )
            incident_numbers.append(incident.number)
        inventory.status = Inventory.Status.CLOSED
        inventory.closed_by = actor
        inventory.closed_at = second_signature.signed_at
        inventory.first_signature = first
        inventory.second_signature = second_signature
        inventory.remedial_measures = remedial_measures
        inventory.reported_to = reported_to
        inventory.save(update_fields=["status", "closed_by", "closed_at", "first_signature", "second_signature",
                                      "remedial_measures", "reported_to"])
        if inventory.scope == Inventory.Scope.UNIT:
            alerts.resolve_for_target(kind=INVENTORY_OVERDUE, target=Unit(pk=inventory.unit_id),
                                      reason=f"inventory {inventory.pk} closed")
        audit.record(actor=actor, action="inventory.closed", target=inventory,
                     details={**content, "signatures": [first.pk, second_signature.pk],
                              "second_signer": second_signer.pk, "incidents": incident_numbers},
                     # the details list every line's number: the trail shows it only with all of them
                     carriers=InventoryLine.objects.filter(inventory=inventory, carrier__isnull=False)
                     .values_list("carrier_id", flat=True))
    return inventory



# --- the printed record (the paper witness) -----------------------------------------------------


def print_inventory_record(*, actor, inventory_id, language: str):
    """The closed inventory's record as a PDF in the reader's language: its facts and counts, the
    lines the reader may see (the others counted, never named), both signatures, the loss
    incidents it opened that the reader may see, and the signed audit checkpoint it was drawn
    from. Printing is audited (`inventory.record_printed`) in the same transaction. An inventory
    the reader may not see: 404; one still open: 409."""
    from registers import records

    records.check_language(language)
    inventory = selectors.inventory_get(user=actor, pk=inventory_id)
    enforce([rules.inventory_printable(status=inventory.status)])
    with transaction.atomic():
        lines = list(selectors.inventory_lines(user=actor, inventory=inventory).order_by("registry_number", "pk"))
        hidden = selectors.hidden_lines(user=actor, inventory=inventory)
        incidents = list(selectors.inventory_incidents(user=actor, inventory=inventory))
        person = getattr(inventory.opened_by, "person", None)
        opened_by = (person.full_name if person else "") or inventory.opened_by.get_username()
        with translation.override(language):
            title = _("Inventory check record #%(number)s") % {"number": inventory.pk}
        content, witness = records.render_record(
            template="storage/record_pdf.html", actor=actor, language=language, level=inventory.level,
            reason="record", context={"title": title, "inventory": inventory, "lines": lines, "hidden": hidden,
                                      "incidents": incidents, "opened_by": opened_by},
        )
        seq = witness["checkpoint"].seq
        audit.record(actor=actor, action="inventory.record_printed", target=inventory,
                     details={"inventory": inventory.pk, "language": language, "lines": len(lines),
                              "hidden_lines": hidden, "checkpoint": seq})
    return records.Record(content, records.filename(f"inventory-{inventory.pk}"), seq)
