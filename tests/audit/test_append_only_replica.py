"""Append-only even in replica mode: session_replication_role = replica (superuser only) silences
ordinary triggers and foreign keys; the audit tables' triggers are ENABLE ALWAYS.

A module of its own, without the django_db mark of tests/audit/test_append_only.py: a test in a
database test transaction holds a lock on the trail (the autouse fixture that restarts the audit
numbers reads max(seq) in it), which TRUNCATE from another connection would wait for until its
lock timeout."""

import threading

import psycopg
import pytest

from tests.audit.test_append_only import (
    TABLES,
    assert_refused_as_append_only,
    statements,
    superuser_url,
)


class BlockerWatch:
    """While a statement waits, who blocks it (pg_blocking_pids of its session, read every 0.5 s
    from another connection), so a lock timeout says which session held the table."""

    def __init__(self, pid: int):
        self.pid, self.seen, self.done = pid, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        with psycopg.connect(superuser_url(), connect_timeout=10, autocommit=True) as conn:
            while not self.done.wait(0.5):
                rows = conn.execute(
                    "SELECT pid, backend_type, application_name, state, xact_start, wait_event_type, "
                    "left(query, 300) FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids(%s))", [self.pid],
                ).fetchall()
                if rows:
                    self.seen = rows

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(timeout=10)

    def __str__(self):
        return "\n".join(repr(row) for row in self.seen) or "(no blocker seen)"


@pytest.mark.parametrize("table", TABLES)
def test_refused_even_in_replica_mode(django_db_setup, table):
    """session_replication_role = replica (superuser only) silences ordinary triggers and foreign
    keys; these triggers are ENABLE ALWAYS. Runs in its own superuser connection to the test
    database, without the test transaction (which would hold locks TRUNCATE waits for); the
    rows it adds are rolled back."""
    try:
        conn = psycopg.connect(superuser_url(), connect_timeout=10)
    except psycopg.OperationalError as exc:
        pytest.fail(f"this test needs a PostgreSQL superuser (set REGISTRY_TEST_PG_SUPERUSER_URL): {exc}")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone()[0], "REGISTRY_TEST_PG_SUPERUSER_URL must name a superuser"
            cursor.execute("SET lock_timeout = '10s'")  # fail, never hang, if a lock is held
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "replica"
            cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_auditevent")
            seq = cursor.fetchone()[0] + 1
            for n in range(2):
                cursor.execute(
                    "INSERT INTO audit_auditevent (seq, at, actor_name, action, target_type, target_id, "
                    "target_label, details, prev_hash, hash) VALUES (%s, now(), 'x', 'test.replica', '', '', '', "
                    "'{}'::jsonb, %s, %s)",
                    [seq + n, "0" * 64, f"{seq + n:064d}"],
                )
            # no user row is needed: foreign keys are not checked in replica mode
            cursor.execute(
                "INSERT INTO audit_signature (event_id, signer_id, printed_name, signed_at, meaning, "
                "content_hash, target_type, target_id) VALUES (%s, -1, 'x', now(), 'approved', %s, '', '')",
                [seq, "0" * 64],
            )
            # the events' links are made at commit (a deferred trigger, decision 0022): made now, so
            # TRUNCATE meets the append-only triggers rather than "pending trigger events"
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in statements(table):
                with BlockerWatch(conn.info.backend_pid) as blockers:
                    with pytest.raises(psycopg.DatabaseError) as exc, conn.transaction():
                        cursor.execute(sql)
                message = str(exc.value)
                if "lock timeout" in message:  # say who held the table, so the leak can be found
                    message += "\nblocked by: " + str(blockers)
                assert_refused_as_append_only(sql, message)
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] >= 1
    finally:
        conn.rollback()
        conn.close()
