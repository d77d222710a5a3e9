"""The nightly chain check runs in a real Celery worker (Redis broker and result backend),
against a scratch PostgreSQL database, sent from another process over the broker."""

import contextlib
import os
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from celery import Celery

from tests.db_roles import as_owner_url
from tests.live import ROOT, manage, process_env, scratch_database

TASK = "audit.tasks.verify_audit_chain"

SEED = (
    "from django.db import transaction\n"
    "from audit.services import record\n"
    "for i in range(12):\n"
    "    with transaction.atomic():\n"
    "        record(actor=None, action='test.worker', details={'i': i})\n"
)


def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail(
            "REDIS_URL is not set: the worker test needs the running Redis "
            "(source var/test-services.env, or run make test)."
        )
    return url


@contextlib.contextmanager
def celery_worker(database_url: str, broker: str, queue: str, log_path):
    """A real worker process on its own queue (other test runs may share this Redis)."""
    env = process_env(database_url, REDIS_URL=broker, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
                "-l", "info", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_result(result, proc, log_path, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while not result.ready():
        if proc.poll() is not None:
            pytest.fail(f"the worker exited with {proc.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no result from the worker after {timeout}s:\n{log_path.read_text()}")
        time.sleep(0.1)
    return result.get(timeout=5)


def head_of(url: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        # the chain's head: its last link (audit_chainlink, decision 0022)
        return conn.execute("SELECT count(*), (SELECT hash FROM audit_chainlink ORDER BY pos DESC LIMIT 1) "
                            "FROM audit_auditevent").fetchone()


@pytest.mark.live
def test_worker_verifies_the_chain(tmp_path):
    broker = redis_url()
    queue = f"audit-test-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    with scratch_database() as url:
        manage(url, "shell", "-c", SEED, timeout=60)
        count, head = head_of(url)
        assert count >= 12

        sender = Celery("test-sender", broker=broker, backend=broker)
        try:
            with celery_worker(url, broker, queue, log_path) as worker:
                result = sender.send_task(TASK, queue=queue)
                payload = wait_result(result, worker, log_path)
                assert payload == {"ok": True, "count": count, "head": head, "broken_seq": None}

                # Break the chain in the scratch database (the owner switches the triggers off
                # for one committed change) and ask again: the worker names the sequence.
                with psycopg.connect(as_owner_url(url)) as conn:
                    conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                    conn.execute("UPDATE audit_auditevent SET actor_name = 'forged' WHERE seq = 5")
                    for trigger in ("audit_auditevent_no_change", "audit_auditevent_no_truncate"):
                        conn.execute(f"ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER {trigger}")
                result = sender.send_task(TASK, queue=queue)
                payload = wait_result(result, worker, log_path)
                assert payload["ok"] is False
                assert payload["broken_seq"] == 5
                assert payload["count"] == 4
            assert worker.returncode is not None  # stopped
        finally:
            sender.close()
    log = log_path.read_text()
    assert TASK in log and "succeeded" in log
    assert "audit chain broken at sequence 5" in log
