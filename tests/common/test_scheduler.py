"""The embedded scheduler runs the beat schedule's tasks in-process when no broker is set."""

import time
from datetime import timedelta

import pytest

from common import scheduler


def test_embedded_scheduler_runs_each_task_at_start_and_on_interval(monkeypatch):
    calls = []
    monkeypatch.setattr(scheduler, "run_task", lambda name: calls.append(name))
    sched = scheduler.EmbeddedScheduler(
        {"fast": {"task": "t.fast", "schedule": timedelta(seconds=0.2)},
         "slow": {"task": "t.slow", "schedule": timedelta(hours=1)}},
        tick=0.05,
    )
    sched.start()
    time.sleep(0.7)
    sched.stop()
    sched.join(timeout=2)
    assert calls.count("t.slow") == 1
    assert calls.count("t.fast") >= 3


@pytest.mark.django_db
def test_a_failing_task_does_not_stop_the_scheduler(monkeypatch, caplog):
    from config.celery import app

    def boom():
        raise RuntimeError("check failed")

    monkeypatch.setitem(app.tasks, "t.boom", type("T", (), {"apply": staticmethod(boom)})())
    scheduler.run_task("t.boom")  # logged, not raised
    assert "t.boom failed" in caplog.text
