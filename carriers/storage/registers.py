"""The storage stage's registers (R6): where carriers were put away (storage), temporary
retentions outside a container with their approvers' signatures, and inventory results with both
closing signatures. Discovered by registers.registry; each draws its rows through the access gate
in one set-based query (with prefetches), never one query per row."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from approvals.models import Decision
from common import access
from registers.base import (
    Column,
    Extract,
    Register,
    apply_filters,
    approval_signatures,
    choice_field,
    clean_filters,
    common_fields,
    extract_of,
    in_period,
    person_name,
    signature_text,
)
from registers.selectors import require_register_access

from .models import Inventory, InventoryLine, StorageEntry, TemporaryRetention
from .selectors import visible_inventories


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _container(container) -> str:
    if container is None:
        return ""
    return f"{container.code} {container.name_zh if _zh() else container.name_en}"


def _marking(carrier) -> str:
    return carrier.marking_zh if _zh() else carrier.marking_en


# --- storage ------------------------------------------------------------------------------------


def storage_extract(*, user, params) -> Extract:
    """Carriers put into (or moved between) containers in the period, of carriers the reader may see."""
    require_register_access(user)
    filters = clean_filters(params, common_fields())
    rows = access.restrict(StorageEntry.objects.all(), user)
    rows = list(
        in_period(apply_filters(rows, filters.data), "stored_at", filters)
        .select_related("carrier", "from_container", "to_container", "stored_by__person")
        .order_by("stored_at", "pk")
    )
    return extract_of(rows, filters)


STORAGE = Register(
    name="storage",
    title_zh="涉密载体存放登记",
    title_en="Register of carriers put away",
    columns=(
        Column("时间", "At", lambda e: e.stored_at, "11%"),
        Column("登记编号", "Registry number", lambda e: e.carrier.registry_number, "13%"),
        Column("密级标志", "Marking", lambda e: _marking(e.carrier), "10%"),
        Column("标题", "Title", lambda e: e.carrier.title, "17%"),
        Column("原存放位置", "From", lambda e: _container(e.from_container), "12%"),
        Column("存放位置", "Into", lambda e: _container(e.to_container), "12%"),
        Column("经办人", "By", lambda e: person_name(e.stored_by), "15%"),
        Column("备注", "Note", lambda e: e.note, "8%"),
    ),
    draw=storage_extract,
    fields=common_fields,
    filter_names=("unit", "level", "date_from", "date_to"),
)


# --- temporary retentions -----------------------------------------------------------------------


def _retention_fields():
    return common_fields(status_choices=TemporaryRetention.Status.choices)


def retention_extract(*, user, params) -> Extract:
    """Temporary retentions requested in the period, with their approvers' signatures."""
    require_register_access(user)
    filters = clean_filters(params, _retention_fields())
    rows = apply_filters(access.restrict(TemporaryRetention.objects.all(), user), filters.data)
    rows = list(
        in_period(rows, "requested_at", filters)
        .select_related("carrier", "holder__person", "container_before", "ended_by__person")
        .prefetch_related(Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")))
        .order_by("requested_at", "pk")
    )
    return extract_of(rows, filters)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


RETENTIONS = Register(
    name="retentions",
    title_zh="涉密载体临时留存登记",
    title_en="Register of temporary retentions outside a container",
    columns=(
        Column("登记编号", "Registry number", lambda r: r.carrier.registry_number, "12%"),
        Column("密级标志", "Marking", lambda r: _marking(r.carrier), "10%"),
        Column("留存人", "Kept by", lambda r: person_name(r.holder), "12%"),
        Column("事由", "Reason", lambda r: r.reason, "12%"),
        Column("期限至", "Until", lambda r: r.ends_on.isoformat(), "8%"),
        Column("审批签名", "Approval signatures", approval_signatures, "17%"),
        Column("取出", "Taken out", lambda r: f"{_when(r.started_at)} {_container(r.container_before)}".strip(), "9%"),
        Column("归还", "Put back", lambda r: f"{_when(r.ended_at)} {person_name(r.ended_by)}".strip(), "10%"),
        Column("状态", "Status", lambda r: r.get_status_display(), "10%"),
    ),
    draw=retention_extract,
    fields=_retention_fields,
    filter_names=("unit", "level", "status", "date_from", "date_to"),
)


# --- inventory results --------------------------------------------------------------------------


def _inventory_fields():
    return common_fields(scope=choice_field(_("Scope"), Inventory.Scope.choices))


def inventory_extract(*, user, params) -> Extract:
    """Inventories closed in the period, with their results and both signatures."""
    require_register_access(user)
    filters = clean_filters(params, _inventory_fields())
    rows = apply_filters(visible_inventories(user=user).filter(status=Inventory.Status.CLOSED), filters.data,
                         scope="scope")
    # through the gate: a line naming a carrier the reader may not open is left out
    problems = access.restrict(InventoryLine.objects.filter(outcome__in=["missing", "misplaced", "unexpected"]),
                               user).order_by("outcome", "registry_number")
    rows = list(in_period(rows, "closed_at", filters)
                .prefetch_related(Prefetch("lines", queryset=problems, to_attr="problem_lines"))
                .order_by("closed_at", "pk"))
    return extract_of(rows, filters)


def _scope(inventory) -> str:
    if inventory.scope == Inventory.Scope.CONTAINER:
        return f"{inventory.get_scope_display()}: {_container(inventory.container)}"
    if inventory.scope == Inventory.Scope.DEPARTMENT:
        return f"{inventory.get_scope_display()}: {inventory.department.name}"
    return f"{inventory.get_scope_display()}: {inventory.unit.name}"


def _results(inventory) -> str:
    counts = _("expected %(expected)d, found %(found)d, misplaced %(misplaced)d, unexpected %(unexpected)d, "
               "missing %(missing)d") % {
        "expected": inventory.expected_count, "found": inventory.found_count,
        "misplaced": inventory.misplaced_count, "unexpected": inventory.unexpected_count,
        "missing": inventory.missing_count,
    }
    lines = [f"{line.get_outcome_display()}: {line.registry_number}" for line in inventory.problem_lines]
    return "\n".join([counts, *lines])


INVENTORIES = Register(
    name="inventories",
    title_zh="涉密载体清查登记",
    title_en="Register of inventory checks",
    columns=(
        Column("编号", "No.", lambda i: f"#{i.pk}", "5%"),
        Column("范围", "Scope", _scope, "14%"),
        Column("开始", "Opened", lambda i: i.opened_at, "9%"),
        Column("结束", "Closed", lambda i: i.closed_at, "9%"),
        Column("清查结果", "Results", _results, "26%", css="font-size: 7pt;"),
        Column("签名", "Signatures", lambda i: "\n".join(
            signature_text(s) for s in (i.first_signature, i.second_signature)), "28%"),
        Column("报告", "Reported to", lambda i: i.reported_to, "9%"),
    ),
    draw=inventory_extract,
    fields=_inventory_fields,
    filter_names=("unit", "level", "scope", "date_from", "date_to"),
)

REGISTERS = [STORAGE, RETENTIONS, INVENTORIES]
