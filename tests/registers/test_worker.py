"""A background register export run by a real Celery worker (prefork pool, Redis broker) against
a scratch PostgreSQL database: the job goes queued -> done with progress 100, its PDF is rendered
in chunks by rendering subprocesses of the (daemonic) pool process, and page numbers run across
the chunks. Then a chain verification in the same worker after the trail was tampered with."""

import contextlib
import json
import re
import subprocess
import sys
import uuid

import psycopg
import pytest
from celery import Celery

from tests.audit.test_worker import redis_url, wait_result
from tests.db_roles import as_owner_url
from tests.live import ROOT, manage, process_env, scratch_database

SEED = """
import json
from django.db import transaction
from carriers import services as carrier_services
from carriers.models import Container
from personnel import roles, services as personnel_services
from registers import services
from tests.factories import register

services._enqueue_export = lambda export_id: None  # the test sends the task itself, to its own queue
services._start_in_background = lambda *args, **kwargs: None
unit = personnel_services.create_unit(actor=None, code="W", name_zh="工作单位", name_en="Worker unit")
office = personnel_services.create_unit(actor=None, code="W-S", name_zh="保密办", name_en="Office", parent=unit)
clerk = personnel_services.create_person(actor=None, username="clerk", password="pw-123456", full_name="登记员",
    employee_number="W1", unit=unit, department=office, secrecy_post="core", roles=[roles.SECRECY_OFFICE]).user
auditor = personnel_services.create_person(actor=None, username="auditor", password="pw-123456", full_name="审计员",
    employee_number="W2", unit=unit, department=office, secrecy_post="core", roles=[roles.AUDITOR]).user
with transaction.atomic():
    safe = carrier_services.create_container(actor=clerk, code="S1", name_zh="保险柜", name_en="Safe",
        kind=Container.Kind.COMBINATION_SAFE, unit=unit, max_level=3)
for i in range(12):
    register(clerk, container=safe, password="pw-123456", level=2, title=f"worker test carrier {i}")
job = services.request_export(actor=auditor, name="carrier-ledger", params={}, fmt="pdf", language="en")
verification = services.request_chain_verification(actor=auditor)
print(json.dumps({"job": job.pk, "verification": verification.pk}))
"""


@pytest.mark.live
def test_worker_runs_a_chunked_export_and_a_chain_verification(tmp_path):
    broker = redis_url()
    queue = f"registers-test-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    exports = tmp_path / "exports"
    with scratch_database() as url:
        seeded = manage(url, "shell", "-c", SEED, timeout=120, REGISTER_EXPORT_DIR=str(exports)).stdout
        ids = json.loads(seeded.strip().splitlines()[-1])
        sender = Celery("test-sender", broker=broker, backend=broker)
        try:
            with celery_worker_env(url, broker, queue, log_path, REGISTER_EXPORT_DIR=str(exports),
                                   REGISTER_CHUNK_ROWS="4") as worker:
                result = sender.send_task("registers.tasks.run_register_export", args=[ids["job"]], queue=queue)
                assert wait_result(result, worker, log_path, timeout=180) == {"id": ids["job"], "status": "done"}
                with psycopg.connect(url) as conn:
                    status, progress, path, pages, error = conn.execute(
                        "SELECT status, progress, result_path, pages, error FROM registers_registerexport "
                        "WHERE id = %s", [ids["job"]]).fetchone()
                assert (status, progress, error) == ("done", 100, "")
                pdf = exports / path
                text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout
                found = [(int(a), int(b)) for a, b in re.findall(r"Page (\d+) of (\d+)", text)]
                assert pages >= 3 and found == [(n, pages) for n in range(1, pages + 1)]
                assert all(f"worker test carrier {i}" in text for i in range(12))

                # tamper with the trail, then verify the chain in the worker
                # as the owner of the tables: the application role may not disable a trigger
                with psycopg.connect(as_owner_url(url)) as conn:
                    conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                    conn.execute("UPDATE audit_auditevent SET actor_name = 'forged' WHERE seq = 3")
                    for trigger in ("audit_auditevent_no_change", "audit_auditevent_no_truncate"):
                        conn.execute(f"ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER {trigger}")
                result = sender.send_task("registers.tasks.verify_chain_in_background", args=[ids["verification"]],
                                          queue=queue)
                payload = wait_result(result, worker, log_path, timeout=60)
                assert payload == {"id": ids["verification"], "status": "done", "ok": False}
                with psycopg.connect(url) as conn:
                    ok, broken_seq, count = conn.execute(
                        "SELECT ok, broken_seq, count FROM registers_chainverification WHERE id = %s",
                        [ids["verification"]]).fetchone()
                assert (ok, broken_seq, count) == (False, 3, 2)
        finally:
            sender.close()
    log = log_path.read_text()
    assert "registers.tasks.run_register_export" in log and "succeeded" in log


@contextlib.contextmanager
def celery_worker_env(database_url: str, broker: str, queue: str, log_path, **env):
    """A real worker on its own queue, as tests/audit/test_worker.py starts one, but with the
    prefork pool (its processes are daemonic, and multiprocessing refuses to fork from those: the
    rendering workers are plain subprocesses) and extra environment."""
    env = process_env(database_url, REDIS_URL=broker, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker, **env)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
             "-l", "info", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
