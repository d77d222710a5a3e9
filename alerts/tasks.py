"""Celery tasks of the alerts app: thin, one service call each, safe to deliver twice.

run_checks retries with exponential backoff on transient database errors only (the database
restarting, a dropped connection); a failing check is logged by the service and the others go
on. acks_late + reject_on_worker_lost (settings) mean a worker killed mid-run leaves the message
to be redelivered, and the alerts' unique constraint makes the re-run create nothing twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TIME_LIMIT = 30 * 60  # far below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, 4 h)


@shared_task(
    name="alerts.tasks.run_checks", acks_late=True, autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=8,
    soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT,
)
def run_checks(only: str | None = None) -> dict:
    return services.run_checks(only=only)


@shared_task(name="alerts.tasks.send_daily_digest", acks_late=True, soft_time_limit=TIME_LIMIT - 60,
             time_limit=TIME_LIMIT)
def send_daily_digest() -> dict:
    return services.send_daily_digest()
