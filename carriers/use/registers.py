"""The use stage's registers (R3): reading sessions, circulation (传阅登记) and borrowing (借阅登记),
each row with the signatures it carries. Discovered by registers.registry; rows through the access
gate in one set-based query each (with select_related / prefetch)."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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

from .models import Circulation, Loan
from .selectors import visible_circulations, visible_loans, visible_sessions

NUMBER_CSS = "white-space: pre; overflow-wrap: normal; font-size: 7pt;"


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _marking(row) -> str:
    level = Level(row.level)
    return f"{LEVEL_ZH[level]}★" if _zh() else f"{LEVEL_EN[level]}★"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- reading sessions -----------------------------------------------------------------------------------


def _session_fields():
    return common_fields()


def session_extract(*, user, params) -> Extract:
    require_register_access(user)
    filters = clean_filters(params, _session_fields())
    rows = apply_filters(visible_sessions(user=user), filters.data)
    return extract_of(in_period(rows, "started_at", filters).order_by("started_at", "pk"), filters)


READING_SESSIONS = Register(
    name="reading-sessions",
    title_zh="涉密载体阅读登记簿",
    title_en="Register of reading sessions",
    columns=(
        Column("登记编号", "Registry number", lambda s: s.carrier.registry_number, "13%", css=NUMBER_CSS),
        Column("密级", "Level", _marking, "6%"),
        Column("阅读人", "Reader", lambda s: person_name(s.reader), "14%", css=NUMBER_CSS),
        Column("阅读场所", "Reading place", lambda s: f"{s.place.name} ({s.place.get_kind_display()})", "14%"),
        Column("起", "From", lambda s: s.started_at, "10%"),
        Column("止", "Until", lambda s: s.ended_at, "10%"),
        Column("已告知规定", "Told the rules", lambda s: "是" if _zh() else "yes", "6%"),
        Column("事由", "Purpose", lambda s: s.purpose, "10%"),
        Column("登记人", "Recorded by", lambda s: f"{person_name(s.recorded_by)}\n{_when(s.recorded_at)}", "17%",
               css=NUMBER_CSS),
    ),
    draw=session_extract,
    fields=_session_fields,
    filter_names=("unit", "level", "date_from", "date_to"),
)


# --- circulation -----------------------------------------------------------------------------------------


def _circulation_fields():
    return common_fields(status_choices=Circulation.Status.choices)


def circulation_extract(*, user, params) -> Extract:
    require_register_access(user)
    filters = clean_filters(params, _circulation_fields())
    rows = apply_filters(visible_circulations(user=user), filters.data)
    return extract_of(in_period(rows, "started_at", filters).order_by("started_at", "pk"), filters)


def _readers(circulation) -> str:
    """Each reader in order with their signature (or "not signed yet")."""
    lines = []
    for row in circulation.readers.all():
        signed = signature_text(row.signature) if row.signature else str(_("not signed yet"))
        lines.append(f"{row.position}. {person_name(row.reader)}: {signed}")
    return "\n".join(lines)


CIRCULATIONS = Register(
    name="circulations",
    title_zh="涉密载体传阅登记簿",
    title_en="Register of circulation",
    columns=(
        Column("登记编号", "Registry number", lambda c: c.carrier.registry_number, "13%", css=NUMBER_CSS),
        Column("密级", "Level", _marking, "7%"),
        Column("传阅发起人", "Sent round by", lambda c: person_name(c.started_by), "11%", css=NUMBER_CSS),
        Column("开始时间", "Started at", lambda c: c.started_at, "11%"),
        Column("传阅人及签名（按顺序）", "Readers and their signatures, in order", _readers, "38%",
               css="font-size: 7pt;"),
        Column("状态", "Status", lambda c: c.get_status_display(), "9%"),
        Column("完成时间", "Completed at", lambda c: c.completed_at, "11%"),
    ),
    draw=circulation_extract,
    fields=_circulation_fields,
    filter_names=("unit", "level", "status", "date_from", "date_to"),
)


# --- borrowing -------------------------------------------------------------------------------------------


def _loan_fields():
    return common_fields(status_choices=Loan.Status.choices)


def loan_extract(*, user, params) -> Extract:
    require_register_access(user)
    filters = clean_filters(params, _loan_fields())
    rows = apply_filters(visible_loans(user=user), filters.data)
    return extract_of(in_period(rows, "requested_at", filters).order_by("requested_at", "pk"), filters)


def _sig(handover, side):
    if handover is None:
        return ""
    return signature_text(getattr(handover, f"{side}_signature"))


LOANS = Register(
    name="loans",
    title_zh="涉密载体借阅登记簿",
    title_en="Register of borrowing",
    columns=(
        Column("登记编号", "Registry number", lambda loan: loan.carrier.registry_number, "11%", css=NUMBER_CSS),
        Column("密级", "Level", _marking, "6%"),
        Column("借阅人", "Borrower", lambda loan: person_name(loan.borrower), "10%", css=NUMBER_CSS),
        Column("事由", "Purpose", lambda loan: loan.purpose, "7%"),
        Column("应还日期", "Due back on", lambda loan: loan.due_on.isoformat(), "7%"),
        Column("状态", "Status", lambda loan: loan.get_status_display(), "8%"),
        Column("出借签名", "Lent (lender's signature)", lambda loan: _sig(loan.lend_handover, "giver"), "13%"),
        Column("借阅人签收", "Received (borrower's signature)", lambda loan: _sig(loan.lend_handover, "taker"), "13%"),
        Column("归还签名", "Returned (borrower's signature)", lambda loan: _sig(loan.return_handover, "giver"), "12%"),
        Column("收回签名", "Taken back (lender's signature)", lambda loan: _sig(loan.return_handover, "taker"), "13%"),
    ),
    draw=loan_extract,
    fields=_loan_fields,
    filter_names=("unit", "level", "status", "date_from", "date_to"),
)

REGISTERS = [READING_SESSIONS, CIRCULATIONS, LOANS]
