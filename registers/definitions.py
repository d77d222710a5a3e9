"""The registers, each defined once: title, columns, rows (a selector through the access gate)."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carriers.models import Carrier, Status
from common.templatetags.registry import ACTION_LABELS

from . import exposure, selectors, self_inspection
from .base import Column, Register, common_fields, person_name
from .registry import RegisterRegistry


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _container(carrier) -> str:
    container = carrier.container
    if container is None:
        return ""
    return f"{container.code} {container.name_zh if _zh() else container.name_en}"


def _basis(carrier) -> str:
    """The basis of the level and period (定密依据), its classifier (定密责任人) and the date."""
    if not carrier.basis_kind:
        return ""
    if carrier.basis_item is not None:
        # the item's number only: its wording may sit at a higher level than the carrier's reader
        text = f"{'事项' if _zh() else 'Item'} {carrier.basis_item.code}"
    else:
        text = str(carrier.get_basis_kind_display())
    if carrier.classifier_id:
        text += f" / {person_name(carrier.classifier)}"
    if carrier.classified_on:
        text += f" / {carrier.classified_on.isoformat()}"
    return text


def _ledger_fields():
    return common_fields(status_choices=Status.choices, kind_label=_("Kind"), kind_choices=Carrier.Kind.choices)


CARRIER_LEDGER = Register(
    name="carrier-ledger",
    title_zh="涉密载体台账",
    title_en="Register of classified carriers",
    columns=(
        Column("登记编号", "Registry number", lambda c: c.registry_number, "11%"),
        Column("密级标志", "Marking", lambda c: c.marking_zh if _zh() else c.marking_en, "10%"),
        Column("标题", "Title", lambda c: c.title, "17%"),
        Column("类别", "Kind", lambda c: c.get_kind_display(), "6%"),
        Column("份号", "Copy", lambda c: c.copy_number, "5%"),
        Column("状态", "Status", lambda c: c.get_status_display(), "7%"),
        Column("持有人", "Holder", lambda c: person_name(c.holder), "9%"),
        Column("存放位置", "Container", _container, "11%"),
        Column("定密依据", "Classification basis", _basis, "13%"),
        Column("登记时间", "Registered at", lambda c: c.registered_at, "11%"),
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

def _marking(carrier) -> str:
    return carrier.marking_zh if _zh() else carrier.marking_en


EXPOSURE = Register(
    name="exposure",
    title_zh="涉密载体知悉范围报告",
    title_en="Exposure report",
    columns=(
        Column("登记编号", "Registry number", lambda r: r.carrier.registry_number, "12%"),
        Column("密级标志", "Marking", lambda r: _marking(r.carrier), "10%"),
        Column("人员", "Person", lambda r: person_name(r.person), "12%"),
        Column("知悉方式", "How", lambda r: r.how, "18%"),
        Column("自", "From", lambda r: r.since, "12%"),
        Column("至", "Until", lambda r: r.until or ("至今" if _zh() else "still"), "12%"),
        Column("依据", "Record", lambda r: r.evidence, "24%"),
    ),
    draw=exposure.exposure_extract,
    fields=exposure.exposure_fields,
    filter_names=("carrier", "date_from", "date_to"),
)

SELF_INSPECTION = Register(
    name="self-inspection",
    title_zh="保密自查自评报告",
    title_en="Self-inspection report on secrecy",
    columns=(
        Column("条款", "Rule", lambda f: f.rule, "7%"),
        Column("项目", "Figure", lambda f: f.label(), "33%"),
        Column("数量", "Count", lambda f: f.count, "8%"),
        Column("依据", "Evidence in the registry", lambda f: f.evidence(), "52%"),
    ),
    draw=self_inspection.self_inspection_extract,
    fields=self_inspection.year_fields,
    filter_names=("year",),
)

# Every register: these four, then those in each installed app's registers.py (discovered on first use).
REGISTERS = RegisterRegistry((CARRIER_LEDGER, AUDIT_EXTRACT, EXPOSURE, SELF_INSPECTION))
