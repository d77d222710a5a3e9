"""The exposure report (issue 19, item 6): for a carrier, everything copied or extracted from it,
and a time window, who could have seen it — its accountable holders by custody, readers in reading
places, circulation readers, borrowers, and meeting attendees — each with the registry's record
that shows it. Read through the access gate only (restrict_label: registers imports no stage), so
it is limited to what the reader may see. Rendered as a page (registers.views.exposure) and as the
"exposure" register (PDF, CSV)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import Http404
from django.utils.translation import gettext as _

from common import access

EXPOSURE_FAMILY_CAP = 2000  # carriers copied or extracted from one carrier, followed at most this far


@dataclass
class Exposure:
    """One person who could have seen a carrier of the report: how, from when until when, and the
    registry's record that shows it (a handover, a reading session, a circulation, a loan, a
    meeting copy)."""

    carrier: object
    person: object
    how: str
    since: datetime | None
    until: datetime | None
    evidence: str

    @property
    def level(self) -> int:
        return self.carrier.level


@dataclass
class ExposureReport:
    carrier: object  # the carrier asked about
    carriers: list  # it and what was copied or extracted from it, that the reader may open
    hidden: int  # how many copies or extracts the reader may not open (left out, never named)
    rows: list


def _family(carrier_id: int) -> list[int]:
    """The carrier and everything copied, extracted or compiled from it, at any remove."""
    from carriers.models import Carrier

    through = Carrier.sources.through
    seen, frontier = [carrier_id], [carrier_id]
    while frontier and len(seen) < EXPOSURE_FAMILY_CAP:
        derived = set(through.objects.filter(to_carrier_id__in=frontier).values_list("from_carrier_id", flat=True))
        frontier = [pk for pk in derived if pk not in seen]
        seen += frontier
    return seen[:EXPOSURE_FAMILY_CAP]


def _overlaps(since, until, start, end) -> bool:
    """[since, until) (until None: still) meets the window [start, end) (None: unbounded)."""
    if end is not None and since is not None and since >= end:
        return False
    return not (start is not None and until is not None and until < start)


def _custody(carriers: list, user) -> list[Exposure]:
    """The accountable holders one after another: the first from registration, each taker of a
    completed handover from its completion until the next."""
    from carriers.models import Handover, HandoverItem

    items = (
        access.restrict(HandoverItem.objects.filter(carrier__in=carriers, handover__status=Handover.Status.COMPLETED),
                        user)
        .select_related("handover__giver__person", "handover__taker__person")
        .order_by("handover__completed_at", "handover_id")
    )
    by_carrier: dict[int, list] = {}
    for item in items:
        by_carrier.setdefault(item.carrier_id, []).append(item.handover)
    rows = []
    registered = _("Registered")
    for carrier in carriers:
        moves = by_carrier.get(carrier.pk, [])
        first = moves[0].giver if moves else carrier.holder
        periods = [(first, carrier.registered_at, moves[0].completed_at if moves else None, registered)]
        for index, handover in enumerate(moves):
            until = moves[index + 1].completed_at if index + 1 < len(moves) else None
            periods.append((handover.taker, handover.completed_at, until,
                            _("Handover #%(pk)s (%(kind)s)") % {"pk": handover.pk, "kind": handover.get_kind_display()}))
        rows += [Exposure(carrier, person, _("Accountable holder"), since, until, evidence)
                 for person, since, until, evidence in periods]
    return rows


def exposure_report(*, user, carrier_id: int, start: datetime | None = None, end: datetime | None = None
                    ) -> ExposureReport:
    """Who could have seen a carrier (and everything copied or extracted from it) between start
    and end: its holders by custody, reading sessions, circulation readers, borrowers, and the
    attendees of meetings where it was handed out. Every source row through the gate: a copy the
    reader may not open is left out (and counted), a record they may not see is not shown."""
    from carriers.models import Carrier

    carrier = access.restrict(Carrier.objects.filter(pk=carrier_id), user).first()
    if carrier is None:
        raise Http404
    family = _family(carrier.pk)
    visible, hidden = access.split_visible(family, user)
    carriers = list(Carrier.objects.filter(pk__in=visible).select_related("holder__person").order_by("registered_at", "pk"))
    by_id = {c.pk: c for c in carriers}
    rows = _custody(carriers, user)
    sessions = access.restrict_label("use.readingsession", user).filter(carrier_id__in=visible).select_related(
        "reader__person", "place")
    rows += [Exposure(by_id[s.carrier_id], s.reader, _("Read it in a reading place"), s.started_at, s.ended_at,
                      _("Reading session #%(pk)s, %(place)s") % {"pk": s.pk, "place": s.place}) for s in sessions]
    readers = access.restrict_label("use.circulationreader", user).filter(
        circulation__carrier_id__in=visible).select_related("reader__person", "circulation")
    rows += [Exposure(by_id[r.circulation.carrier_id], r.reader, _("Circulation reader"), r.circulation.started_at,
                      r.signed_at or r.circulation.completed_at,
                      _("Circulation #%(pk)s") % {"pk": r.circulation_id}) for r in readers]
    loans = access.restrict_label("use.loan", user).filter(carrier_id__in=visible, lent_at__isnull=False).select_related(
        "borrower__person")
    rows += [Exposure(by_id[loan.carrier_id], loan.borrower, _("Borrowed it"), loan.lent_at, loan.returned_at,
                      _("Loan #%(pk)s") % {"pk": loan.pk}) for loan in loans]
    copies = list(access.restrict_label("meetings.meetingcopy", user).filter(carrier_id__in=visible).select_related(
        "attendee__user__person", "meeting"))
    rows += [Exposure(by_id[c.carrier_id], c.attendee.user, _("Handed a copy at a meeting"), c.handed_out_at,
                      c.returned_at or c.kept_at or c.missing_at,
                      _("Meeting #%(pk)s %(title)s") % {"pk": c.meeting_id, "title": c.meeting.title}) for c in copies]
    meetings = {c.meeting_id: (c.meeting, by_id[c.carrier_id]) for c in copies}
    attendees = access.restrict_label("meetings.attendee", user).filter(
        meeting_id__in=list(meetings), signed_in_at__isnull=False).select_related("user__person")
    rows += [Exposure(meetings[a.meeting_id][1], a.user, _("Attended the meeting where it was handed out"),
                      meetings[a.meeting_id][0].starts_at, meetings[a.meeting_id][0].ends_at,
                      _("Meeting #%(pk)s %(title)s") % {"pk": a.meeting_id, "title": meetings[a.meeting_id][0].title})
             for a in attendees]
    rows = [row for row in rows if _overlaps(row.since, row.until, start, end)]
    rows.sort(key=lambda row: (row.since or datetime.min.replace(tzinfo=UTC), row.carrier.pk,
                               getattr(row.person, "pk", 0)))
    return ExposureReport(carrier=carrier, carriers=carriers, hidden=hidden, rows=rows)


def exposure_fields() -> dict:
    from django import forms
    from django.utils.translation import gettext_lazy

    return {"carrier": forms.CharField(label=gettext_lazy("Registry number"), max_length=40, required=False,
                                       help_text=gettext_lazy("The carrier lost or leaked; its copies and extracts are included."))}


def exposure_extract(*, user, params):
    """The exposure report as a register (PDF, CSV): the carrier by its registry number, the window
    by date_from and date_to (both included; none: since registration, until now). No carrier
    named: an empty register (the page asks for one)."""
    from common.errors import ValidationFailed

    from .base import clean_filters, extract_of
    from .selectors import require_register_access

    require_register_access(user)
    filters = clean_filters(params, exposure_fields())
    if not filters.data.get("carrier", "").strip():
        return extract_of([], filters)
    carrier = carrier_by_number(user=user, number=filters.data["carrier"])
    if carrier is None:
        raise ValidationFailed({"carrier": [_("No carrier you may open has this registry number.")]})
    start, end = filters.bounds()
    report = exposure_report(user=user, carrier_id=carrier.pk, start=start, end=end)
    extract = extract_of(report.rows, filters, level_of=lambda row: row.level)
    extract.level = max([extract.level or 0, *(c.level for c in report.carriers)]) or None
    extract.hidden = report.hidden
    if report.hidden:
        extract.described = [*extract.described, (_("Copies and extracts you may not open (left out)"),
                                                  report.hidden)]
    return extract


def carrier_by_number(*, user, number: str):
    from carriers.models import Carrier

    return access.restrict(Carrier.objects.filter(registry_number=(number or "").strip()), user).first()
