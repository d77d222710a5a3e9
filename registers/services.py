"""Exporting a register: draw the rows through the gate, note the audit chain's head, render, and
record the export in the audit trail.

At once (export_register): small registers, in the request. In the background (request_export ->
run_export): a RegisterExport job run by a Celery task (or, in the embedded mode without a broker,
by a thread of the web process), with progress, a result file kept for
REGISTRY["REGISTER_EXPORT_KEEP_HOURS"], downloadable only by its requester while their clearance
reaches the register's level, retried when it failed, deleted when it expires. Every step is
audited."""

import logging
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit import checkpoints as audit_checkpoints
from audit import services as audit_services
from audit.selectors import verify_chain
from common import access, outbox
from common.errors import ValidationFailed, enforce
from common.levels import LEVEL_BY_CODE, LEVEL_EN, LEVEL_ZH, Level

from . import rules, selectors
from .base import LANGUAGES
from .models import ChainVerification, JobStatus, RegisterExport
from .rendering import render_csv, render_register_pdf

log = logging.getLogger(__name__)

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def register_marking(level, language: str) -> str:
    """The register's own marking: the highest level among its rows."""
    if level is None:
        return ""
    level = Level(level)
    if language == "zh-hans":
        return f"{LEVEL_ZH[level]}★"
    return f"{LEVEL_EN[level]}★ ({LEVEL_ZH[level]}★)"


def describe_filters(filters: dict) -> list[tuple[str, str]]:
    """The applied filters (other than the period) as (label, value) in the active language."""
    from carriers.models import Carrier, Status
    from common.levels import LEVEL_BY_CODE
    from personnel.models import Unit

    described = []
    for key, value in filters.items():
        if key == "unit":
            unit = Unit.objects.filter(pk=int(value)).first()
            described.append((_("Unit"), str(unit) if unit else value))
        elif key == "level":
            level = LEVEL_BY_CODE.get(value) or int(value)
            described.append((_("Classification level"), Level(level).label))
        elif key == "status":
            described.append((_("Status"), Status(value).label if value in Status.values else value))
        elif key == "kind":
            described.append((_("Kind"), Carrier.Kind(value).label if value in Carrier.Kind.values else value))
    return described


def _requested_level(params) -> int | None:
    value = (params.get("level") or "") if hasattr(params, "get") else ""
    if not value:
        return None
    if value in LEVEL_BY_CODE:
        return LEVEL_BY_CODE[value]
    return int(value) if str(value).isdigit() and int(value) in Level.values else None


def _check_request(*, actor, name: str, params, fmt: str, language: str):
    """The register, after every check that needs no rendering: who may export, the format and
    language, a level filter above the user's clearance (403), then the filters themselves (400)."""
    register = selectors.register_get(user=actor, name=name)
    enforce(rules.format_and_language(fmt=fmt, language=language, formats=FORMATS, languages=LANGUAGES))
    enforce([rules.requested_level_within_clearance(level=_requested_level(params), clearance=access.clearance_of(actor))])
    return register


# an export's progress bar, by phase (issue 18, item 8): drawing the rows, checking the chain and
# making the cells take the first part; rendering (per chunk) the rest
DRAWN, CHAIN_CHECKED, CELLS_MADE = 0.05, 0.10, 0.15


def _draw(register, *, actor, params, language: str, progress=None):
    """Rows through the gate and the chain head, with the cells in the register's language.
    progress(f), when given, hears each step done (0..CELLS_MADE)."""
    report = progress or (lambda fraction: None)
    extract = register.draw(user=actor, params=params)
    report(DRAWN)
    chain = verify_chain()
    report(CHAIN_CHECKED)
    drawn_at = timezone.now()
    with translation.override(language):
        cells = register.cells(extract)
    report(CELLS_MADE)
    return extract, chain, drawn_at, cells


def _pdf_context(register, *, actor, extract, chain, drawn_at, language: str) -> dict:
    person = access.person_of(actor)
    with translation.override(language):
        return {
            "lang": language,
            "title": register.title(language),
            "marking": register_marking(extract.level, language),
            "headers": register.headers(language),
            "widths": [column.width for column in register.columns],
            "column_css": [column.css for column in register.columns],
            "unit": str(extract.unit or (person.unit if person else "")) or None,
            "period": extract.period,
            "filters": [(str(label), str(value)) for label, value in (
                extract.described if extract.described is not None else describe_filters(extract.filters))],
            "chain": chain,
            # the paper witness: the signed checkpoint the register was drawn from, as text and QR code
            "witness": audit_checkpoints.witness(actor=actor),
            "drawn_at": timezone.localtime(drawn_at),
            "exported_by": audit_services.actor_name_of(actor),
        }


def _render(register, *, actor, extract, chain, drawn_at, cells, fmt: str, language: str, out_path: Path,
            progress=None, scratch_prefix: str = "register-") -> int:
    if fmt == "csv":
        out_path.write_bytes(render_csv(register.headers(language), cells, progress=progress))
        return 0
    context = _pdf_context(register, actor=actor, extract=extract, chain=chain, drawn_at=drawn_at, language=language)
    with translation.override(language):
        return render_register_pdf(context, cells, out_path, progress=progress, scratch_prefix=scratch_prefix)


def _chain_details(chain) -> dict:
    return {"chain_head": chain.head, "chain_count": chain.count, "chain_ok": chain.ok}


def _filename(register_name: str, drawn_at, fmt: str) -> str:
    return f"{register_name}-{timezone.localtime(drawn_at).strftime('%Y%m%d-%H%M%S')}.{fmt}"


def export_register(*, actor, name: str, params, fmt: str, language: str) -> Export:
    """A register drawn and rendered now (small registers; longer ones are refused with a pointer
    to the background export)."""
    register = _check_request(actor=actor, name=name, params=params, fmt=fmt, language=language)
    with transaction.atomic():
        extract, chain, drawn_at, cells = _draw(register, actor=actor, params=params, language=language)
        limit = settings.REGISTRY["REGISTER_SYNC_MAX_ROWS"]
        if len(cells) > limit:
            raise ValidationFailed({"rows": [
                _("This register has %(rows)s rows, more than %(limit)s: export it in the background.")
                % {"rows": len(cells), "limit": limit}
            ]}, code="too_long_for_now")
        with tempfile.TemporaryDirectory(prefix="register-") as scratch:
            out_path = Path(scratch) / f"register.{fmt}"
            _render(register, actor=actor, extract=extract, chain=chain, drawn_at=drawn_at, cells=cells, fmt=fmt,
                    language=language, out_path=out_path)
            content = out_path.read_bytes()
        audit_services.record(
            actor=actor,
            action="register.exported",
            details={"register": register.name, "format": fmt, "language": language, "filters": extract.filters,
                     "rows": len(cells), "level": extract.level, **_chain_details(chain)},
        )
    return Export(content, FORMATS[fmt], _filename(register.name, drawn_at, fmt), len(cells))


# --- background exports -----------------------------------------------------------------------------


def export_dir() -> Path:
    path = Path(settings.REGISTRY["REGISTER_EXPORT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _enqueue_export(export_id: int) -> bool:
    """After commit: hand the job to the broker (the job row is the outbox). With the broker down
    the job stays queued with no dispatched_at; the sweeper sends it when the broker is back."""
    sent = _start_in_background(EXPORT_TASK, run_export, export_id=export_id)
    if sent:
        _note_dispatched(RegisterExport, export_id)
    return sent


def _note_dispatched(model, pk: int) -> None:
    """When a background job was handed to the broker: a queued job's (again when re-sent), and also
    one a quick worker already took (running, even done) before this was written."""
    model.objects.filter(Q(status=JobStatus.QUEUED) | Q(dispatched_at__isnull=True), pk=pk) \
        .update(dispatched_at=timezone.now())


def _start_in_background(task_name: str, function, **kwargs) -> bool:
    """With a broker: the Celery task (common/outbox.py: never raises; False when the broker did not
    take it). Embedded mode (no broker, tasks eager): a thread of this process, so that the page
    can show progress while it runs."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        def run():
            close_old_connections()
            try:
                function(**kwargs)
            except Exception:  # the job records its own failure; never kill the web process
                log.exception("background %s failed", task_name)
            finally:
                close_old_connections()

        threading.Thread(target=run, name=task_name, daemon=True).start()
        return True
    return outbox.publish(task_name, **kwargs)


def _params_of(register, params) -> dict:
    """The filters the register takes, as given (strings), without empty ones."""
    names = set(register.filter_names) | {"date_from", "date_to"}
    return {key: str(params.get(key)) for key in sorted(names) if params.get(key) not in (None, "")}


def request_export(*, actor, name: str, params, fmt: str, language: str) -> RegisterExport:
    """Check everything that can be checked now (who, register, format, language, clearance,
    filters: the same answers as an export at once), then queue the job: the job and its audit
    event commit together; the task is handed to the broker after commit (and by the sweeper if the
    broker was down then), so a job is never lost and the request never fails for the broker."""
    register = _check_request(actor=actor, name=name, params=params, fmt=fmt, language=language)
    filters = _params_of(register, params)
    extract = register.draw(user=actor, params=filters)  # bad filters: 400 here, and no job
    with transaction.atomic():
        job = RegisterExport.objects.create(
            requester=actor, register=register.name, filters=filters, language=language, format=fmt,
            rows=len(extract.rows), level=extract.level,
        )
        audit_services.record(
            actor=actor, action="register.export_requested",
            details={"export": job.pk, "register": register.name, "format": fmt, "language": language, "filters": filters,
                     "rows": len(extract.rows), "level": extract.level},
        )
        transaction.on_commit(lambda: _enqueue_export(job.pk))
    job.refresh_from_db()
    return job


EXPORT_TASK = "registers.tasks.run_register_export"
VERIFY_TASK = "registers.tasks.verify_chain_in_background"
STALE_VERIFICATION = timedelta(minutes=30)  # a chain verification running longer than this died


def _heartbeat_interval() -> float:
    return float(settings.REGISTRY["REGISTER_HEARTBEAT_SECONDS"])


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.REGISTRY["REGISTER_HEARTBEAT_STALE_SECONDS"])


def _is_stale(job: RegisterExport, now=None) -> bool:
    """A running job whose worker gave no sign of life for REGISTER_HEARTBEAT_STALE_SECONDS."""
    last = job.heartbeat_at or job.started_at
    return job.status == JobStatus.RUNNING and (last is None or last < (now or timezone.now()) - _stale_after())


def is_stuck(job: RegisterExport, now=None) -> bool:
    """Its requester may retry it: failed, running without a heartbeat, or queued and never taken
    (the broker never got it, or no worker took it within REGISTER_REDISPATCH_SECONDS)."""
    now = now or timezone.now()
    if job.status == JobStatus.FAILED or _is_stale(job, now):
        return True
    waited = timedelta(seconds=settings.REGISTRY["REGISTER_REDISPATCH_SECONDS"])
    return job.status == JobStatus.QUEUED and (job.dispatched_at is None or job.dispatched_at < now - waited)


def job_notice(job: RegisterExport, now=None) -> str:
    """What the requester is told about a job that waits: for the broker, or for a new worker."""
    now = now or timezone.now()
    if job.waiting_for_broker:
        return str(_("The task queue (broker) is not reachable right now: this export is saved and will start "
                     "when the broker is back. Nothing needs to be done."))
    if _is_stale(job, now):
        return str(_("The worker running this export stopped; it will be started again, or retry it now."))
    if is_stuck(job, now):
        return str(_("No worker has taken this export yet; it is sent again automatically, or retry it now."))
    return ""


class Heartbeat(threading.Thread):
    """While a run renders, write its heartbeat every REGISTER_HEARTBEAT_SECONDS (its own database
    connection). It stops with the run, and dies with the process: a worker killed by the OOM
    killer or with its machine leaves a heartbeat that grows old, which the sweeper (and a
    redelivered task) read as "its worker stopped"."""

    def __init__(self, export_id: int, token: str):
        super().__init__(name=f"export-heartbeat-{export_id}", daemon=True)
        self.export_id, self.token, self.stopped = export_id, token, threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopped.wait(_heartbeat_interval()):
                try:
                    RegisterExport.objects.filter(pk=self.export_id, status=JobStatus.RUNNING,
                                                  run_token=self.token).update(heartbeat_at=timezone.now())
                except Exception:  # the database is away for a moment: the next beat tries again
                    log.warning("export %s: heartbeat not written", self.export_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


def _set_progress(export_id: int, token: str, fraction: float) -> None:
    percent = max(1, min(99, int(fraction * 100)))
    RegisterExport.objects.filter(pk=export_id, status=JobStatus.RUNNING, run_token=token,
                                  progress__lt=percent).update(progress=percent, heartbeat_at=timezone.now())


def _scratch_prefix(export_id: int) -> str:
    return f"scratch-{export_id}-"


def _remove_leftovers(job: RegisterExport) -> int:
    """Delete what earlier runs of this job left in the export directory (scratch folders of a
    killed run, a half-written file): everything of the job but its finished result."""
    removed = 0
    for entry in export_dir().glob(f"*{job.pk}-*"):
        if entry.name == job.result_path and job.status == JobStatus.DONE:
            continue
        if entry.name.startswith(_scratch_prefix(job.pk)) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        elif entry.name.startswith(f"{job.pk}-") and entry.is_file():
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


class Busy(Exception):
    """The export is running in another worker, which is alive (a duplicate delivery)."""


def _take(export_id: int) -> tuple[RegisterExport | None, bool]:
    """Lock the job and decide: (job, True) when this run takes it. A queued job is taken; a
    running one whose heartbeat is stale (its worker died; this is the redelivered or re-sent task)
    is taken again once (REGISTER_AUTO_RERUNS), then failed; a running one with a live heartbeat
    raises Busy; anything else (done, failed, expired: a duplicate delivery) is left alone."""
    with transaction.atomic():
        job = RegisterExport.objects.select_for_update().filter(pk=export_id).first()
        if job is None:
            return None, False
        if job.status == JobStatus.RUNNING:
            if not _is_stale(job):
                raise Busy(export_id)
            if job.reruns >= settings.REGISTRY["REGISTER_AUTO_RERUNS"]:
                _fail(job, _worker_stopped_reason(job))
                return job, False
            job.reruns += 1
            audit_services.record(actor=None, action="register.export_rerun",
                                  details={"export": job.pk, "register": job.register, "attempt": job.attempts + 1,
                                           "reason": "worker stopped (no heartbeat)"})
        elif job.status != JobStatus.QUEUED:
            return job, False
        now = timezone.now()
        job.status, job.progress, job.started_at, job.heartbeat_at, job.error = JobStatus.RUNNING, 1, now, now, ""
        job.attempts += 1
        job.run_token = uuid.uuid4().hex
        job.save(update_fields=["status", "progress", "started_at", "heartbeat_at", "error", "attempts", "run_token",
                                "reruns"])
    return job, True


def _worker_stopped_reason(job) -> str:
    return str(_("The worker running this export stopped %(times)s times (killed or out of memory); "
                 "retry it, or export a smaller register.") % {"times": job.reruns + 1})


def _fail(job: RegisterExport, reason: str) -> None:
    """Inside a transaction, the job locked."""
    job.status, job.finished_at, job.error, job.run_token = JobStatus.FAILED, timezone.now(), reason[:2000], ""
    job.save(update_fields=["status", "finished_at", "error", "run_token"])
    audit_services.record(actor=job.requester, action="register.export_failed",
                          details={"export": job.pk, "register": job.register, "error": job.error})
    transaction.on_commit(lambda: _remove_leftovers(job))


def run_export(*, export_id: int) -> RegisterExport | None:
    """Run one queued export (the Celery task's one call). A job that is not queued (already run,
    a duplicate delivery) is left alone, except one whose worker died (stale heartbeat): it runs
    again, once. Only the run that took the job (its run_token) may finish it, so a job finishes
    exactly once even if a worker thought dead wakes up. Any failure is recorded on the job, with
    why, and audited; scratch files are removed whatever happens (and by the sweeper after a kill).
    Raises Busy when a live worker runs it (the task then waits and looks again)."""
    job, taken = _take(export_id)
    if not taken:
        return job
    token = job.run_token
    actor = job.requester
    out_path = None
    heartbeat = Heartbeat(job.pk, token)
    heartbeat.start()
    try:
        _remove_leftovers(job)  # of an earlier, killed run
        register = selectors.register_get(user=actor, name=job.register)
        enforce([rules.requested_level_within_clearance(level=_requested_level(job.filters),
                                                        clearance=access.clearance_of(actor))])
        extract, chain, drawn_at, cells = _draw(register, actor=actor, params=job.filters, language=job.language,
                                                progress=lambda fraction: _set_progress(job.pk, token, fraction))
        out_path = export_dir() / f"{job.pk}-{uuid.uuid4().hex}.{job.format}"
        pages = _render(register, actor=actor, extract=extract, chain=chain, drawn_at=drawn_at, cells=cells,
                        fmt=job.format, language=job.language, out_path=out_path,
                        progress=lambda fraction: _set_progress(
                            job.pk, token, CELLS_MADE + (1 - CELLS_MADE) * fraction),
                        scratch_prefix=_scratch_prefix(job.pk))
        finished = timezone.now()
        with transaction.atomic():
            current = RegisterExport.objects.select_for_update().get(pk=job.pk)
            if current.status != JobStatus.RUNNING or current.run_token != token:
                # another run took the job over while this worker seemed dead: its result stands
                out_path.unlink(missing_ok=True)
                return current
            job.status, job.progress, job.finished_at = JobStatus.DONE, 100, finished
            job.expires_at = finished + timedelta(hours=settings.REGISTRY["REGISTER_EXPORT_KEEP_HOURS"])
            job.result_path, job.rows, job.level, job.pages = out_path.name, len(cells), extract.level, pages or None
            job.chain_head, job.chain_count, job.run_token = chain.head, chain.count, ""
            job.heartbeat_at, job.reruns = current.heartbeat_at, current.reruns
            job.save()
            audit_services.record(
                actor=actor, action="register.exported",
                details={"export": job.pk, "register": register.name, "format": job.format, "language": job.language,
                         "filters": job.filters, "rows": len(cells), "level": extract.level, "background": True,
                         **_chain_details(chain)},
            )
    except Exception as exc:
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, Http404):
            reason = _("No such register.")
        if isinstance(exc, ValidationFailed):
            reason = "; ".join(str(m) for messages in exc.errors.values() for m in messages)
        with transaction.atomic():
            current = RegisterExport.objects.select_for_update().get(pk=job.pk)
            if current.status == JobStatus.RUNNING and current.run_token == token:
                _fail(current, str(reason))
            job = current
    finally:
        heartbeat.stop()
    _remove_leftovers(job)
    return job


def sweep_background_jobs(*, now=None) -> dict:
    """The outbox's sender and the heartbeat's watchman (beat, every REGISTER_SWEEP_INTERVAL_SECONDS):
    hand to the broker every queued job it never got (or got long ago without a worker taking it),
    run again once every export whose worker stopped (stale heartbeat; a second time it fails and
    its requester may retry it), fail a chain verification left running, and delete scratch files
    left by killed runs. Safe to run twice at once (row locks, SKIP LOCKED)."""
    now = now or timezone.now()
    result = {"sent": 0, "waiting": 0, "rerun": 0, "failed": 0, "removed": 0}
    stale_before = now - _stale_after()
    for pk in list(RegisterExport.objects.filter(status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    ).values_list("pk", flat=True)):
        with transaction.atomic():
            job = RegisterExport.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if job is None or not _is_stale(job, now):
                continue
            if job.reruns >= settings.REGISTRY["REGISTER_AUTO_RERUNS"]:
                _fail(job, _worker_stopped_reason(job))
                result["failed"] += 1
                continue
            job.status, job.progress, job.run_token, job.dispatched_at = JobStatus.QUEUED, 0, "", None
            job.reruns += 1
            job.save(update_fields=["status", "progress", "run_token", "dispatched_at", "reruns"])
            audit_services.record(actor=None, action="register.export_rerun",
                                  details={"export": job.pk, "register": job.register, "attempt": job.attempts + 1,
                                           "reason": "worker stopped (no heartbeat)"})
            result["rerun"] += 1
    resend_before = now - timedelta(seconds=settings.REGISTRY["REGISTER_REDISPATCH_SECONDS"])
    waiting = RegisterExport.objects.filter(status=JobStatus.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before)).order_by("pk")
    for pk in list(waiting.values_list("pk", flat=True)[:1000]):
        if _enqueue_export(pk):
            result["sent"] += 1
        else:
            result["waiting"] += 1
            break  # the broker is down: the others wait for the next sweep
    verifications = ChainVerification.objects.filter(status=JobStatus.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=resend_before))
    for pk in list(verifications.values_list("pk", flat=True)[:100]):
        if not _enqueue_verification(pk):
            result["waiting"] += 1
            break
        result["sent"] += 1
    result["failed"] += ChainVerification.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - STALE_VERIFICATION).update(
        status=JobStatus.FAILED, finished_at=now, error=str(_("The worker running this verification stopped; "
                                                              "verify the chain again.")))
    result["removed"] = _sweep_files(now)
    if any(result[key] for key in ("sent", "rerun", "failed", "removed")) or result["waiting"]:
        log.info("background jobs swept: %s", result)
    return result


def _sweep_files(now) -> int:
    """Scratch folders and half-written files in the export directory of jobs that no live run
    owns (the job is not running, or its heartbeat is stale), and older than the stale delay."""
    old_before = (now - _stale_after()).timestamp()
    by_job: dict[int, list[Path]] = {}
    for entry in export_dir().iterdir():
        name = entry.name.removeprefix("scratch-")
        number = name.split("-", 1)[0]
        if number.isdigit() and "-" in name:
            by_job.setdefault(int(number), []).append(entry)
    removed = 0
    jobs = RegisterExport.objects.in_bulk(list(by_job))
    for pk, entries in by_job.items():
        job = jobs.get(pk)
        if job is not None and job.status == JobStatus.RUNNING and not _is_stale(job, now):
            continue
        for entry in entries:
            if job is not None and job.status == JobStatus.DONE and entry.name == job.result_path:
                continue
            try:
                if entry.stat().st_mtime > old_before:
                    continue
            except FileNotFoundError:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


def _own_export(*, actor, export_id) -> RegisterExport:
    job = selectors.export_get(user=actor, export_id=export_id)
    if job is None:
        raise Http404
    return job


def retry_export(*, actor, export_id: int) -> RegisterExport:
    """Queue again an export that failed or is stuck (its requester only): stuck is running
    without a heartbeat, or queued and never taken (is_stuck). A job running with a live worker, or
    finished, answers 409."""
    job = _own_export(actor=actor, export_id=export_id)
    selectors.require_register_access(actor)
    enforce([rules.may_retry(status=job.status, stuck=is_stuck(job))])
    enforce([rules.requested_level_within_clearance(level=_requested_level(job.filters),
                                                    clearance=access.clearance_of(actor))])
    with transaction.atomic():
        locked = RegisterExport.objects.select_for_update().get(pk=job.pk)
        enforce([rules.may_retry(status=locked.status, stuck=is_stuck(locked))])
        previous = locked.status
        locked.status, locked.progress, locked.finished_at, locked.started_at = JobStatus.QUEUED, 0, None, None
        locked.error, locked.run_token, locked.dispatched_at, locked.reruns = "", "", None, 0
        locked.save(update_fields=["status", "progress", "finished_at", "started_at", "error", "run_token",
                                   "dispatched_at", "reruns"])
        audit_services.record(actor=actor, action="register.export_retried",
                              details={"export": job.pk, "register": job.register, "previous_status": previous,
                                       "previous_error": job.error})
        transaction.on_commit(lambda: (_remove_leftovers(locked), _enqueue_export(job.pk)))
    job.refresh_from_db()
    return job


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    content_type: str


def download_export(*, actor, export_id: int) -> Download:
    """The finished file, for its requester only (others: 404), while their clearance reaches the
    register's level; every download is audited."""
    job = _own_export(actor=actor, export_id=export_id)
    selectors.require_register_access(actor)
    enforce([rules.export_ready(status=job.status)])
    enforce([rules.download_within_clearance(level=job.level, clearance=access.clearance_of(actor))])
    path = export_dir() / job.result_path
    if not path.is_file():
        enforce([rules.export_ready(status=JobStatus.EXPIRED)])
    with transaction.atomic():
        audit_services.record(actor=actor, action="register.export_downloaded",
                              details={"export": job.pk, "register": job.register, "format": job.format, "level": job.level})
    return Download(path, _filename(job.register, job.finished_at, job.format), FORMATS[job.format])


def purge_expired_exports(*, now=None) -> int:
    """Delete the files of exports kept past their time (scheduled)."""
    now = now or timezone.now()
    expired = list(RegisterExport.objects.filter(status=JobStatus.DONE, expires_at__lte=now).order_by("pk"))
    for job in expired:
        with transaction.atomic():
            (export_dir() / job.result_path).unlink(missing_ok=True)
            RegisterExport.objects.filter(pk=job.pk).update(status=JobStatus.EXPIRED, result_path="")
            audit_services.record(actor=None, action="register.export_expired",
                                  details={"export": job.pk, "register": job.register, "expired_at": job.expires_at})
    return len(expired)


# --- verify the chain in the background ------------------------------------------------------------


def request_chain_verification(*, actor) -> ChainVerification:
    selectors.require_register_access(actor)
    with transaction.atomic():
        job = ChainVerification.objects.create(requester=actor)
        transaction.on_commit(lambda: _enqueue_verification(job.pk))
    return job


def _enqueue_verification(verification_id: int) -> bool:
    sent = _start_in_background(VERIFY_TASK, run_chain_verification, verification_id=verification_id)
    if sent:
        _note_dispatched(ChainVerification, verification_id)
    return sent


def run_chain_verification(*, verification_id: int) -> ChainVerification | None:
    """Recompute the whole chain and keep the result; the verification is itself audited."""
    with transaction.atomic():
        job = ChainVerification.objects.select_for_update().filter(pk=verification_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return job
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        report = verify_chain()
    except Exception as exc:  # e.g. the database went away: shown on the page
        ChainVerification.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:2000] or type(exc).__name__, finished_at=timezone.now())
        return job
    with transaction.atomic():
        job.status, job.ok, job.count, job.head = JobStatus.DONE, report.ok, report.count, report.head
        job.broken_seq, job.reason, job.finished_at = report.broken_seq, report.reason[:200], timezone.now()
        job.save()
        audit_services.record(
            actor=job.requester, action="audit.chain_verified",
            details={"verification": job.pk, "ok": report.ok, "count": report.count, "head": report.head, "broken_seq": report.broken_seq,
                     "reason": report.reason},
        )
    return job
