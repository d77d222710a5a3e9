"""Issue 17, "Tests that must exist": concurrent duplicates with the same Idempotency-Key produce
one effect. Real requests on real sockets against a live server on PostgreSQL, each in its own
thread and database session. To be sure they are in flight together, the table the write inserts
into is locked by another session until every twin is waiting in the database (the first on that
lock, the others on its claim of the key); then the lock goes and exactly one write happens, the
twins answer its stored answer with `Idempotent-Replay: true`."""

import json
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from tests import db_roles
from tests.live import live_server, scratch_database

pytestmark = [pytest.mark.live]
PASSWORD = "Registry-Demo-2026"
TWINS = 6
REVIEW = {"title": "并发重试的论文", "material_kind": "manuscript", "outlet_type": "overseas",
          "outlet_name": "Journal", "summary": "综述", "related_level": "CONFIDENTIAL"}


def call(base, path, body=None, token=None, headers=None):
    request = urllib.request.Request(
        base + path, method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {}),
                 **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status, dict(resp.headers), json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read() or b"{}")


def waiting_on_locks(conn, database: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [database]
    ).fetchone()[0]


def submitted(url) -> int:
    with psycopg.connect(db_roles.as_owner_url(url)) as conn:
        return conn.execute("SELECT count(*) FROM audit_auditevent WHERE action = 'publication.submitted'").fetchone()[0]


def test_concurrent_twins_with_one_key_make_one_review():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        status, _headers, body = call(base, "/api/v1/auth/token/", {"username": "staff_core", "password": PASSWORD})
        assert status == 200, body
        token = body["token"]
        submitted_before = submitted(url)
        database = url.rsplit("/", 1)[1]
        results = []
        barrier = threading.Barrier(TWINS)

        def fire():
            barrier.wait()
            results.append(call(base, "/api/v1/publication-reviews/", REVIEW, token=token,
                                headers={"Idempotency-Key": "retry-after-timeout-1"}))

        with psycopg.connect(db_roles.as_owner_url(url)) as holder:
            # another session holds the table: the first twin waits on it, holding its claim of the key
            holder.execute("LOCK TABLE approvals_publicationreview IN SHARE ROW EXCLUSIVE MODE")
            threads = [threading.Thread(target=fire) for _ in range(TWINS)]
            for thread in threads:
                thread.start()
            with psycopg.connect(db_roles.as_owner_url(url), autocommit=True) as watcher:
                deadline = time.monotonic() + 90
                while waiting_on_locks(watcher, database) < TWINS and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert waiting_on_locks(watcher, database) == TWINS, "the twins were not all in flight at once"
            holder.rollback()  # the lock goes: the first twin writes and commits, the others replay it
        for thread in threads:
            thread.join()

        assert sorted(code for code, _h, _b in results) == [201] * TWINS, results
        replays = [h.get("Idempotent-Replay") for _c, h, _b in results]
        assert replays.count("true") == TWINS - 1, replays
        assert len({b["id"] for _c, _h, b in results}) == 1
        status, _headers, listing = call(base, "/api/v1/publication-reviews/?page_size=200", token=token)
        assert status == 200
        assert [r["id"] for r in listing["results"] if r["title"] == REVIEW["title"]] == [results[0][2]["id"]]
        assert submitted(url) == submitted_before + 1  # one audited effect
