"""R13 as rules: what an incident report and its handling must contain."""

from datetime import datetime

from django.utils.translation import gettext as _

from common.errors import Violation

KINDS = ("leak", "loss", "violation")


def kind_known(*, kind: str) -> Violation | None:
    if kind not in KINDS:
        return Violation(_("Choose one of: %(values)s.") % {"values": ", ".join(KINDS)}, field="kind")
    return None


def says_what(*, text: str, field: str = "summary", message: str = "") -> Violation | None:
    if not (text or "").strip():
        return Violation(message or _("Say what happened."), field=field)
    return None


def not_in_future(*, occurred_at: datetime, now: datetime, field: str = "occurred_at") -> Violation | None:
    if occurred_at > now:
        return Violation(_("It cannot have happened in the future."), field=field)
    return None


def loss_names_carriers(*, kind: str, carriers: list) -> Violation | None:
    """A loss is of something: name at least one carrier (a leak or violation may have none)."""
    if kind == "loss" and not carriers:
        return Violation(_("Name the carrier that was lost."), field="carriers")
    return None


def step_kind_known(*, kind: str) -> Violation | None:
    if kind not in ("remedy", "report", "note"):
        return Violation(_("Choose one of: %(values)s.") % {"values": "remedy, report, note"}, field="kind")
    return None


def still_open(*, status: str) -> Violation | None:
    if status == "closed":
        return Violation(_("This incident is closed; nothing more can be recorded."), code="incident_closed",
                         kind="conflict")
    return None


def may_close(*, remedial_measures: str, reported_to: str) -> Violation | None:
    """R13: remedy at once and report at once — an incident closes only when both are on record."""
    missing = []
    if not remedial_measures.strip():
        missing.append(_("the remedial measures taken"))
    if not reported_to.strip():
        missing.append(_("whom it was reported to"))
    if missing:
        return Violation(
            _("Record %(missing)s before closing the incident.") % {"missing": _(" and ").join(missing)},
            code="incident_incomplete",
        )
    return None
