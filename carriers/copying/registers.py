"""The copying stage's registers (R4): copying (requests, the issuing authority's approval, the
copies made) and extracts and compilations (sources, level and period, the derived carrier).
Discovered by registers.registry; each draws its rows through the access gate in one set-based
query with prefetches, never one query per row."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Decision
from audit.models import Signature
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

from .models import CopyMade, CopyRequest, Derivation


def _registration_signatures(carrier_ids) -> dict[str, Signature]:
    """The registration signature of each carrier (one query)."""
    signatures = Signature.objects.filter(target_type="carriers.carrier", target_id__in=[str(pk) for pk in carrier_ids],
                                          meaning=Signature.Meaning.REGISTERED)
    return {signature.target_id: signature for signature in signatures}


# --- copying -------------------------------------------------------------------------------------


def _copying_fields():
    return common_fields(department=True, status_choices=CopyRequest.Status.choices)


def copying_extract(*, user, params) -> Extract:
    """Visible copy requests of the period (by the day they were made), oldest first, with the
    approvers' signatures, who copied and when, the copies' registry numbers and the signature on
    their registration."""
    require_register_access(user)
    filters = clean_filters(params, _copying_fields())
    rows = in_period(apply_filters(access.restrict(CopyRequest.objects.all(), user), filters.data), "created_at",
                     filters)
    copies = CopyMade.objects.filter(carrier__in=visible_carriers(user=user).values("pk")).select_related("carrier")
    rows = list(
        rows.select_related("unit", "department", "requester__person", "source", "authority_unit",
                            "executed_by__person")
        .prefetch_related(
            Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")),
            Prefetch("made", queryset=copies.order_by("copy_number"), to_attr="visible_copies"),
        )
        .order_by("created_at", "pk")
    )
    first_copies = [row.visible_copies[0].carrier_id for row in rows if row.visible_copies]
    signatures = _registration_signatures(first_copies)
    for row in rows:
        row.copy_signature = signatures.get(str(row.visible_copies[0].carrier_id)) if row.visible_copies else None
    return extract_of(rows, filters)


def _copies(row) -> str:
    if row.executed_at is None:
        return ""
    when = timezone.localtime(row.executed_at).strftime("%Y-%m-%d %H:%M")
    numbers = "\n".join(f"{m.copy_number} {m.carrier.registry_number}" for m in row.visible_copies)
    return f"{person_name(row.executed_by)} · {when}\n{numbers}".strip()


COPYING = Register(
    name="copying",
    title_zh="涉密载体复制登记簿",
    title_en="Register of copying",
    columns=(
        Column("编号", "No.", lambda r: f"#{r.pk}", "5%"),
        Column("申请时间", "Requested at", lambda r: r.created_at, "9%"),
        Column("原件", "Original", lambda r: f"{r.source.registry_number}\n{r.source.marking}", "11%"),
        Column("标题", "Title", lambda r: r.source.title, "14%"),
        Column("份数", "Copies", lambda r: r.copies, "5%"),
        Column("用途", "Purpose", lambda r: r.purpose, "10%"),
        Column("申请人", "Requested by", lambda r: person_name(r.requester), "8%"),
        Column("发文机关（审批）", "Issuing authority", lambda r: r.authority_unit.name, "8%"),
        Column("审批签名", "Approval signatures", approval_signatures, "11%"),
        Column("复制（人·时间·份号·登记编号）", "Copied (by · at · copy no. · registry no.)", _copies, "11%",
               css="font-size: 7pt;"),
        Column("登记签名", "Registered (signature)", lambda r: signature_text(r.copy_signature), "8%"),
    ),
    draw=copying_extract,
    fields=_copying_fields,
    filter_names=("unit", "department", "level", "status", "date_from", "date_to"),
)


# --- extracts and compilations ------------------------------------------------------------------


def _derivation_fields():
    return common_fields(department=True, status_choices=Derivation.Status.choices, kind_label=_("Kind"),
                         kind_choices=Derivation.Kind.choices)


def derivations_extract(*, user, params) -> Extract:
    """Visible extracts and compilations of the period, oldest first: their sources (those the
    reader may see), level and period, the derived carrier, approvals and the registration
    signature."""
    require_register_access(user)
    filters = clean_filters(params, _derivation_fields())
    rows = in_period(apply_filters(access.restrict(Derivation.objects.all(), user), filters.data, kind="kind"),
                     "created_at", filters)
    rows = list(
        rows.select_related("unit", "department", "requester__person", "carrier", "made_by__person")
        .prefetch_related(
            Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")),
            Prefetch("sources", queryset=visible_carriers(user=user).order_by("registry_number"),
                     to_attr="visible_sources"),
        )
        .order_by("created_at", "pk")
    )
    signatures = _registration_signatures([row.carrier_id for row in rows if row.carrier_id])
    for row in rows:
        row.made_signature = signatures.get(str(row.carrier_id)) if row.carrier_id else None
    return extract_of(rows, filters)


def _period(row) -> str:
    end = row.expires_on.isoformat() if row.expires_on else ""
    return "\n".join(part for part in (end, row.declassification_condition) if part)


DERIVATIONS = Register(
    name="extracts-compilations",
    title_zh="涉密载体摘录、汇编登记簿",
    title_en="Register of extracts and compilations",
    columns=(
        Column("编号", "No.", lambda d: f"#{d.pk}", "4%"),
        Column("类别", "Kind", lambda d: d.get_kind_display(), "7%"),
        Column("申请时间", "Requested at", lambda d: d.created_at, "8%"),
        Column("标题", "Title", lambda d: d.title, "11%"),
        Column("来源载体", "Sources", lambda d: "\n".join(f"{s.registry_number} {s.marking}" for s in d.visible_sources),
               "14%", css="font-size: 7pt;"),
        Column("密级标志", "Marking", lambda d: d.marking, "8%"),
        Column("保密期限至", "Secret until", _period, "8%"),
        Column("申请人", "Requested by", lambda d: person_name(d.requester), "7%"),
        Column("审批签名", "Approval signatures", approval_signatures, "10%"),
        Column("登记编号", "Registry number", lambda d: d.carrier.registry_number if d.carrier_id else "", "12%",
               css="white-space: nowrap;"),
        Column("登记签名", "Registered (signature)", lambda d: signature_text(d.made_signature), "11%"),
    ),
    draw=derivations_extract,
    fields=_derivation_fields,
    filter_names=("unit", "department", "level", "status", "kind", "date_from", "date_to"),
)

REGISTERS = [COPYING, DERIVATIONS]
