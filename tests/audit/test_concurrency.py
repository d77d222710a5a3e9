"""Several processes append to the audit chain at the same moment: the chain stays one unbroken
line (no gaps, no forks, no event twice), on PostgreSQL as the application role and on the
embedded SQLite; a transaction that appended and is still open makes no other writer wait."""

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
        # events take their number from a sequence (no lock); the chain's order is fixed at commit
        # (audit_chainlink, decision 0022): every event linked once, positions 1..n, no fork
        seqs = [seq for (seq,) in rows(url, "SELECT seq FROM audit_auditevent ORDER BY seq")]
        assert len(seqs) == len(set(seqs)) == total
        assert len(set(h for (h,) in rows(url, "SELECT hash FROM audit_auditevent"))) == total
        mine = rows(
            url,
            "SELECT details ->> 'proc', (details ->> 'i')::int FROM audit_auditevent e "
            "JOIN audit_chainlink l ON l.event_id = e.seq WHERE action = 'test.concurrent' ORDER BY l.pos",
        )
        per_process = Counter(name for name, _i in mine)
        assert per_process == {f"p{k}": N for k in range(PROCESSES)}
        for k in range(PROCESSES):
            # each process's own events are in its own order
            assert [i for name, i in mine if name == f"p{k}"] == list(range(N))
        links = rows(url, "SELECT pos, event_id, prev_hash, hash FROM audit_chainlink ORDER BY pos")
        assert [pos for pos, *_ in links] == list(range(1, total + 1))
        assert sorted(event_id for _pos, event_id, *_ in links) == seqs  # each event exactly once
        prev = "0" * 64
        for _pos, _event_id, prev_hash, hash_ in links:
            assert prev_hash == prev  # every link points at the one before it: no fork
            prev = hash_

        done = manage(url, "verify_audit", check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        head = rows(url, "SELECT hash FROM audit_chainlink ORDER BY pos DESC LIMIT 1")[0][0]
        assert done.stdout.strip() == f"OK {total} events, head {head}"


HOLDER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from django.db import transaction
    from audit.services import record

    ready, go = Path(os.environ["HOLDER_READY"]), Path(os.environ["HOLDER_GO"])
    with transaction.atomic():
        record(actor=None, action="test.held", details={"who": "holder"})
        ready.touch()  # its event is written, its transaction open
        deadline = time.monotonic() + 60
        while not go.exists():
            if time.monotonic() > deadline:
                sys.exit("never told to go")
            time.sleep(0.01)
        record(actor=None, action="test.held", details={"who": "holder", "n": 2})
    print("COMMITTED")
    """
)

QUICK = textwrap.dedent(
    """
    from django.db import transaction
    from audit.services import record

    with transaction.atomic():
        record(actor=None, action="test.quick", details={"who": "quick"})
    print("COMMITTED")
    """
)


@pytest.mark.live
def test_append_does_not_wait_for_an_open_transaction(tmp_path):
    """Issue 16, item 1: a transaction that has appended an event and is still busy holds no lock
    on the chain: another process appends and commits meanwhile; the open one is linked after it
    when it commits, and the chain verifies."""
    with scratch_database() as url:
        ready, go = tmp_path / "ready", tmp_path / "go"
        holder = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", HOLDER], cwd=ROOT,
            env=process_env(url, HOLDER_READY=str(ready), HOLDER_GO=str(go)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not ready.exists():
                assert holder.poll() is None, holder.communicate()
                assert time.monotonic() < deadline, "the holder never got ready"
                time.sleep(0.02)
            # with a lock held across the transaction this would wait for the holder (and time out)
            quick = manage(url, "shell", "-c", QUICK, check=False, timeout=30)
            assert quick.returncode == 0 and "COMMITTED" in quick.stdout, quick.stderr
            assert holder.poll() is None  # the holder is still open
            go.touch()
            out, err = holder.communicate(timeout=60)
            assert holder.returncode == 0 and "COMMITTED" in out, err
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
        order = rows(url, "SELECT e.action, e.seq FROM audit_chainlink l JOIN audit_auditevent e "
                          "ON e.seq = l.event_id WHERE e.action LIKE 'test.%%' ORDER BY l.pos")
        assert [a for a, _seq in order] == ["test.quick", "test.held", "test.held"]
        # the holder's first event was numbered first, but is chained where its transaction committed
        assert order[1][1] < order[0][1]
        done = manage(url, "verify_audit", check=False, timeout=60)
        assert done.returncode == 0, done.stderr


SQLITE_APPENDERS = 3


@pytest.mark.live
def test_concurrent_appenders_keep_one_chain_on_sqlite(tmp_path):
    """The embedded SQLite: several processes append at once; BEGIN IMMEDIATE serialises them and
    record() links each event as it writes it."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    manage(url, "migrate", "--noinput", "-v0", timeout=600)
    go = tmp_path / "go"
    procs, readies = [], []
    for k in range(SQLITE_APPENDERS):
        ready = tmp_path / f"ready-{k}"
        readies.append(ready)
        env = process_env(url, APPENDER_NAME=f"p{k}", APPENDER_N="40", APPENDER_READY=str(ready),
                          APPENDER_GO=str(go))
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "shell", "-c", APPENDER],
                                      cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:
        deadline = time.monotonic() + 60
        while not all(r.exists() for r in readies):
            for proc in procs:
                assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "appenders never got ready"
            time.sleep(0.02)
        go.touch()
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"{out}\n{err}"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    done = manage(url, "verify_audit", check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "registry.sqlite3") as db:
        count = db.execute("SELECT count(*) FROM audit_auditevent WHERE action = 'test.concurrent'").fetchone()[0]
        links = db.execute("SELECT pos, prev_hash, hash FROM audit_chainlink ORDER BY pos").fetchall()
        events = db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    assert count == SQLITE_APPENDERS * 40
    assert [pos for pos, *_ in links] == list(range(1, events + 1))
    assert all(links[i][1] == links[i - 1][2] for i in range(1, len(links)))
