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
    choice_field,
    clean_filters,
    id_field,
    in_period,
    level_field,
    level_value,
    signature_text,
    signatures_text,
)
from registers.selectors import require_register_access

from . import selectors
from .models import CarryOutRequest, Scope


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def _fields():
    return {
        "unit": id_field(_("Unit")), "department": id_field(_("Department")), "level": level_field(),
        "status": choice_field(_("Status"), CarryOutRequest.Status.choices),
        "kind": choice_field(_("Where to"), Scope.choices),
    }


def carrying_extract(*, user, params) -> Extract:
    """Visible carry-out requests checked out in the period (by the check-out's date), oldest
    first, with their carriers, the approvers' signatures and both handovers' signatures."""
    require_register_access(user)
    filters = clean_filters(params, _fields())
    data = filters.data
    rows = selectors.visible_requests(user=user).filter(checkout_handover__isnull=False)
    if data.get("unit"):
        rows = rows.filter(unit_id=data["unit"])
    if data.get("department"):
        rows = rows.filter(department_id=data["department"])
    if data.get("level"):
        rows = rows.filter(level=level_value(data["level"]))
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    if data.get("kind"):
        rows = rows.filter(scope=data["kind"])
    rows = list(
        in_period(rows, "checkout_handover__created_at", filters)
        .prefetch_related(Prefetch("approval__decisions", queryset=Decision.objects.select_related("signature")))
        .order_by("checkout_handover__created_at", "pk")
    )
    return Extract(rows=rows, filters=filters.applied, period=filters.period, described=filters.described,
                   level=max((row.level for row in rows), default=None))


def _handover_signatures(handover) -> str:
    if handover is None:
        return ""
    return "\n".join(signature_text(s) for s in (handover.giver_signature, handover.taker_signature) if s)


def _approvals(carry) -> str:
    if carry.approval_id is None:
        return ""
    return signatures_text(decision.signature for decision in carry.approval.decisions.all())


CARRYING_OUT = Register(
    name="carrying-out",
    title_zh="涉密载体携带外出登记簿",
    title_en="Register of carrying out",
    columns=(
        Column("编号", "No.", lambda c: c.number, "5%"),
        Column("外出时间", "Checked out", lambda c: c.checkout_handover.created_at, "8%"),
        Column("密级", "Level", lambda c: c.get_level_display(), "5%"),
        Column("载体", "Carriers", lambda c: "\n".join(x.registry_number for x in c.visible_carriers), "10%"),
        Column("携带人", "Person carrying", lambda c: _name(c.carrier_person), "7%"),
        Column("类别", "Where to", lambda c: c.get_scope_display(), "7%"),
        Column("目的地", "Destination", lambda c: c.destination, "8%"),
        Column("保护措施", "Protective measures", lambda c: c.protective_measures, "9%"),
        Column("预计归还", "Expected return", lambda c: c.expected_return.isoformat(), "6%"),
        Column("审批签名", "Approval signatures", _approvals, "11%", css="font-size: 7pt;"),
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
