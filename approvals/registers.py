"""Registers of the approvals app: approvals (every request with its decisions and their
signatures) and signatures (every electronic signature, what it signed, and whether it still holds).
Discovered by registers.registry; rows through the access gate in one set-based query (with
prefetches)."""

from django.db.models import Max, Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Signature
from audit.selectors import verify_signature
from carriers.selectors import visible_carriers
from common import access
from registers.base import (
    Column,
    Extract,
    Register,
    apply_filters,
    choice_field,
    clean_filters,
    common_fields,
    extract_of,
    in_period,
    person_name,
    signatures_text,
)
from registers.selectors import require_register_access

from .models import ApprovalRequest, Decision, RequestKind


def _approval_fields():
    return common_fields(department=True, status_choices=ApprovalRequest.Status.choices,
                         kind_label=_("Request kind"), kind_choices=RequestKind.choices)


def approvals_extract(*, user, params) -> Extract:
    """Visible approval requests made in the period, oldest first, with every decision's signature."""
    require_register_access(user)
    filters = clean_filters(params, _approval_fields())
    rows = apply_filters(access.restrict(ApprovalRequest.objects.all(), user), filters.data, kind="kind")
    rows = list(
        in_period(rows, "created_at", filters)
        .select_related("requester__person", "unit", "department")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("signature")))
        .order_by("created_at", "pk")
    )
    return extract_of(rows, filters)


def _decisions(request) -> str:
    lines = []
    for decision in sorted(request.decisions.all(), key=lambda d: (d.decided_at, d.pk)):
        line = signatures_text([decision.signature])
        if decision.reason:
            line += f" · {decision.reason}"
        lines.append(line)
    return "\n".join(lines)


APPROVALS = Register(
    name="approvals",
    title_zh="审批登记簿",
    title_en="Register of approvals",
    columns=(
        Column("编号", "No.", lambda r: f"#{r.pk}", "5%"),
        Column("事项", "Kind", lambda r: r.get_kind_display() + (f" ({r.variant})" if r.variant else ""), "12%"),
        Column("标题", "Title", lambda r: r.title, "18%"),
        Column("密级", "Level", lambda r: r.get_level_display(), "6%"),
        Column("申请人", "Requested by", lambda r: person_name(r.requester), "8%"),
        Column("部门", "Department", lambda r: r.department or r.unit, "9%"),
        Column("提交时间", "Submitted at", lambda r: r.submitted_at, "9%"),
        Column("状态", "Status", lambda r: r.get_status_display(), "7%"),
        Column("审批签名（姓名·时间·含义·理由）", "Decisions (name · time · meaning · reason)", _decisions, "26%"),
    ),
    draw=approvals_extract,
    fields=_approval_fields,
    filter_names=("unit", "department", "level", "status", "kind", "date_from", "date_to"),
)


def _signature_fields():
    return {"kind": choice_field(_("Meaning"), Signature.Meaning.choices)}


def signatures_extract(*, user, params) -> Extract:
    """Visible signatures made in the period, oldest first, each checked against its audit event.
    The register's level is the highest level of the carriers signed for."""
    require_register_access(user)
    filters = clean_filters(params, _signature_fields())
    rows = access.restrict(Signature.objects.select_related("event"), user)
    rows = apply_filters(rows, filters.data, kind="meaning")
    rows = list(in_period(rows, "signed_at", filters).order_by("signed_at", "pk"))
    carrier_ids = {int(s.target_id) for s in rows if s.target_type == "carriers.carrier" and s.target_id.isdigit()}
    level = None
    if carrier_ids:
        level = visible_carriers(user=user).filter(pk__in=carrier_ids).aggregate(top=Max("level"))["top"]
    return Extract(rows=rows, filters=filters.applied, period=filters.period, described=filters.described, level=level)


def _holds(signature) -> str:
    problems = verify_signature(signature)
    return gettext("holds") if not problems else "; ".join(problems)


SIGNATURES = Register(
    name="signatures",
    title_zh="电子签名登记簿",
    title_en="Register of signatures",
    columns=(
        Column("时间", "Signed at", lambda s: s.signed_at, "10%"),
        Column("签名人", "Printed name", lambda s: s.printed_name, "12%"),
        Column("含义", "Meaning", lambda s: s.get_meaning_display(), "18%"),
        Column("所签对象", "What was signed", lambda s: s.event.target_label or f"{s.target_type} {s.target_id}", "18%"),
        Column("审计序号", "Audit seq.", lambda s: s.event.seq, "6%"),
        Column(
            "内容哈希", "Content hash", lambda s: s.content_hash, "24%",
            css='font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; word-break: break-all;',
        ),
        Column("核验", "Check", _holds, "12%"),
    ),
    draw=signatures_extract,
    fields=_signature_fields,
    filter_names=("kind", "date_from", "date_to"),
)

REGISTERS = [APPROVALS, SIGNATURES]
