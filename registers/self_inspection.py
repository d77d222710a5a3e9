"""The self-inspection report (保密自查自评, issue 19, item 7): for a year, figures per rule of the
regulation (R1-R14: carriers produced, sent, read, copied, carried out, kept and inventoried,
destroyed, meetings, releases, trips, departures, incidents, training) with the registry's evidence
for each — the audit events counted (their sequence numbers in the chain) or the records — as a
register, so the same PDF (both languages) and CSV as every register. Everything is counted through
the gate: the trail's events the reader may see, incidents and alerts they may see."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit.selectors import visible_events
from common import access
from common.errors import ValidationFailed

from .base import Extract

EVIDENCE_SHOWN = 12  # sequence numbers listed per figure (the rest counted)


@dataclass
class Figure:
    rule: str
    label_zh: str
    label_en: str
    count: int
    evidence_zh: str
    evidence_en: str

    def label(self) -> str:
        return self.label_zh if _zh() else self.label_en

    def evidence(self) -> str:
        return self.evidence_zh if _zh() else self.evidence_en


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


# (rule, Chinese, English, the audit actions counted)
FROM_THE_TRAIL = (
    ("R1", "印制涉密载体（批次）", "Production runs of classified carriers", ("production.run",)),
    ("R1", "登记的中间材料", "Intermediate materials registered", ("production.intermediate_registered",)),
    ("R2", "发出的涉密载体（批次）", "Dispatches sent", ("dispatch.sent",)),
    ("R2", "签收的涉密载体（批次）", "Dispatches received and counted", ("dispatch.received",)),
    ("R3", "阅读、传阅和借阅", "Reading sessions, circulations and loans",
     ("use.session_recorded", "use.circulation_started", "use.loan_lent")),
    ("R4", "复制、摘录和汇编", "Copies, extracts and compilations made",
     ("copying.executed", "copying.extract_made", "copying.compilation_made")),
    ("R5", "携带外出", "Carried out of the unit", ("carry_out.carried_out",)),
    ("R5", "携带外出后归还核对", "Checked in after carrying out", ("carry_out.checked_in",)),
    ("R6", "登记的涉密载体", "Carriers registered", ("carrier.registered",)),
    ("R6", "完成的清查", "Inventories closed", ("inventory.closed",)),
    ("R6", "抽查", "Spot checks closed", ("spot_check.closed",)),
    ("R6", "冻结", "Holds placed", ("hold.placed",)),
    ("R7", "销毁", "Destructions recorded", ("destruction.destroyed",)),
    ("R8", "涉密会议分发", "Meeting copies handed out", ("meeting.distributed",)),
    ("R8", "涉密会议结束核对", "Meetings closed after the return check", ("meeting.closed",)),
    ("R9", "对外提供信息（发布）", "Releases to the public", ("publication.released",)),
    ("R11", "出境记录", "Trips abroad recorded", ("travel.trip_recorded",)),
    ("R11", "未经批准的出境", "Trips abroad without approval", ("travel.unapproved_trip",)),
    ("R12", "离岗完成", "Departures completed", ("departure.completed",)),
    ("R14", "保密教育培训", "Secrecy training recorded", ("person.training_recorded",)),
    ("R14", "保密检查", "Inspections of people recorded", ("person.inspected",)),
)


def year_fields() -> dict:
    return {"year": forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2999)}


def _seqs(seqs: list[int], total: int) -> tuple[str, str]:
    if not total:
        return "无记录", "No record"
    shown = ", ".join(str(s) for s in seqs[:EVIDENCE_SHOWN])
    more_zh = f" 等，共 {total} 条" if total > EVIDENCE_SHOWN else f"，共 {total} 条"
    more_en = f" … ({total} in all)" if total > EVIDENCE_SHOWN else f" ({total})"
    return f"审计记录序号 {shown}{more_zh}", f"Audit events no. {shown}{more_en}"


def figures(*, user, year: int) -> list[Figure]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tz)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tz)
    events = visible_events(user=user).filter(at__gte=start, at__lt=end)
    wanted = sorted({a for *_x, actions in FROM_THE_TRAIL for a in actions} | {"inventory.closed"})
    by_action: dict[str, list] = {}
    for seq, action, details in events.filter(action__in=wanted).order_by("seq").values_list("seq", "action",
                                                                                               "details"):
        by_action.setdefault(action, []).append((seq, details))
    rows = []
    for rule, zh, en, actions in FROM_THE_TRAIL:
        found = sorted(seq for a in actions for seq, _d in by_action.get(a, []))
        rows.append(Figure(rule, zh, en, len(found), *_seqs(found, len(found))))
        if actions == ("inventory.closed",):
            closed = by_action.get("inventory.closed", [])
            findings = {k: sum(len((d or {}).get(k) or []) for _s, d in closed) for k in ("missing", "misplaced",
                                                                                         "unexpected")}
            rows.append(Figure(
                "R6", "清查发现（缺失 / 错放 / 账外）", "Inventory findings (missing / misplaced / off the books)",
                sum(findings.values()),
                f"缺失 {findings['missing']}，错放 {findings['misplaced']}，账外 {findings['unexpected']}；"
                + _seqs([s for s, _d in closed], len(closed))[0],
                f"missing {findings['missing']}, misplaced {findings['misplaced']}, "
                f"off the books {findings['unexpected']}; " + _seqs([s for s, _d in closed], len(closed))[1],
            ))
    incidents = access.restrict_label("incidents.incident", user).filter(reported_at__gte=start, reported_at__lt=end)
    numbers = list(incidents.order_by("reported_at").values_list("number", "status"))
    closed = sum(1 for _n, status in numbers if status == "closed")
    listed = ", ".join(n for n, _s in numbers[:EVIDENCE_SHOWN])
    rows.append(Figure("R13", "泄密、丢失和违规事件（已结案）", "Leaks, losses and breaches reported (closed)", len(numbers),
                       f"{listed}（已结案 {closed}）" if numbers else "无记录",
                       f"{listed} ({closed} closed)" if numbers else "No record"))
    alerts = access.restrict_label("alerts.alert", user).filter(opened_at__gte=start, opened_at__lt=end)
    kinds = list(alerts.values("kind").annotate(n=Count("pk")).order_by("-n", "kind"))
    total = sum(k["n"] for k in kinds)
    text = "; ".join(f"{k['kind']} {k['n']}" for k in kinds)
    rows.append(Figure("—", "逾期和到期提醒", "Overdue and due items alerted", total, text or "无记录", text or "No record"))
    return rows


def self_inspection_extract(*, user, params) -> Extract:
    from .base import clean_filters
    from .selectors import require_register_access

    require_register_access(user)
    filters = clean_filters(params, year_fields())
    year = filters.data.get("year") or timezone.localdate().year
    if year > timezone.localdate().year:
        raise ValidationFailed({"year": [_("Choose this year or an earlier one.")]})
    rows = figures(user=user, year=year)
    person = access.person_of(user)
    return Extract(rows=rows, filters={"year": str(year)}, period=(date(year, 1, 1), date(year, 12, 31)),
                   unit=person.unit if person else None, level=None,
                   described=[(_("Year"), year)])
