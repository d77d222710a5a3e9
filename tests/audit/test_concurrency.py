"""Several processes append to the audit chain at the same moment: the chain stays one unbroken
line (no gaps, no forks, no duplicate sequence numbers)."""

import subprocess
import sys
import textwrap
import time
from collections import Counter

import psycopg
import pytest

from tests.live import ROOT, manage, process_env, scratch_database

N = 100
PROCESSES = 3

APPENDER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from django.db import connection, transaction
    from audit.services import record

    name, n = os.environ["APPENDER_NAME"], int(os.environ["APPENDER_N"])
    ready, go = Path(os.environ["APPENDER_READY"]), Path(os.environ["APPENDER_GO"])
    connection.ensure_connection()
    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("never told to go")
        time.sleep(0.002)
    for i in range(n):
        with transaction.atomic():
            record(actor=None, action="test.concurrent", details={"proc": name, "i": i})
    print("APPENDED", name, n)
    """
)


def rows(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.live
def test_concurrent_appenders_keep_one_chain(tmp_path):
    with scratch_database() as url:
        existing = rows(url, "SELECT count(*) FROM audit_auditevent")[0][0]
        go = tmp_path / "go"
        procs, readies = [], []
        for k in range(PROCESSES):
            ready = tmp_path / f"ready-{k}"
            readies.append(ready)
            env = process_env(
                url, APPENDER_NAME=f"p{k}", APPENDER_N=str(N), APPENDER_READY=str(ready), APPENDER_GO=str(go)
            )
            procs.append(
                subprocess.Popen(
                    [sys.executable, str(ROOT / "manage.py"), "shell", "-c", APPENDER],
                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )
            )
        try:
            deadline = time.monotonic() + 30
            while not all(r.exists() for r in readies):
                for proc in procs:
                    if proc.poll() is not None:
                        out, err = proc.communicate()
                        pytest.fail(f"an appender died before starting: {out}\n{err}")
                assert time.monotonic() < deadline, "appenders never got ready"
                time.sleep(0.02)
            go.touch()  # all at once
            for proc in procs:
                out, err = proc.communicate(timeout=60)
                assert proc.returncode == 0, f"{out}\n{err}"
                assert "APPENDED" in out
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

        total = existing + PROCESSES * N
        seqs = [seq for (seq,) in rows(url, "SELECT seq FROM audit_auditevent ORDER BY seq")]
        assert seqs == list(range(1, total + 1))  # unique, no gaps
        assert len(set(h for (h,) in rows(url, "SELECT hash FROM audit_auditevent"))) == total
        mine = rows(
            url,
            "SELECT details ->> 'proc', (details ->> 'i')::int FROM audit_auditevent "
            "WHERE action = 'test.concurrent' ORDER BY seq",
        )
        per_process = Counter(name for name, _i in mine)
        assert per_process == {f"p{k}": N for k in range(PROCESSES)}
        for k in range(PROCESSES):
            # each process's own events are in its own order
            assert [i for name, i in mine if name == f"p{k}"] == list(range(N))
        # every event points at the one before it: no fork
        links = rows(
            url,
            "SELECT e.seq FROM audit_auditevent e JOIN audit_auditevent p ON p.seq = e.seq - 1 "
            "WHERE e.prev_hash <> p.hash",
        )
        assert links == []

        done = manage(url, "verify_audit", check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        head = rows(url, "SELECT hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")[0][0]
        assert done.stdout.strip() == f"OK {total} events, head {head}"
