"""The production stage's registers (R1): production (requests, approvals, runs, copies) and
intermediate materials. Discovered by registers.registry; each draws its rows through the access
gate in one set-based query (with prefetches), never one query per row."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from approvals.models import Decision
from audit.models import Signature
from carriers.models import Carrier, IntermediateKind
from carriers.selectors import visible_carriers
from common import access
from registers.base import (
    Column,
    Extract,
    Register,
    apply_filters,
    approval_signatures,
    clean_filters,
    common_fields,
    extract_of,
    in_period,
    person_name,
    signature_text,
)
from registers.selectors import require_register_access

from .models import ProductionRequest


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _production_fields():
    return common_fields(department=True, status_choices=ProductionRequest.Status.choices, kind_label=_("Kind"),
                         kind_choices=Carrier.Kind.choices)


def production_extract(*, user, params) -> Extract:
    """Visible production requests of the period (by the day they were made), oldest first, with
    their approvers' signatures, their run and the registry numbers of the copies it made."""
    require_register_access(user)
    filters = clean_filters(params, _production_fields())
    rows = apply_filters(access.restrict(ProductionRequest.objects.all(), user), filters.data, kind="kind")
    rows = in_period(rows, "created_at", filters)
    copies = visible_carriers(user=user).filter(intermediate_kind="").select_related(None)
    rows = list(
        rows.select_related("unit", "department", "requester__person", "place", "enterprise", "run__run_by__person",
                            "run__container")
        .prefetch_related(
            Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")),
            Prefetch("run__carriers", queryset=copies.order_by("copy_number", "pk"), to_attr="visible_copies"),
        )
        .order_by("created_at", "pk")
    )
    return extract_of(rows, filters)


def _where(production) -> str:
    if production.place_id:
        return production.place.name_zh if _zh() else production.place.name_en
    return production.enterprise.name if production.enterprise_id else ""


def _run(production) -> str:
    run = getattr(production, "run", None)
    if run is None:
        return ""
    copies = "\n".join(c.registry_number for c in getattr(run, "visible_copies", []))
    made = _("%(count)s copies") % {"count": run.copies_made}
    return f"{person_name(run.run_by)} · {timezone.localtime(run.run_at).strftime('%Y-%m-%d %H:%M')} · {made}\n{copies}".strip()


PRODUCTION = Register(
    name="production",
    title_zh="涉密载体制作登记簿",
    title_en="Register of production",
    columns=(
        Column("编号", "No.", lambda p: f"#{p.pk}", "5%"),
        Column("申请时间", "Requested at", lambda p: p.created_at, "9%"),
        Column("密级标志", "Marking", lambda p: p.marking, "10%"),
        Column("标题", "Title", lambda p: p.title, "16%"),
        Column("类别", "Kind", lambda p: p.get_kind_display(), "7%"),
        Column("份数", "Copies", lambda p: p.copies, "5%"),
        Column("制作地点/单位", "Place or enterprise", _where, "10%"),
        Column("申请人", "Requested by", lambda p: person_name(p.requester), "8%"),
        Column("状态", "Status", lambda p: p.get_status_display(), "8%"),
        Column("审批签名", "Approval signatures", approval_signatures, "12%"),
        Column("制作（人·时间·份数·登记编号）", "Run (by · at · copies · registry numbers)", _run, "10%",
               css="font-size: 7pt;"),
    ),
    draw=production_extract,
    fields=_production_fields,
    filter_names=("unit", "department", "level", "status", "kind", "date_from", "date_to"),
)


def _intermediate_fields():
    return common_fields(department=True, status_choices=Carrier.Status.choices,
                         kind_label=_("Intermediate material"), kind_choices=IntermediateKind.choices)


def intermediate_extract(*, user, params) -> Extract:
    """Visible intermediate materials (drafts, proofs, waste...) registered in the period, oldest
    first, with the signature of whoever registered each."""
    require_register_access(user)
    filters = clean_filters(params, _intermediate_fields())
    rows = apply_filters(visible_carriers(user=user).exclude(intermediate_kind=""), filters.data,
                         department="production_run__request__department_id", kind="intermediate_kind")
    rows = list(
        in_period(rows, "registered_at", filters)
        .select_related("production_run__request", "holder__person", "container")
        .order_by("registered_at", "pk")
    )
    signatures = Signature.objects.filter(
        target_type="carriers.carrier", target_id__in=[str(row.pk) for row in rows],
        meaning=Signature.Meaning.REGISTERED,
    )
    by_carrier = {signature.target_id: signature for signature in signatures}
    for row in rows:
        row.registered_signature = by_carrier.get(str(row.pk))
    return extract_of(rows, filters)


def _container(carrier) -> str:
    if carrier.container is None:
        return ""
    return f"{carrier.container.code} {carrier.container.name_zh if _zh() else carrier.container.name_en}"


INTERMEDIATE = Register(
    name="intermediate-materials",
    title_zh="涉密中间物料登记簿",
    title_en="Register of intermediate materials",
    columns=(
        Column("登记编号", "Registry number", lambda c: c.registry_number, "10%"),
        Column("密级标志", "Marking", lambda c: c.marking, "10%"),
        Column("标题", "Title", lambda c: c.title, "17%"),
        Column("物料", "Material", lambda c: c.get_intermediate_kind_display(), "8%"),
        Column("制作申请", "Production request", lambda c: f"#{c.production_run.request_id}" if c.production_run_id else "", "7%"),
        Column("处置", "Disposition", lambda c: c.get_disposition_display(), "10%"),
        Column("销毁期限", "Destroy by", lambda c: c.dispose_by.isoformat() if c.dispose_by else "", "7%"),
        Column("状态", "Status", lambda c: c.get_status_display(), "8%"),
        Column("存放位置", "Container", _container, "9%"),
        Column("登记签名", "Registered (signature)", lambda c: signature_text(c.registered_signature), "14%"),
    ),
    draw=intermediate_extract,
    fields=_intermediate_fields,
    filter_names=("unit", "department", "level", "status", "kind", "date_from", "date_to"),
)

REGISTERS = [PRODUCTION, INTERMEDIATE]
