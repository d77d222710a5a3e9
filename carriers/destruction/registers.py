"""The destruction register (销毁登记): one row per destroyed carrier, with who approved, who
destroyed, who supervised (or the facility and its certificate), the method and the time. Every
signature column shows printed name, date and time, and meaning."""

from django.utils.translation import get_language

from registers.base import (
    Column,
    Extract,
    Register,
    clean_period,
    period_bounds,
    signature_text,
    signatures_text,
)
from registers.selectors import require_register_access

from . import selectors
from .models import Route


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _approved_by(item) -> str:
    approval = item.request.approval
    if approval is None:
        return ""
    return signatures_text(d.signature for d in approval.decisions.all() if d.outcome == "approve")


def _destroyed_by(item) -> str:
    request = item.request
    if request.route == Route.FACILITY:
        certificate = getattr(request, "certificate", None)
        if certificate is None:
            return ""
        label = "定点销毁单位" if _zh() else "Designated facility"
        cert = "销毁证明" if _zh() else "certificate"
        return (f"{label}: {request.facility.name} · {cert} {certificate.number} · "
                f"{certificate.issued_on.isoformat()} · {certificate.received_by}")
    return signature_text(request.destroyer_signature)


def _supervised_by(item) -> str:
    request = item.request
    if request.route == Route.FACILITY:
        certificate = getattr(request, "certificate", None)
        return signature_text(certificate.signature) if certificate is not None else ""
    return signature_text(request.supervisor_signature)


def draw(*, user, params) -> Extract:
    """Carriers destroyed in the period (by the time they were destroyed), through the access gate
    (the destruction requests the reader may see), in one query with everything joined."""
    require_register_access(user)
    period_data, period = clean_period(params)
    start, end = period_bounds(period_data)
    rows = list(selectors.destroyed_items(user=user, date_from=start, date_to=end))
    filters = {key: value.isoformat() for key, value in period_data.items() if value}
    return Extract(rows=rows, filters=filters, period=period,
                   level=max((item.carrier.level for item in rows), default=None))


DESTRUCTION_REGISTER = Register(
    name="destruction",
    title_zh="涉密载体销毁登记",
    title_en="Register of destroyed classified carriers",
    columns=(
        Column("登记编号", "Registry number", lambda i: i.carrier.registry_number, "9%"),
        Column("密级标志", "Marking", lambda i: i.carrier.marking_zh if _zh() else i.carrier.marking_en, "8%"),
        Column("标题", "Title", lambda i: i.carrier.title, "14%"),
        Column("销毁申请", "Request", lambda i: f"#{i.request_id}", "5%"),
        Column("销毁方式", "Method", lambda i: i.request.get_method_display(), "9%"),
        Column("批准人（签名）", "Approved by (signature)", _approved_by, "16%", css="white-space: pre-line;"),
        Column("销毁人（签名）", "Destroyed by (signature)", _destroyed_by, "14%"),
        Column("监销人（签名）", "Supervised by (signature)", _supervised_by, "14%"),
        Column("销毁时间", "Destroyed at", lambda i: i.request.destroyed_at, "11%"),
    ),
    draw=draw,
)

REGISTERS = [DESTRUCTION_REGISTER]
