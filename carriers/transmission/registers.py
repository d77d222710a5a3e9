"""The transmission stage's register (R2): dispatch and receipt, one row per dispatch with both
signatures of its handover. Discovered by registers.registry; rows through the access gate in one
set-based query (with prefetches)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.levels import LEVEL_EN, LEVEL_ZH, Level
from registers.base import (
    Column,
    Extract,
    Register,
    apply_filters,
    clean_filters,
    common_fields,
    extract_of,
    in_period,
    person_name,
    signature_text,
)
from registers.selectors import require_register_access

from .models import Channel, Dispatch
from .selectors import _with_carriers, visible_dispatches


def _fields():
    return common_fields(status_choices=Dispatch.Status.choices, kind_label=_("Channel"), kind_choices=Channel.choices)


def dispatch_extract(*, user, params) -> Extract:
    """Visible dispatches sent in the period, oldest first; unit: sent or received by that unit."""
    require_register_access(user)
    filters = clean_filters(params, _fields())
    rows = apply_filters(visible_dispatches(user=user), filters.data,
                         unit=lambda unit: Q(sending_unit_id=unit) | Q(receiving_unit_id=unit), kind="channel")
    rows = list(_with_carriers(in_period(rows, "dispatched_at", filters), user=user).order_by("dispatched_at", "pk"))
    return extract_of(rows, filters)


def _level(dispatch) -> str:
    from django.utils.translation import get_language

    level = Level(dispatch.level)
    return f"{LEVEL_ZH[level]}★" if (get_language() or "").startswith("zh") else f"{LEVEL_EN[level]}★"


def _carriers(dispatch) -> str:
    """The listed carriers the reader may open; the others counted, never named."""
    visible = getattr(dispatch.handover, "visible_items", [])
    lines = [item.carrier.registry_number for item in visible]
    hidden = getattr(dispatch, "carrier_count", len(visible)) - len(visible)
    if hidden:
        lines.append(ngettext("%(counter)s more carrier is not visible to you.",
                              "%(counter)s more carriers are not visible to you.", hidden) % {"counter": hidden})
    return "\n".join(lines)


def _receipt(dispatch) -> str:
    if dispatch.received_at is None:
        return ""
    at = timezone.localtime(dispatch.received_at).strftime("%Y-%m-%d %H:%M")
    counted = _("counted %(n)s") % {"n": dispatch.counted_count}
    return f"{dispatch.receipt_number}\n{person_name(dispatch.received_by)} · {at} · {counted}"


# numbers stay on one line (a line break after a hyphen would split them)
NUMBER_CSS = "white-space: pre; overflow-wrap: normal; font-size: 7pt;"

DISPATCH_RECEIPT = Register(
    name="dispatch-receipt",
    title_zh="涉密载体发送与接收登记簿",
    title_en="Register of dispatch and receipt",
    columns=(
        Column("发文编号", "Dispatch number", lambda d: d.number, "10%", css=NUMBER_CSS),
        Column("发出时间", "Dispatched at", lambda d: d.dispatched_at, "7%"),
        Column("发出单位 → 接收单位", "From → to", lambda d: f"{d.sending_unit} → {d.receiving_unit}", "9%"),
        Column("收件人", "Recipient", lambda d: person_name(d.recipient), "7%"),
        Column("渠道", "Channel", lambda d: d.get_channel_display(), "8%"),
        Column("最高密级", "Highest level", _level, "6%"),
        Column("件数", "Count", lambda d: d.declared_count, "4%"),
        Column("载体", "Carriers", _carriers, "10%", css=NUMBER_CSS),
        Column("状态", "Status", lambda d: d.get_status_display(), "7%"),
        Column("发出签名", "Sender's signature", lambda d: signature_text(d.handover.giver_signature), "11%"),
        Column("签收（编号·人·时间·清点）", "Receipt (number · by · at · count)", _receipt, "11%", css="font-size: 7pt;"),
        Column("签收签名", "Recipient's signature", lambda d: signature_text(d.handover.taker_signature), "10%"),
    ),
    draw=dispatch_extract,
    fields=_fields,
    filter_names=("unit", "level", "status", "kind", "date_from", "date_to"),
)

REGISTERS = [DISPATCH_RECEIPT]
