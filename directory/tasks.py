"""Celery task of the directory app: the scheduled sync (settings.CELERY_BEAT_SCHEDULE, and the
embedded scheduler without a broker). Thin: one service call. A directory outage is not an error
of the task: the service records it (audit event, alert) and changes nothing."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TIME_LIMIT = 30 * 60


@shared_task(
    name="directory.tasks.sync_directory", acks_late=True, autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=8,
    soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT,
)
def sync_directory() -> dict:
    run = services.sync()
    if run is None:
        return {"enabled": False}
    return {"ok": run.ok, "error": run.error, "created": len(run.summary.get("created", [])),
            "updated": len(run.summary.get("updated", [])), "closed": len(run.summary.get("closed", []))}
