"""The scheduler's own record, readable when Redis is down (alerts.models.ScheduledRun).

- RecordingScheduler (settings.CELERY_BEAT_SCHEDULER) is Celery beat's persistent scheduler that
  also writes, for every due task, when it was handed to the broker or why it could not be. A beat
  that cannot reach the broker (Redis down) therefore no longer fails silently: it logs CRITICAL and
  opens the alert `scheduler_failing` (told to every secrecy office and auditor), which the next
  run of the checks resolves once beat sends again.
- The task signals below record when each scheduled task last started, succeeded or failed, in a
  worker or in the embedded scheduler (make run). "The scheduled checks last ran" is the last
  success of alerts.tasks.run_checks: /healthz and the alerts page show it and say when it is late.

Every write here is best effort: the database being down is logged, never raised into beat or a
task."""

import logging
from datetime import timedelta

from celery import signals
from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

CHECKS_TASK = "alerts.tasks.run_checks"
SCHEDULER_KIND = "scheduler_failing"
SCHEDULER_TARGET = "celery.beat"


def scheduled_tasks() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def _write(task: str, **values) -> None:
    from .models import ScheduledRun

    try:
        close_old_connections()
        ScheduledRun.objects.update_or_create(task=task, defaults=values)
    except Exception:  # the database is down too: the log is all there is
        log.warning("could not record %s for scheduled task %s", sorted(values), task, exc_info=True)
    finally:
        close_old_connections()


def record_sent(task: str) -> None:
    _write(task, last_sent_at=timezone.now())


def record_send_failure(task: str, error: str) -> None:
    log.critical("celery beat could not hand %s to the broker: %s", task, error)
    _write(task, send_failed_at=timezone.now(), send_error=error[:300])
    try:
        open_scheduler_alert(error)
    except Exception:
        log.warning("could not open the %s alert", SCHEDULER_KIND, exc_info=True)
    finally:
        close_old_connections()


def open_scheduler_alert(error: str) -> None:
    """The alert that beat cannot run its tasks (one active at a time), told to every secrecy
    office and auditor, as a broken audit chain is."""
    from .models import Alert, Severity
    from .selectors import audit_chain_keepers

    now = timezone.now()
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(
            kind=SCHEDULER_KIND, target_type=SCHEDULER_TARGET, target_id=0,
            status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED],
            defaults={"target_label": f"celery beat: {error}"[:200], "severity": Severity.CRITICAL,
                      "status": Alert.Status.OPEN, "opened_at": now, "last_seen_at": now, "due_on": now.date()},
        )
        if not created:
            Alert.objects.filter(pk=alert.pk).update(last_seen_at=now)
            return
        users = [user_id for _target, user_id in audit_chain_keepers(today=now.date(), now=now)]
        alert.recipients.add(*users)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


class RecordingScheduler(PersistentScheduler):
    """celery beat's scheduler, recording each send and each failure to send (see the module)."""

    def __init__(self, *args, **kwargs):
        import django

        django.setup()  # beat does not set Django up by itself; idempotent
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        log.info("Scheduler: Sending due task %s (%s)", entry.name, entry.task)
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception as exc:  # the broker is down: recorded, alerted, tried again next time
            record_send_failure(entry.task, _error_text(exc))
        else:
            record_sent(entry.task)


# --- what the workers did with the scheduled tasks -------------------------------------------------


def _name(sender) -> str:
    return getattr(sender, "name", "") or ""


@signals.task_prerun.connect
def _started(sender=None, **kwargs):
    if _name(sender) in scheduled_tasks():
        _write(_name(sender), last_started_at=timezone.now())


@signals.task_success.connect
def _succeeded(sender=None, result=None, **kwargs):
    name = _name(sender)
    if name not in scheduled_tasks():
        return
    failed = sorted(kind for kind, outcome in result.items()
                    if isinstance(outcome, dict) and outcome.get("failed")) if isinstance(result, dict) else []
    if name == CHECKS_TASK and failed:  # some checks raised: not a successful run of the checks
        _write(name, last_failed_at=timezone.now(), last_error=f"checks failed: {', '.join(failed)}"[:300])
        return
    _write(name, last_succeeded_at=timezone.now(), last_error="")


@signals.task_failure.connect
def _failed(sender=None, exception=None, **kwargs):
    if _name(sender) in scheduled_tasks():
        _write(_name(sender), last_failed_at=timezone.now(), last_error=_error_text(exception))


@signals.task_retry.connect
def _retried(sender=None, reason=None, **kwargs):
    if _name(sender) in scheduled_tasks():
        _write(_name(sender), last_failed_at=timezone.now(), last_error=f"retrying: {reason}"[:300])


# --- reading it ------------------------------------------------------------------------------------


def checks_interval() -> timedelta:
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry["task"] == CHECKS_TASK and isinstance(entry["schedule"], timedelta):
            return entry["schedule"]
    return timedelta(hours=1)


def checks_status(now=None) -> dict:
    """The last successful run of the scheduled checks and whether it is late (none for two
    intervals and five minutes), with the beat's last failure to reach the broker."""
    from .models import ScheduledRun

    now = now or timezone.now()
    run = ScheduledRun.objects.filter(task=CHECKS_TASK).first()
    last = run.last_succeeded_at if run else None
    sending = (ScheduledRun.objects.filter(send_failed_at__isnull=False).order_by("-send_failed_at").first())
    failing = sending is not None and (sending.last_sent_at is None or sending.send_failed_at > sending.last_sent_at)
    return {
        "last_success": last,
        "last_failure": run.last_failed_at if run else None,
        "last_error": run.last_error if run else "",
        "late": last is None or last < now - 2 * checks_interval() - timedelta(minutes=5),
        "beat_failing": failing,
        "beat_error": sending.send_error if failing else "",
        "beat_failed_at": sending.send_failed_at if failing else None,
    }
