"""Exporting a register: draw the rows through the gate, note the audit chain's head, render, and
record the export in the audit trail.

At once (export_register): small registers, in the request. In the background (request_export ->
run_export): a RegisterExport job run by a Celery task (or, in the embedded mode without a broker,
by a thread of the web process), with progress, a result file kept for
REGISTRY["REGISTER_EXPORT_KEEP_HOURS"], downloadable only by its requester while their clearance
reaches the register's level, retried when it failed, deleted when it expires. Every step is
audited."""

import logging
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit import checkpoints as audit_checkpoints
from audit import services as audit_services
from audit.selectors import verify_chain
from common import access
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


def _draw(register, *, actor, params, language: str):
    """Rows through the gate and the chain head, with the cells in the register's language."""
    extract = register.draw(user=actor, params=params)
    chain = verify_chain()
    drawn_at = timezone.now()
    with translation.override(language):
        cells = register.cells(extract)
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
            progress=None) -> int:
    if fmt == "csv":
        out_path.write_bytes(render_csv(register.headers(language), cells))
        return 0
    context = _pdf_context(register, actor=actor, extract=extract, chain=chain, drawn_at=drawn_at, language=language)
    with translation.override(language):
        return render_register_pdf(context, cells, out_path, progress=progress)


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


def _enqueue_export(export_id: int) -> None:
    _start_in_background("registers.tasks.run_register_export", run_export, export_id=export_id)


def _start_in_background(task_name: str, function, **kwargs) -> None:
    """With a broker: the Celery task. Embedded mode (no broker, tasks eager): a thread of this
    process, so that the page can show progress while it runs."""
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
        return
    from config.celery import app

    app.send_task(task_name, kwargs=kwargs)


def _params_of(register, params) -> dict:
    """The filters the register takes, as given (strings), without empty ones."""
    names = set(register.filter_names) | {"date_from", "date_to"}
    return {key: str(params.get(key)) for key in sorted(names) if params.get(key) not in (None, "")}


def request_export(*, actor, name: str, params, fmt: str, language: str) -> RegisterExport:
    """Check everything that can be checked now (who, register, format, language, clearance,
    filters: the same answers as an export at once), then queue the job."""
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
    return job


STALE_RUNNING = timedelta(minutes=30)  # longer than any render; a worker that died left it running


def _set_progress(export_id: int, fraction: float) -> None:
    percent = max(1, min(99, int(fraction * 100)))
    RegisterExport.objects.filter(pk=export_id, status=JobStatus.RUNNING, progress__lt=percent).update(progress=percent)


def run_export(*, export_id: int) -> RegisterExport | None:
    """Run one queued export (the Celery task's one call). A job that is not queued (already run,
    a duplicate delivery) is left alone, except one left running for longer than
    STALE_RUNNING by a worker that died (the task is redelivered then): it runs again. Any failure
    is recorded on the job, with why, and audited."""
    with transaction.atomic():
        job = RegisterExport.objects.select_for_update().filter(pk=export_id).first()
        stale = (job is not None and job.status == JobStatus.RUNNING and job.started_at is not None
                 and job.started_at < timezone.now() - STALE_RUNNING)
        if job is None or (job.status != JobStatus.QUEUED and not stale):
            return job
        job.status, job.progress, job.started_at, job.error = JobStatus.RUNNING, 1, timezone.now(), ""
        job.attempts += 1
        job.save(update_fields=["status", "progress", "started_at", "error", "attempts"])
    actor = job.requester
    out_path = None
    try:
        register = selectors.register_get(user=actor, name=job.register)
        enforce([rules.requested_level_within_clearance(level=_requested_level(job.filters),
                                                        clearance=access.clearance_of(actor))])
        extract, chain, drawn_at, cells = _draw(register, actor=actor, params=job.filters, language=job.language)
        out_path = export_dir() / f"{job.pk}-{uuid.uuid4().hex}.{job.format}"
        pages = _render(register, actor=actor, extract=extract, chain=chain, drawn_at=drawn_at, cells=cells,
                        fmt=job.format, language=job.language, out_path=out_path,
                        progress=lambda fraction: _set_progress(job.pk, fraction))
        finished = timezone.now()
        with transaction.atomic():
            job.status, job.progress, job.finished_at = JobStatus.DONE, 100, finished
            job.expires_at = finished + timedelta(hours=settings.REGISTRY["REGISTER_EXPORT_KEEP_HOURS"])
            job.result_path, job.rows, job.level, job.pages = out_path.name, len(cells), extract.level, pages or None
            job.chain_head, job.chain_count = chain.head, chain.count
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
            job.status, job.finished_at, job.error = JobStatus.FAILED, timezone.now(), str(reason)[:2000]
            job.save(update_fields=["status", "finished_at", "error"])
            audit_services.record(actor=actor, action="register.export_failed",
                                  details={"export": job.pk, "register": job.register, "error": job.error})
    return job


def _own_export(*, actor, export_id) -> RegisterExport:
    job = selectors.export_get(user=actor, export_id=export_id)
    if job is None:
        raise Http404
    return job


def retry_export(*, actor, export_id: int) -> RegisterExport:
    """Queue a failed export again (its requester only)."""
    job = _own_export(actor=actor, export_id=export_id)
    selectors.require_register_access(actor)
    enforce([rules.may_retry(status=job.status)])
    enforce([rules.requested_level_within_clearance(level=_requested_level(job.filters),
                                                    clearance=access.clearance_of(actor))])
    with transaction.atomic():
        updated = RegisterExport.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED, progress=0, error="", finished_at=None, started_at=None
        )
        enforce([rules.may_retry(status=JobStatus.FAILED if updated else JobStatus.QUEUED)])
        audit_services.record(actor=actor, action="register.export_retried",
                              details={"export": job.pk, "register": job.register, "previous_error": job.error})
        transaction.on_commit(lambda: _enqueue_export(job.pk))
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
        transaction.on_commit(lambda: _start_in_background(
            "registers.tasks.verify_chain_in_background", run_chain_verification, verification_id=job.pk))
    return job


def run_chain_verification(*, verification_id: int) -> ChainVerification | None:
    """Recompute the whole chain and keep the result; the verification is itself audited."""
    with transaction.atomic():
        job = ChainVerification.objects.select_for_update().filter(pk=verification_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return job
        job.status = JobStatus.RUNNING
        job.save(update_fields=["status"])
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
