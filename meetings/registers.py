"""The meetings' register (R8): distribution and return at confidential meetings, one row per copy
handed out, with the signatures of its hand-out, receipt, return or keeping, and its outcome at
the return check. Discovered by registers.registry; rows through the access gate in one set-based
query (select_related)."""

from django.utils import timezone
from django.utils.translation import get_language

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

from . import selectors
from .models import MeetingCopy


def _fields():
    return common_fields(status_choices=MeetingCopy.State.choices)


def distribution_extract(*, user, params) -> Extract:
    """Copies handed out at the meetings the user may see, in the period (by hand-out time), oldest
    first; unit: the meeting's unit (default: the reader's own)."""
    require_register_access(user)
    filters = clean_filters(params, _fields())
    data = filters.data
    from personnel.models import Unit

    unit = Unit.objects.filter(pk=data["unit"]).first() if data.get("unit") else None
    rows = selectors.distribution_register(user=user, unit=unit, status=data.get("status") or "")
    if data.get("unit") and unit is None:
        rows = rows.none()
    # unit and status were applied by the selector above
    rows = apply_filters(rows, data, unit=None, status=None, level="carrier__level")
    return extract_of(in_period(rows, "handed_out_at", filters), filters, level_of=lambda row: row.carrier.level)


def _meeting(copy) -> str:
    meeting = copy.meeting
    at = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    return f"#{meeting.pk} {meeting.title}\n{at} · {meeting.venue}"


def _marking(copy) -> str:
    level = Level(copy.carrier.level)
    return f"{LEVEL_ZH[level]}★" if (get_language() or "").startswith("zh") else f"{LEVEL_EN[level]}★"


def _back(copy) -> str:
    """Who took it back: the organiser's receipt of the return, or the unit office's of a kept copy;
    with the organiser's approval to keep it."""
    parts = []
    if copy.return_handover_id:
        parts.append(signature_text(copy.return_handover.taker_signature))
    if copy.keep_signature_id:
        parts.append(signature_text(copy.keep_signature))
    if copy.keep_handover_id:
        parts.append(signature_text(copy.keep_handover.taker_signature))
    return "\n".join(p for p in parts if p)


def _outcome(copy) -> str:
    text = str(selectors.OUTCOMES[selectors.outcome_of(copy)])
    if copy.state == MeetingCopy.State.MISSING:
        at = timezone.localtime(copy.missing_at).strftime("%Y-%m-%d %H:%M")
        text += f"\n{person_name(copy.missing_by)} · {at}\n{copy.missing_note}"
    return text


NUMBER_CSS = "white-space: pre; overflow-wrap: normal; font-size: 7pt;"

MEETING_DISTRIBUTION = Register(
    name="meeting-distribution",
    title_zh="涉密会议文件分发与清退登记簿",
    title_en="Register of meeting document distribution and return",
    columns=(
        Column("会议", "Meeting", _meeting, "14%"),
        Column("载体编号·份号", "Carrier · copy", lambda c: f"{c.carrier.registry_number}\n{c.carrier.copy_number}",
               "10%", css=NUMBER_CSS),
        Column("密级", "Level", _marking, "6%"),
        Column("参会人", "Attendee", lambda c: person_name(c.attendee.user), "8%"),
        Column("分发签名", "Handed out (signature)", lambda c: signature_text(c.handover.giver_signature), "13%"),
        Column("签收签名", "Received (signature)", lambda c: signature_text(c.handover.taker_signature), "13%"),
        Column("清退或留存签名", "Returned or kept (signatures)", _back, "18%"),
        Column("清点结果", "Return check", _outcome, "18%"),
    ),
    draw=distribution_extract,
    fields=_fields,
    filter_names=("unit", "level", "status", "date_from", "date_to"),
)

REGISTERS = [MEETING_DISTRIBUTION]
