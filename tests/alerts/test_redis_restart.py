"""Redis stopped and restarted during a worker run (issue 7): while Redis is down, web requests
that change data still succeed (registration over the REST API of a live server pointed at the
dead Redis); the worker waits for its broker; once Redis is back on the same port the worker
reconnects by itself, the checks run, and each due carrier has exactly one alert — including the
one registered during the outage."""

import json
import subprocess
import time
import urllib.request
import uuid

import pytest
from celery import Celery

from tests.live import free_port, live_server, manage, scratch_database, wait_for_port

from .test_worker import SEED, TASK, alert_rows, duplicates, start_worker, stop, wait_result


def redis_on(port: int, tmp_path) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc=proc)
    return proc


def post_json(url: str, payload: dict, token: str = "") -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **({"Authorization": f"Token {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.live
def test_redis_stopped_and_restarted_during_a_worker_run(tmp_path):
    queue = f"alerts-restart-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = redis_on(port, tmp_path)
    try:
        _run(tmp_path, queue, log_path, port, broker, redis)
    finally:  # also when the scratch database could not be made
        if redis.poll() is None:
            redis.terminate()
            redis.wait(timeout=10)


def _run(tmp_path, queue, log_path, port, broker, redis):
    with scratch_database() as url:
        manage(url, "shell", "-c", SEED, timeout=60)
        sender = Celery("test-sender", broker=broker, backend=broker)
        worker = start_worker(url, broker, queue, log_path)
        try:
            first = wait_result(sender.send_task(TASK, kwargs={"only": "secrecy_ended"}, queue=queue), worker, log_path)
            assert first == {"secrecy_ended": {"created": 1, "resolved": 0}}

            redis.terminate()
            redis.wait(timeout=10)
            # Redis is down: a data-changing request still succeeds
            with live_server(url, REDIS_URL=broker, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker) as base:
                status, body = post_json(f"{base}/api/v1/auth/token/", {"username": "sec", "password": "correct-horse-42"})
                assert status == 200, body
                safe = manage(url, "shell", "-c", "from carriers.models import Container; print(Container.objects.get(code='S').pk)").stdout.split()[-1]
                status, body = post_json(f"{base}/api/v1/carriers/", {
                    "kind": "paper", "title": "Redis 停机期间登记", "originator": "上级机关", "level": "SECRET",
                    "secrecy_years": 5, "container": int(safe), "copy_number": "000004", "copies_total": 4,
                    "password": "correct-horse-42",
                }, token=body["token"])
                assert status == 201, body
                registered = body["id"]
            # the new carrier's period has ended too (due): set back with its own audit event, as the
            # database refuses a change of period without one
            manage(url, "shell", "-c", (
                "from datetime import timedelta\n"
                "from django.db import transaction\n"
                "from django.utils import timezone\n"
                "from audit import services as audit\n"
                "from carriers.models import Carrier\n"
                "with transaction.atomic():\n"
                f"    Carrier.objects.filter(pk={int(registered)}).update(expires_on=timezone.localdate() - timedelta(days=1))\n"
                f"    audit.record(actor=None, action='test.backdated', target=Carrier.objects.get(pk={int(registered)}))\n"
            ))
            time.sleep(2)
            assert worker.poll() is None, log_path.read_text()  # the worker waits for its broker

            redis = redis_on(port, tmp_path)  # back, same port, empty
            sender.close()
            sender = Celery("test-sender", broker=broker, backend=broker)
            again = wait_result(sender.send_task(TASK, kwargs={"only": "secrecy_ended"}, queue=queue), worker, log_path,
                                timeout=90)
            assert again == {"secrecy_ended": {"created": 1, "resolved": 0}}
            assert duplicates(url) == []
            ended = sorted(t for k, t, s in alert_rows(url) if k == "secrecy_ended" and s == "open")
            assert len(ended) == 2 and registered in ended
        finally:
            stop(worker)
            sender.close()
            if redis.poll() is None:
                redis.terminate()
                redis.wait(timeout=10)
