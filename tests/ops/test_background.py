"""Background exports that cannot be lost (issue 17, item 6), with real Redis, real Celery workers
and a scratch PostgreSQL database: the broker stopped when the export is asked for, a rendering
process killed with SIGKILL, the pool process running the task killed (as the OOM killer would),
and the whole worker killed mid-task. Each export finishes exactly once: status done, one
`register.exported` event, one result file and no scratch file left behind."""

import json
import os
import signal
import time
import urllib.request

import pytest

from tests.live import live_server

from .conftest import children, cmdline

pytestmark = pytest.mark.live


def call(method: str, url: str, payload: dict | None = None, token: str = "", timeout: float = 30):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode() if payload is not None else None, method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 **({"Authorization": f"Token {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = {"raw": body.decode(errors="replace")[:300]}
        return error.code, dict(error.headers), parsed


def finished_once(world, pk: int) -> dict:
    """The job is done, exactly once, and left nothing but its result."""
    job = world.job(pk)
    assert job["status"] == "done" and job["progress"] == 100, job
    assert world.events("register.exported", pk) == 1
    assert world.events("register.export_failed", pk) == 0
    assert world.files_of(pk) == [job["result_path"]], world.files_of(pk)
    assert (world.exports / job["result_path"]).read_bytes().startswith(b"%PDF")
    return job


def wait_running(world, pk: int, proc, *, progress: int = 10, rendering: bool = False) -> None:
    """Until the job runs at `progress` % (and, with rendering, its scratch folder is there: the cells
    are drawn before the PDF's chunks are written, so a progress alone may come before it)."""
    world.wait_job(pk, lambda job: job["status"] == "running" and job["progress"] >= progress
                   and (not rendering or any(name.startswith("scratch-") for name in world.files_of(pk))),
                   proc=proc, timeout=120)


def wait_renderer(world, pk: int, worker, timeout: float = 120.0) -> int:
    """The pid of a rendering process of the running job. The pool is started after every chunk's
    HTML is written, some time after the scratch folder appears, so it is looked for until it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        renderers = [pid for child in children(worker.pid) for pid in children(child)
                     if "registers.chunk_worker" in cmdline(pid)]
        if renderers:
            return renderers[0]
        job = world.job(pk)
        assert job["status"] == "running", f"the job was {job['status']} before a rendering process was seen"
        time.sleep(0.05)
    pytest.fail(f"no rendering process found in {timeout}s")


def test_broker_stopped_at_enqueue_the_request_answers_202_and_the_job_starts_when_it_is_back(world):
    world.stop_redis()
    try:
        with live_server(world.url, **world.env()) as base:
            status, _, body = call("POST", f"{base}/api/v1/auth/token/", {"username": "auditor", "password": "pw-123456"})
            assert status == 200, body
            token = body["token"]
            started = time.monotonic()
            status, headers, body = call("POST", f"{base}/api/v1/register-exports/",
                                         {"register": "carrier-ledger", "format": "pdf", "lang": "en"}, token)
            elapsed = time.monotonic() - started
            assert status == 202, body
            assert elapsed < 10, f"the request waited {elapsed:.1f}s for the broker"
            assert body["status"] == "queued" and body["waiting_for_broker"] is True and body["may_retry"] is True
            assert "broker is back" in body["notice"]
            pk = body["id"]
            # committed with its audit event, not handed to the broker
            job = world.job(pk)
            assert job["status"] == "queued" and job["dispatched_at"] is None
            assert world.events("register.export_requested", pk) == 1
            # the user's retry while the broker is still down: accepted, still waiting, nothing twice
            status, _, body = call("POST", f"{base}/api/v1/register-exports/{pk}/retry/", {}, token)
            assert status == 202 and body["waiting_for_broker"] is True, body
            assert world.sweep()["waiting"] == 1  # the sweeper cannot send it either
    finally:
        world.start_redis()  # back, same port, empty
    with world.worker("broker-back.log") as worker:
        swept = world.sweep()
        assert swept["sent"] >= 1, swept
        world.wait_job(pk, lambda job: job["status"] == "done", proc=worker)
        assert world.job(pk)["dispatched_at"] is not None
        finished_once(world, pk)
        assert world.sweep()["sent"] == 0  # nothing left waiting


def test_a_rendering_process_killed_with_sigkill_is_replaced_and_the_export_finishes_once(world):
    with world.worker("render-kill.log") as worker:
        pk = world.request_export()  # published to the running broker after commit
        wait_running(world, pk, worker, rendering=True)
        os.kill(wait_renderer(world, pk, worker), signal.SIGKILL)
        job = world.wait_job(pk, lambda job: job["status"] in ("done", "failed"), proc=worker)
        assert job["status"] == "done", job["error"]
        job = finished_once(world, pk)
        assert (job["attempts"], job["reruns"]) == (1, 0)  # the chunk was rendered again, not the job
        assert "rendered again by a new one" in worker.log_path.read_text()


def test_the_pool_process_killed_mid_task_is_detected_by_its_heartbeat_and_run_again_once(world):
    with world.worker("pool-kill.log") as worker:
        pk = world.request_export()
        wait_running(world, pk, worker)
        pool = [pid for pid in children(worker.pid) if "celery" in cmdline(pid)]
        assert len(pool) == 1, pool
        os.kill(pool[0], signal.SIGKILL)  # as the OOM killer would: its rendering worker goes with its pipe
        job = world.wait_job(pk, lambda job: job["status"] in ("done", "failed"), proc=worker)
        assert job["status"] == "done", job["error"]
        job = finished_once(world, pk)
        assert (job["attempts"], job["reruns"]) == (2, 1)
        assert world.events("register.export_rerun", pk) == 1


def test_the_whole_worker_killed_mid_task_the_sweeper_runs_the_job_again_once(world):
    with world.worker("worker-kill.log") as worker:
        pk = world.request_export()
        wait_running(world, pk, worker, rendering=True)
        os.killpg(worker.pid, signal.SIGKILL)  # the machine or container dies: worker, pool, renderers
        worker.wait()
    assert world.job(pk)["status"] == "running"
    assert world.files_of(pk), "a killed run leaves its scratch folder"
    # its message waits in Redis for the visibility timeout (hours); the heartbeat says it at once
    assert world.sweep()["rerun"] == 0  # the heartbeat is still young
    time.sleep(int(world.env()["REGISTER_HEARTBEAT_STALE_SECONDS"]) + 1)
    with world.worker("worker-after.log") as worker:
        swept = world.sweep()
        assert (swept["rerun"], swept["sent"]) == (1, 1), swept
        world.wait_job(pk, lambda job: job["status"] in ("done", "failed"), proc=worker)
        job = finished_once(world, pk)
        assert (job["attempts"], job["reruns"]) == (2, 1)
        assert world.events("register.export_rerun", pk) == 1
