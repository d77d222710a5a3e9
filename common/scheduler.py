"""The embedded scheduler: without a broker (make run, SQLite), run the beat schedule's tasks
in-process on their intervals, so a newcomer's registry still does its scheduled checks.
With a broker configured, Celery beat (exactly one) does this instead."""

import importlib
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


def _interval_seconds(schedule) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    # crontab and other schedules: ask Celery how long until the next run
    remaining = schedule.remaining_estimate(schedule.now() - timedelta(seconds=1))
    return max(remaining.total_seconds(), 60.0)


def run_task(name: str) -> None:
    from config.celery import app

    if name not in app.tasks:
        # autodiscovery is lazy outside a worker; task names are their module paths
        importlib.import_module(name.rsplit(".", 1)[0])
    close_old_connections()
    try:
        result = app.tasks[name].apply()
        log.info("embedded scheduler ran %s: %s", name, result.result)
    except Exception:  # one failing check must not stop the others
        log.exception("embedded scheduler: %s failed", name)
    finally:
        close_old_connections()


class EmbeddedScheduler(threading.Thread):
    def __init__(self, schedule: dict | None = None, *, tick: float = 1.0):
        super().__init__(name="embedded-scheduler", daemon=True)
        self.schedule = schedule if schedule is not None else settings.CELERY_BEAT_SCHEDULE
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        due = {name: time.monotonic() for name in self.schedule}  # everything runs once at start
        while not self.stopped.is_set():
            now = time.monotonic()
            for name, entry in self.schedule.items():
                if now >= due[name]:
                    run_task(entry["task"])
                    due[name] = time.monotonic() + _interval_seconds(entry["schedule"])
            self.stopped.wait(self.tick)

    def stop(self) -> None:
        self.stopped.set()
