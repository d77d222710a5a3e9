"""Who may export and download a register, as pure functions (None: allowed; else a Violation).

A register carries the highest level among its rows as its own marking: a reader may draw only what
their clearance reaches (the access gate), may not ask for a level above it, and may fetch a
finished export only while their clearance still reaches the register's level."""

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import JobStatus


def requested_level_within_clearance(*, level: int | None, clearance: int) -> Violation | None:
    if level is not None and level > clearance:
        return Violation(
            _("You are cleared up to %(clearance)s: you may not export a register of %(level)s carriers.")
            % {"clearance": Level(clearance).label if clearance else _("no classified level"),
               "level": Level(level).label},
            field="level", code="above_clearance", kind="refused",
        )
    return None


def download_within_clearance(*, level: int | None, clearance: int) -> Violation | None:
    if level is not None and level > clearance:
        return Violation(
            _("This register is marked %(level)s; your clearance no longer reaches it, so it cannot be downloaded.")
            % {"level": Level(level).label},
            code="above_clearance", kind="refused",
        )
    return None


def export_ready(*, status: str) -> Violation | None:
    if status == JobStatus.DONE:
        return None
    messages = {
        JobStatus.QUEUED: _("This export has not started yet."),
        JobStatus.RUNNING: _("This export is still running."),
        JobStatus.FAILED: _("This export failed; retry it."),
        JobStatus.EXPIRED: _("This export's file has expired and was deleted; export the register again."),
    }
    return Violation(messages.get(status, _("This export is not ready.")), code=f"export_{status}", kind="conflict")


def may_retry(*, status: str, stuck: bool = False) -> Violation | None:
    """A failed export, or a stuck one (queued and never taken by a worker, or running without a
    heartbeat from its worker)."""
    if status == JobStatus.FAILED or (stuck and status in (JobStatus.QUEUED, JobStatus.RUNNING)):
        return None
    if status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return Violation(_("This export is on its way (its worker is alive, or the broker has it): it cannot be "
                           "retried now."), code="not_stuck", kind="conflict")
    return Violation(_("Only a failed or stuck export can be retried."), code="not_failed", kind="conflict")


def format_and_language(*, fmt: str, language: str, formats, languages) -> list[Violation]:
    found = []
    if fmt not in formats:
        found.append(Violation(_("Choose PDF or CSV."), field="format"))
    if language not in languages:
        found.append(Violation(_("Choose zh-hans or en."), field="lang"))
    return found
