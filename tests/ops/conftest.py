"""Operations tests with real parts: a throwaway redis-server of our own on a free port (never the
shared one: these tests stop and start it), a scratch PostgreSQL database (tests/live.py), real
Celery workers, a real beat and a live server. One scratch database serves the whole package."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from tests.live import ROOT, free_port, manage, process_env, scratch_database, wait_for_port

SEED = """
import json
from django.db import transaction
from carriers import services as carrier_services
from carriers.models import Container
from personnel import roles, services as personnel_services
from tests.factories import register

unit = personnel_services.create_unit(actor=None, code="OPS", name_zh="运维单位", name_en="Ops unit")
office = personnel_services.create_unit(actor=None, code="OPS-S", name_zh="保密办", name_en="Office", parent=unit)
clerk = personnel_services.create_person(actor=None, username="clerk", password="pw-123456", full_name="登记员",
    employee_number="O1", unit=unit, department=office, secrecy_post="core", roles=[roles.SECRECY_OFFICE]).user
auditor = personnel_services.create_person(actor=None, username="auditor", password="pw-123456", full_name="审计员",
    employee_number="O2", unit=unit, department=office, secrecy_post="core", roles=[roles.AUDITOR]).user
with transaction.atomic():
    safe = carrier_services.create_container(actor=clerk, code="S1", name_zh="保险柜", name_en="Safe",
        kind=Container.Kind.COMBINATION_SAFE, unit=unit, max_level=3)
for i in range(ROWS):
    register(clerk, container=safe, password="pw-123456", level=2, title=f"ops test carrier {i}")
print(json.dumps({"auditor": auditor.pk}))
"""

# an export of ROWS rows in chunks of CHUNK_ROWS: long enough (some seconds) to be killed mid-way
ROWS = 36
CHUNK_ROWS = "2"
HEARTBEAT = "1"
STALE = "5"

REQUEST = """
import json
from django.contrib.auth import get_user_model
from registers import services
job = services.request_export(actor=get_user_model().objects.get(username="auditor"), name="carrier-ledger",
                              params={}, fmt="pdf", language="en")
print(json.dumps({"job": job.pk}))
"""

SWEEP = """
import json
from registers import services
print(json.dumps(services.sweep_background_jobs()))
"""


def redis_on(port: int, directory) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc=proc)
    return proc


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class World(SimpleNamespace):
    """The scratch database, our own Redis (stoppable) and the export directory."""

    def env(self, **extra) -> dict:
        return {
            "REDIS_URL": self.broker, "CELERY_BROKER_URL": self.broker, "CELERY_RESULT_BACKEND": self.broker,
            "REGISTER_EXPORT_DIR": str(self.exports), "REGISTER_CHUNK_ROWS": CHUNK_ROWS,
            "REGISTER_RENDER_WORKERS": "1", "REGISTER_HEARTBEAT_SECONDS": HEARTBEAT,
            "REGISTER_HEARTBEAT_STALE_SECONDS": STALE, "BROKER_PUBLISH_TIMEOUT": "2", **extra,
        }

    def manage(self, code: str, timeout: int = 120, **extra) -> dict:
        out = manage(self.url, "shell", "-c", code, timeout=timeout, **self.env(**extra)).stdout
        return json.loads(out.strip().splitlines()[-1])

    def start_redis(self) -> None:
        if self.redis is None or self.redis.poll() is not None:
            self.redis = redis_on(self.port, self.tmp)

    def stop_redis(self) -> None:
        stop(self.redis)

    def request_export(self) -> int:
        return self.manage(REQUEST)["job"]

    def sweep(self) -> dict:
        return self.manage(SWEEP)

    def job(self, pk: int) -> dict:
        with psycopg.connect(self.url) as conn:
            conn.row_factory = psycopg.rows.dict_row
            return conn.execute("SELECT * FROM registers_registerexport WHERE id = %s", [pk]).fetchone()

    def events(self, action: str, pk: int) -> int:
        with psycopg.connect(self.url) as conn:
            return conn.execute("SELECT count(*) FROM audit_auditevent WHERE action = %s AND details->>'export' = %s",
                                [action, str(pk)]).fetchone()[0]

    def files_of(self, pk: int) -> list[str]:
        """What the export directory holds of this job (its result, scratch folders, partial files)."""
        if not self.exports.exists():
            return []
        return sorted(p.name for p in self.exports.iterdir()
                      if p.name.startswith(f"{pk}-") or p.name.startswith(f"scratch-{pk}-"))

    @contextlib.contextmanager
    def worker(self, log_name: str, **extra):
        """A real Celery worker (prefork, one pool process) in its own process group, so that a test
        may kill it whole like a machine or container dying."""
        log_path = self.tmp / log_name
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
                 "-l", "info", "-n", f"{log_name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=process_env(self.url, **self.env(**extra)), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc.log_path = log_path
        try:
            yield proc
        finally:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            with contextlib.suppress(ProcessLookupError):  # rendering workers left behind
                os.killpg(proc.pid, signal.SIGKILL)

    def wait_job(self, pk: int, done, *, proc=None, timeout: float = 180.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(pk)
            if done(job):
                return job
            if proc is not None and proc.poll() is not None:
                pytest.fail(f"the worker exited with {proc.returncode}:\n{Path(proc.log_path).read_text()[-4000:]}")
            if time.monotonic() > deadline:
                log = Path(proc.log_path).read_text()[-4000:] if proc is not None else ""
                pytest.fail(f"job {pk} is {job['status']} ({job['progress']}%) after {timeout}s:\n{log}")
            time.sleep(0.2)


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture(scope="package")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops")
    port = free_port()
    state = World(tmp=tmp, port=port, broker=f"redis://127.0.0.1:{port}/0", redis=None, exports=tmp / "exports",
                  url=None)
    state.start_redis()
    try:
        with scratch_database() as url:
            state.url = url
            state.manage(SEED.replace("ROWS", str(ROWS)), timeout=300)
            yield state
    finally:
        state.stop_redis()
