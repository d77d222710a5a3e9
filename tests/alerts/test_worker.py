"""The checks in a real Celery worker, on a private Redis started here (so that a short
visibility timeout and a killed worker touch nobody else's queue), against a scratch PostgreSQL
database: one alert per overdue carrier, none on the second run, resolved when cleared; a worker
SIGKILLed in the middle of a run, then a new worker: the task is redelivered and re-run, and no
alert exists twice."""

import contextlib
import shutil
import signal
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from celery import Celery

from tests.live import ROOT, free_port, manage, process_env, scratch_database, wait_for_port

TASK = "alerts.tasks.run_checks"
VISIBILITY = 3  # seconds: the killed run's message comes back this soon

SEED = (
    "from datetime import timedelta\n"
    "from django.db import transaction\n"
    "from django.utils import timezone\n"
    "from audit import services as audit\n"
    "from carriers.models import Carrier\n"
    "from personnel import roles\n"
    "from tests.factories import DepartmentFactory, PersonFactory, UnitFactory, ContainerFactory, register\n"
    "u = UnitFactory(code='U'); d = DepartmentFactory(code='U-S', parent=u)\n"
    "sec = PersonFactory(user__username='sec', unit=u, department=d, secrecy_post='core',"
    " roles=[roles.SECRECY_OFFICE]).user\n"
    "safe = ContainerFactory(code='S', kind='combination_safe', unit=u, max_level=3)\n"
    "today = timezone.localdate()\n"
    "for i, days in enumerate((-5, 30, 4000)):\n"
    "    c = register(sec, container=safe, level=2, copy_number=f'00000{i + 1}', copies_total=3)\n"
    # a period set back in time, with its own audit event (the database refuses it without one)
    "    with transaction.atomic():\n"
    "        Carrier.objects.filter(pk=c.pk).update(expires_on=today + timedelta(days=days))\n"
    "        audit.record(actor=sec, action='test.backdated', target=c, details={'days': days})\n"
)


def set_expiry(url, carrier_id, days):
    """Move a carrier's period end, with its own audit event (the database refuses it without)."""
    manage(url, "shell", "-c", (
        "from datetime import timedelta\n"
        "from django.db import transaction\n"
        "from django.utils import timezone\n"
        "from audit import services as audit\n"
        "from carriers.models import Carrier\n"
        "with transaction.atomic():\n"
        f"    Carrier.objects.filter(pk={int(carrier_id)}).update(expires_on=timezone.localdate() + timedelta(days={int(days)}))\n"
        f"    audit.record(actor=None, action='test.backdated', target=Carrier.objects.get(pk={int(carrier_id)}))\n"
    ))


@contextlib.contextmanager
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc=proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_worker(url, broker, queue, log_path):
    env = process_env(url, REDIS_URL=broker, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker,
                      CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY))
    log = open(log_path, "a")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-l", "info",
         "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:4]}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_result(result, proc, log_path, timeout=40.0):
    deadline = time.monotonic() + timeout
    while not result.ready():
        if proc.poll() is not None:
            pytest.fail(f"the worker exited with {proc.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no result after {timeout}s:\n{log_path.read_text()}")
        time.sleep(0.1)
    return result.get(timeout=5)


def alert_rows(url):
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT kind, target_id, status FROM alerts_alert ORDER BY kind, target_id, id"
        ).fetchall()


def duplicates(url):
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT kind, target_id, count(*) FROM alerts_alert WHERE status <> 'resolved' "
            "GROUP BY kind, target_id HAVING count(*) > 1"
        ).fetchall()


@pytest.mark.live
def test_worker_runs_checks_once_and_survives_a_kill(tmp_path):
    queue = f"alerts-test-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    with scratch_database() as url, private_redis(tmp_path) as broker:
        manage(url, "shell", "-c", SEED, timeout=60)
        sender = Celery("test-sender", broker=broker, backend=broker)
        sender.conf.broker_transport_options = {"visibility_timeout": VISIBILITY}
        worker = start_worker(url, broker, queue, log_path)
        try:
            # an overdue condition gives exactly one alert; a second run none
            first = wait_result(sender.send_task(TASK, kwargs={"only": "secrecy_ended"}, queue=queue), worker, log_path)
            assert first == {"secrecy_ended": {"created": 1, "resolved": 0}}
            second = wait_result(sender.send_task(TASK, kwargs={"only": "secrecy_ended"}, queue=queue), worker, log_path)
            assert second == {"secrecy_ended": {"created": 0, "resolved": 0}}
            [(kind, target, status)] = alert_rows(url)
            assert (kind, status) == ("secrecy_ended", "open")
            # clearing the condition resolves it
            set_expiry(url, target, 3650)
            third = wait_result(sender.send_task(TASK, kwargs={"only": "secrecy_ended"}, queue=queue), worker, log_path)
            assert third == {"secrecy_ended": {"created": 0, "resolved": 1}}
            set_expiry(url, target, -2)  # due again, for the kill below

            # Hold the lock of the second check so the full run stops inside it, after the first
            # check (secrecy_expiring) committed its alert; then SIGKILL the worker mid-task.
            with psycopg.connect(url, autocommit=True) as blocker:
                import zlib

                blocker.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(b"alerts:secrecy_ended")])
                result = sender.send_task(TASK, queue=queue)
                deadline = time.monotonic() + 30
                while not blocker.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ).fetchone()[0]:
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.1)
                assert [r for r in alert_rows(url) if r[0] == "secrecy_expiring"]  # half the run is done
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
            time.sleep(VISIBILITY + 1)
            worker = start_worker(url, broker, queue, log_path)
            redelivered = wait_result(result, worker, log_path, timeout=45)
            assert redelivered["secrecy_expiring"] == {"created": 0, "resolved": 0}  # done before the kill
            assert redelivered["secrecy_ended"] == {"created": 1, "resolved": 0}
            assert duplicates(url) == []
            active = [(k, t) for k, t, s in alert_rows(url) if s == "open"]
            assert sorted(k for k, _ in active) == ["secrecy_ended", "secrecy_expiring"]
            # the earlier, resolved alert of the same carrier stays as history
            assert [s for k, t, s in alert_rows(url) if k == "secrecy_ended"] == ["resolved", "open"]
        finally:
            stop(worker)
            sender.close()
    assert TASK in log_path.read_text()
