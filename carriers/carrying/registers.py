"""The carrying stage's register (R5): carried out and checked back in, with the approvers'
signatures and both handovers' signatures. Discovered by registers.registry; drawn through the
access gate in one set-based query with prefetches."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from approvals.models import Decision
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

from . import selectors
from .models import CarryOutRequest, Scope


def _fields():
    return common_fields(department=True, status_choices=CarryOutRequest.Status.choices, kind_label=_("Where to"),
                         kind_choices=Scope.choices)


def carrying_extract(*, user, params) -> Extract:
    """Visible carry-out requests checked out in the period (by the check-out's date), oldest
    first, with their carriers, the approvers' signatures and both handovers' signatures."""
    require_register_access(user)
    filters = clean_filters(params, _fields())
    rows = apply_filters(selectors.visible_requests(user=user).filter(checkout_handover__isnull=False), filters.data,
                         kind="scope")
    rows = list(
        in_period(rows, "checkout_handover__created_at", filters)
        .prefetch_related(Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")))
        .order_by("checkout_handover__created_at", "pk")
    )
    return extract_of(rows, filters)


def _handover_signatures(handover) -> str:
    if handover is None:
        return ""
    return "\n".join(signature_text(s) for s in (handover.giver_signature, handover.taker_signature) if s)


CARRYING_OUT = Register(
    name="carrying-out",
    title_zh="涉密载体携带外出登记簿",
    title_en="Register of carrying out",
    columns=(
        Column("编号", "No.", lambda c: c.number, "5%"),
        Column("外出时间", "Checked out", lambda c: c.checkout_handover.created_at, "8%"),
        Column("密级", "Level", lambda c: c.get_level_display(), "5%"),
        Column("载体", "Carriers", lambda c: "\n".join(x.registry_number for x in c.visible_carriers), "10%"),
        Column("携带人", "Person carrying", lambda c: person_name(c.carrier_person), "7%"),
        Column("类别", "Where to", lambda c: c.get_scope_display(), "7%"),
        Column("目的地", "Destination", lambda c: c.destination, "8%"),
        Column("保护措施", "Protective measures", lambda c: c.protective_measures, "9%"),
        Column("预计归还", "Expected return", lambda c: c.expected_return.isoformat(), "6%"),
        Column("审批签名", "Approval signatures", approval_signatures, "11%", css="font-size: 7pt;"),
        Column("外出交接签名", "Check-out signatures", lambda c: _handover_signatures(c.checkout_handover), "11%",
               css="font-size: 7pt;"),
        Column("归还交接签名", "Check-in signatures", lambda c: _handover_signatures(c.checkin_handover), "11%",
               css="font-size: 7pt;"),
        Column("状态", "Status", lambda c: c.get_status_display(), "6%"),
    ),
    draw=carrying_extract,
    fields=_fields,
    filter_names=("unit", "department", "level", "status", "kind", "date_from", "date_to"),
)

REGISTERS = [CARRYING_OUT]
