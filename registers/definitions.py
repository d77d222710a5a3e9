"""The registers, each defined once: title, columns, rows (a selector through the access gate)."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carriers.models import Carrier, Status
from common.templatetags.registry import ACTION_LABELS

from . import selectors
from .base import Column, Register, common_fields, person_name
from .registry import RegisterRegistry


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _container(carrier) -> str:
    container = carrier.container
    if container is None:
        return ""
    return f"{container.code} {container.name_zh if _zh() else container.name_en}"


def _ledger_fields():
    return common_fields(status_choices=Status.choices, kind_label=_("Kind"), kind_choices=Carrier.Kind.choices)


CARRIER_LEDGER = Register(
    name="carrier-ledger",
    title_zh="涉密载体台账",
    title_en="Register of classified carriers",
    columns=(
        Column("登记编号", "Registry number", lambda c: c.registry_number, "11%"),
        Column("密级标志", "Marking", lambda c: c.marking_zh if _zh() else c.marking_en, "10%"),
        Column("标题", "Title", lambda c: c.title, "22%"),
        Column("类别", "Kind", lambda c: c.get_kind_display(), "7%"),
        Column("份号", "Copy", lambda c: c.copy_number, "6%"),
        Column("状态", "Status", lambda c: c.get_status_display(), "8%"),
        Column("持有人", "Holder", lambda c: person_name(c.holder), "10%"),
        Column("存放位置", "Container", _container, "13%"),
        Column("登记时间", "Registered at", lambda c: c.registered_at, "13%"),
    ),
    draw=selectors.ledger_extract,
    fields=_ledger_fields,
    filter_names=(*selectors.LEDGER_FILTERS, "date_from", "date_to"),
)


AUDIT_EXTRACT = Register(
    name="audit-trail",
    title_zh="审计记录摘录",
    title_en="Audit trail extract",
    columns=(
        Column("序号", "Seq.", lambda e: e.seq, "6%"),
        Column("时间", "Time", lambda e: e.at, "12%"),
        Column("操作人", "Who", lambda e: e.actor_name, "14%"),
        Column("操作", "Action", lambda e: ACTION_LABELS.get(e.action, e.action), "16%"),
        Column("对象", "Target", lambda e: e.target_label or (f"{e.target_type} {e.target_id}".strip()), "20%"),
        Column(
            "哈希", "Hash", lambda e: e.hash, "32%",
            css='font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; word-break: break-all;',
        ),
    ),
    draw=selectors.audit_extract,
)

# Every register: these two, then those in each installed app's registers.py (discovered on first use).
REGISTERS = RegisterRegistry((CARRIER_LEDGER, AUDIT_EXTRACT))
