"""Access policy of keeping and storage (R6) and of inventory checks, registered with the gate in
StorageConfig.ready(): who sees storage entries, temporary retentions, archives and filings,
container access logs, inventories and their lines, and who may run inventories, register
archives, put carriers away, log container access and accept or take back filings. The services
enforce, and the pages and the API display, these same answers (built from rules.py).

Hiding or redaction, per model:
- A storage entry and a temporary retention are each about one carrier: hidden from a reader who
  may not open it (names_carriers on `carrier_id`).
- A filing is a handover to the archives listing its carriers' numbers: like any handover it is
  as secret as its most secret carrier, and hidden from a reader who may not open every one of
  them (names_carriers through the filing handover's items).
- An inventory is the secrecy office's own work on its unit: it is seen by the unit-wide office
  roles cleared for its highest level, and its lines are redacted, not the inventory hidden: a
  line naming a carrier the reader may not open (e.g. scanned unexpectedly from elsewhere) is left
  out of the lists and counted ("N more lines are not visible to you"), never named.
- Archives and container access logs name no carrier: the registered people of their unit."""

from django.db.models import Q, QuerySet

from approvals import kit
from common import access
from common.access import CarrierLink
from personnel import policy as personnel_policy
from personnel import roles
from personnel.models import Person

from . import rules
from .models import (
    Archive,
    ContainerAccess,
    Filing,
    Inventory,
    InventoryLine,
    StorageEntry,
    TemporaryRetention,
)

# actions (registered with the gate: access.can(user, ACTION, obj) answers like may_<action>)
RUN_INVENTORIES = "storage.run_inventories"
MANAGE_ARCHIVES = "storage.manage_archives"
STORE = "storage.store"
ACCEPT_FILING = "storage.accept_filing"
CANCEL_FILING = "storage.cancel_filing"
SCAN = "storage.scan"


# --- visibility ------------------------------------------------------------------------------------



def visible_storage_entries(queryset: QuerySet, user) -> QuerySet:
    """The storage register: every entry of a carrier the reader may open (names_carriers), and
    nothing else (a registered person: the gate asks for one)."""
    return queryset if personnel_policy.cleared_person(user) is not None else queryset.none()


def _keeper_in_my_department(user, person) -> Q | None:
    """The head of the keeper's department sees a retention."""
    if access.has_role(user, roles.DEPARTMENT_HEAD) and person.department_id:
        return Q(holder_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    return None


# the person keeping it, whoever may see its approval request (its approvers), the unit-wide office
# roles of its unit, the head of the keeper's department; within clearance; and (names_carriers)
# only with its carrier: the stage-request kit's rule
visible_retentions = kit.visibility(seen_by=("holder",), also=_keeper_in_my_department)


def visible_filings(queryset: QuerySet, user) -> QuerySet:
    """Who filed, the archives keeper, and the unit-wide office roles of its unit; within clearance
    (the filing's highest level); and (names_carriers) only with every carrier it files."""
    person = personnel_policy.cleared_person(user)
    if person is None:
        return queryset.none()
    need = Q(filed_by_id=user.pk) | Q(handover__taker_id=user.pk)
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def visible_container_access(queryset: QuerySet, user) -> QuerySet:
    """A container's access log: the registered people of the container's unit."""
    return queryset.filter(container__unit_id=access.person_of(user).unit_id)


def visible_inventories(queryset: QuerySet, user) -> QuerySet:
    """Inventory checks: the unit-wide office roles of its unit, cleared for its highest level."""
    person = access.person_of(user)
    if not access.is_unit_wide(user):
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id, level__lte=person.clearance)


def visible_inventory_lines(queryset: QuerySet, user) -> QuerySet:
    """A line is seen with its inventory, and (names_carriers) only with the carrier it names."""
    return queryset.filter(inventory_id__in=access.restrict_label("storage.inventory", user).values("pk"))


# --- who may do what -------------------------------------------------------------------------------


is_office = personnel_policy.is_secrecy_office


def may_run_inventories(user, obj=None) -> bool:
    """The secrecy office opens, scans and closes inventory checks (of its own unit)."""
    return access.person_of(user) is not None and access.has_role(user, roles.SECRECY_OFFICE)


def may_scan(user, inventory: Inventory) -> bool:
    """Record carriers seen: the secrecy office, while the inventory is open."""
    return may_run_inventories(user) and rules.inventory_open(status=inventory.status) is None


def may_manage_archives(user, obj=None) -> bool:
    return access.person_of(user) is not None and access.has_role(user, roles.SECRECY_OFFICE)


def holder_unit_id(carrier) -> int:
    unit_id = Person.objects.filter(user_id=carrier.holder_id).values_list("unit_id", flat=True).first()
    return unit_id or carrier.unit_id


def store_refusal(user, carrier, *, unit_id=None):
    """The accountable holder, or the secrecy office of the holder's unit, puts a carrier away."""
    unit_id = holder_unit_id(carrier) if unit_id is None else unit_id
    return rules.may_store(is_holder=carrier.holder_id == user.pk, is_office=is_office(user, unit_id))


def may_store(user, carrier) -> bool:
    return access.person_of(user) is not None and store_refusal(user, carrier) is None


def log_access_refusal(user, container, *, holds_carrier_in_it: bool):
    person = access.person_of(user)
    return rules.may_log_access(
        is_office=is_office(user, container.unit_id),
        holds_carrier_in_it=holds_carrier_in_it,
        of_its_department=container.department_id is not None and person.department_id == container.department_id,
        cleared=person.clearance > 0,
    )


def accept_filing_refusals(user, filing: Filing) -> list:
    return [
        rules.is_keeper(actor_id=user.pk, keeper_id=filing.handover.taker_id),
        rules.filing_pending(status=filing.status, label=filing.get_status_display()),
    ]


def may_accept_filing(user, filing: Filing) -> bool:
    return not any(accept_filing_refusals(user, filing))


def cancel_filing_refusals(user, filing: Filing) -> list:
    return [
        rules.is_filer(actor_id=user.pk, filer_id=filing.filed_by_id),
        rules.filing_pending(status=filing.status, label=filing.get_status_display()),
    ]


def may_cancel_filing(user, filing: Filing) -> bool:
    return not any(cancel_filing_refusals(user, filing))


def _on(check):
    return lambda user, obj: obj is not None and check(user, obj)


def register() -> None:
    carrier = [CarrierLink(field="carrier_id")]
    access.register(StorageEntry, visible_storage_entries, names_carriers=carrier)
    access.register(TemporaryRetention, visible_retentions, names_carriers=carrier)
    access.register(Archive, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(
        Filing, visible_filings,
        names_carriers=[CarrierLink(through="carriers.handoveritem", parent="handover__filing", field="carrier_id")],
    )
    access.register(ContainerAccess, visible_container_access)
    access.register(Inventory, visible_inventories)
    access.register(InventoryLine, visible_inventory_lines, names_carriers=carrier)
    access.register_action(RUN_INVENTORIES, may_run_inventories)
    access.register_action(MANAGE_ARCHIVES, may_manage_archives)
    access.register_action(STORE, _on(may_store))
    access.register_action(SCAN, _on(may_scan))
    access.register_action(ACCEPT_FILING, _on(may_accept_filing))
    access.register_action(CANCEL_FILING, _on(may_cancel_filing))
