"""`make run`'s embedded mode, for real: SQLite under a var directory, no Redis, demo data loaded
twice without duplicates, the registry served, and the scheduled checks running in-process."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.live import ROOT, free_port, wait_for_port

pytestmark = pytest.mark.live


def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_URL"}}
    env.update(REGISTRY_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.base", PYTHONPATH=str(ROOT))
    return env


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=True)


def test_embedded_mode_seeds_once_serves_and_runs_checks(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    first = manage(env, "seed_demo").stdout
    loaded = re.search(r"(\d+) people, \d+ containers, (\d+) carriers", first)
    assert loaded, first
    people, carriers = loaded.groups()
    assert int(carriers) >= 240  # the base 240 and what the stages' demos made from them
    assert "already loaded" in manage(env, "seed_demo").stdout
    assert (tmp_path / "registry.sqlite3").exists()
    assert manage(env, "verify_audit").stdout.startswith("OK ")
    logins = manage(env, "demo_logins").stdout
    assert "secretary" in logins and "head_res" in logins and "auditor" in logins

    port = free_port()
    log_path = tmp_path / "serve.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen([sys.executable, "manage.py", "serve_embedded", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=log_file, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc=proc)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/login/") as resp:
            assert resp.status == 200
        request = urllib.request.Request(
            f"{base}/api/v1/auth/token/", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"username": "secretary", "password": "Registry-Demo-2026"}).encode(),
        )
        with urllib.request.urlopen(request) as resp:
            token = json.load(resp)["token"]
        listing = urllib.request.Request(f"{base}/api/v1/carriers/?page_size=1", headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(listing) as resp:
            assert json.load(resp)["count"] == int(carriers)
        # every scheduled entry runs once at start, one after another (checks, digest, checkpoint,
        # chain verification): wait for the last one rather than for a fixed time
        deadline = time.monotonic() + 180
        while "ran audit.tasks.verify_audit_chain" not in log_path.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text()
            time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log_file.close()
    output = log_path.read_text()
    assert "Scheduled checks run in-process" in output
    assert "embedded scheduler ran audit.tasks.verify_audit_chain" in output
    # the demo rows exist once
    counts = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c",
         "from carriers.models import Carrier; from personnel.models import Person; "
         "print(Carrier.objects.count(), Person.objects.count())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert counts == [carriers, people]
