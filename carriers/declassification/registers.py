"""The secrecy-period register: every review (extend, downgrade, declassify) with the carrier's
classification before and after and the approvers' signatures. Discovered by registers.registry;
drawn through the access gate in one set-based query with prefetches."""

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from approvals.models import Decision
from common.levels import LEVEL_EN, LEVEL_ZH
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
)
from registers.selectors import require_register_access

from . import selectors
from .models import DeclassificationReview, Outcome


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _fields():
    return common_fields(status_choices=DeclassificationReview.Status.choices, kind_label=_("Proposed outcome"),
                         kind_choices=Outcome.choices)


def reviews_extract(*, user, params) -> Extract:
    """Visible reviews proposed in the period, oldest first, with the approvers' signatures."""
    require_register_access(user)
    filters = clean_filters(params, _fields())
    rows = apply_filters(selectors.visible_reviews(user=user), filters.data, kind="outcome")
    rows = list(
        in_period(rows, "created_at", filters)
        .prefetch_related(Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")))
        .order_by("created_at", "pk")
    )
    return extract_of(rows, filters)


def _before(review) -> str:
    level = (LEVEL_ZH if _zh() else LEVEL_EN)[review.level]
    ends = review.expires_on.isoformat() if review.expires_on else ""
    return f"{level} · {ends}".strip(" ·")


def _after(review) -> str:
    if review.outcome == Outcome.DECLASSIFY:
        return "解密" if _zh() else "Declassified"
    marking = review.new_marking_zh if _zh() else review.new_marking_en
    ends = review.new_expires_on.isoformat() if review.new_expires_on else ""
    return f"{marking} · {ends}".strip(" ·")


DECLASSIFICATION_REVIEWS = Register(
    name="declassification-reviews",
    title_zh="保密期限审核（延长、降密、解密）登记簿",
    title_en="Register of secrecy-period reviews (extend, downgrade, declassify)",
    columns=(
        Column("编号", "No.", lambda r: r.number, "5%"),
        Column("提出时间", "Proposed at", lambda r: r.created_at, "9%"),
        Column("登记编号", "Registry number", lambda r: r.carrier.registry_number, "10%"),
        Column("审核结论", "Outcome", lambda r: r.get_outcome_display(), "9%"),
        Column("原密级·期限", "Before", _before, "10%"),
        Column("变更后", "After", _after, "12%"),
        Column("理由", "Reason", lambda r: r.reason, "11%"),
        Column("提出人", "Proposed by", lambda r: person_name(r.requester), "9%"),
        Column("审批签名", "Approval signatures", approval_signatures, "15%", css="font-size: 7pt;"),
        Column("状态", "Status", lambda r: r.get_status_display(), "6%"),
        Column("执行时间", "Applied at", lambda r: r.applied_at, "8%"),
    ),
    draw=reviews_extract,
    fields=_fields,
    filter_names=("unit", "level", "status", "kind", "date_from", "date_to"),
)

REGISTERS = [DECLASSIFICATION_REVIEWS]
