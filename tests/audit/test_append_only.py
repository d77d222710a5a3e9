"""Append-only by the database: UPDATE, DELETE and TRUNCATE of the audit tables are refused by
triggers, on PostgreSQL (even with session_replication_role = replica) and on SQLite. The trigger
tests run as the owner of the tables (`as_owner`): the triggers stop even the owner. The
application role does not even hold those privileges (tests/audit/test_app_role.py)."""

import json
import os
import sqlite3
import textwrap
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, Signature
from audit.selectors import verify_chain
from audit.services import reauthenticate, record, sign
from tests.live import base_database_url, manage

pytestmark = pytest.mark.django_db

TABLES = ["audit_auditevent", "audit_signature"]


@pytest.fixture
def trail(org):
    """A few events and one signature, so every statement has rows to hit."""
    credential = reauthenticate(signer=org.secretary, password=org.password)
    with transaction.atomic():
        record(actor=org.secretary, action="test.one", details={"n": 1})
        record(actor=org.clerk, action="test.two", details={"n": 2})
    signature = sign(
        signer=org.secretary, credential=credential, meaning=Signature.Meaning.APPROVED,
        target=org.safe, content={"what": "approved"},
    )
    return signature


def refused(sql: str, params=()) -> str:
    """Run one statement inside a savepoint; return the database's error message (fail if none)."""
    with connection.cursor() as cursor:
        # Fire the foreign-key checks the fixtures' inserts left pending, so TRUNCATE is not
        # refused merely for "pending trigger events" but reaches the audit triggers.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


def assert_refused_as_append_only(sql: str, message: str) -> None:
    if sql.startswith("TRUNCATE") and not sql.endswith("CASCADE"):
        # A table other tables point at (signatures, carriers' status events, decisions) refuses a
        # plain TRUNCATE for that before any trigger runs; CASCADE reaches the triggers.
        assert "append-only" in message or "referenced in a foreign key" in message, (sql, message)
    else:
        assert "append-only" in message, (sql, message)


def statements(table: str) -> list[str]:
    key = "seq" if table == "audit_auditevent" else "id"
    column = "actor_name" if table == "audit_auditevent" else "printed_name"
    return [
        f"UPDATE {table} SET {column} = 'forged' WHERE {key} = (SELECT max({key}) FROM {table})",
        f"UPDATE {table} SET {column} = {column}",  # even a no-op update of every row
        f"DELETE FROM {table} WHERE {key} = (SELECT max({key}) FROM {table})",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
        f"TRUNCATE {table} CASCADE",
    ]


def counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), Signature.objects.count()


# --- PostgreSQL ----------------------------------------------------------------------------------


def test_on_postgresql(db_vendor):
    assert db_vendor == "postgresql"


@pytest.mark.as_owner
@pytest.mark.parametrize("table", TABLES)
def test_update_delete_truncate_refused(trail, table):
    before = counts()
    for sql in statements(table):
        assert_refused_as_append_only(sql, refused(sql))
    assert counts() == before
    assert AuditEvent.objects.filter(actor_name="forged").count() == 0
    assert verify_chain().ok


def superuser_url() -> str:
    """The throwaway test cluster (scripts/test-services.sh) has the superuser `postgres` with
    trust authentication on loopback; REGISTRY_TEST_PG_SUPERUSER_URL overrides it."""
    override = os.environ.get("REGISTRY_TEST_PG_SUPERUSER_URL")
    if override:
        return override
    parts = urlparse(base_database_url())
    netloc = f"postgres@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunparse(parts._replace(netloc=netloc, path=f"/{connection.settings_dict['NAME']}"))


def test_application_role_cannot_switch_to_replica(trail):
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")


def test_triggers_are_enable_always():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname IN ('audit_auditevent', 'audit_signature') AND NOT t.tgisinternal"
        )
        rows = cursor.fetchall()
    found = {(table, name): enabled for table, name, enabled in rows}
    for table in TABLES:
        assert found.get((table, f"{table}_no_change")) == "A"
        assert found.get((table, f"{table}_no_truncate")) == "A"


@pytest.mark.as_owner
def test_orm_update_and_delete_refused(trail):
    before = counts()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=trail.event_id).update(actor_name="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Signature.objects.filter(pk=trail.pk).update(printed_name="forged")
    # A plain DELETE (what QuerySet.delete() runs once it has collected related rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Signature.objects.filter(pk=trail.pk)._raw_delete(connection.alias)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(signature__isnull=True)._raw_delete(connection.alias)
    assert counts() == before


def test_insert_still_allowed(trail):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        record(actor=None, action="test.after")
    assert AuditEvent.objects.count() == before + 1


# --- SQLite ----------------------------------------------------------------------------------------

SEED_SCRIPT = textwrap.dedent(
    """
    import json
    from django.db import IntegrityError, transaction
    from audit.services import record
    from carriers import services as carrier_services
    from carriers.models import Carrier
    from common.levels import Level
    from personnel import roles
    from tests.factories import ContainerFactory, DepartmentFactory, PersonFactory, UnitFactory, register

    out = {}
    try:
        record(actor=None, action="test.outside")
    except RuntimeError as exc:
        out["outside"] = str(exc)
    with transaction.atomic():
        record(actor=None, action="test.sqlite", details={"n": 1})
    unit = UnitFactory(code="U")
    sec = DepartmentFactory(code="U-SEC", parent=unit)
    clerk = PersonFactory(
        user__username="clerk", department=sec, unit=unit, secrecy_post="core", roles=[roles.SECRECY_OFFICE]
    ).user
    safe = ContainerFactory(code="SAFE", kind="combination_safe", unit=unit, max_level=Level.TOP_SECRET)
    carrier = register(clerk, container=safe)
    out["carrier"] = carrier.pk
    moved = carrier_services.transition(carrier=carrier, to_status="on_loan", actor=clerk, reason="test")
    out["moved"] = moved.status
    back = carrier_services.transition(carrier=moved, to_status="in_custody", actor=clerk)
    out["status"] = back.status
    def bad_move_with_event():
        event = record(
            actor=clerk, action="carrier.status_changed", target=carrier,
            details={"from": "in_custody", "to": "destroyed"},
        )
        Carrier.objects.filter(pk=carrier.pk).update(status="destroyed", status_event=event)

    for label, call in [
        ("bad_move", lambda: Carrier.objects.filter(pk=carrier.pk).update(status="destroyed")),
        ("bad_move_with_event", bad_move_with_event),
        ("no_event", lambda: Carrier.objects.filter(pk=carrier.pk).update(status="archived")),
    ]:
        try:
            with transaction.atomic():
                call()
            out[label] = "allowed"
        except IntegrityError as exc:
            out[label] = str(exc)
    print("RESULT " + json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "registry.sqlite3"
    url = f"sqlite:///{path}"
    manage(url, "migrate", "--noinput", "-v0", timeout=120)
    done = manage(url, "shell", "-c", SEED_SCRIPT, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout + done.stderr
    return path, json.loads(lines[-1][len("RESULT "):])


def sqlite_refused(path, sql: str, params=()) -> str:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.DatabaseError) as exc:
            conn.execute(sql, params)
        return str(exc.value)
    finally:
        conn.close()


def sqlite_count(path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_sqlite_seeded(sqlite_db):
    path, result = sqlite_db
    assert sqlite_count(path, "audit_auditevent") >= 5  # test.sqlite, registered, signature, two moves
    assert sqlite_count(path, "audit_signature") >= 1
    assert "inside the transaction" in result["outside"]
    assert result["moved"] == "on_loan" and result["status"] == "in_custody"


@pytest.mark.parametrize("table", TABLES)
def test_sqlite_update_delete_refused(sqlite_db, table):
    path, _result = sqlite_db
    key = "seq" if table == "audit_auditevent" else "id"
    column = "actor_name" if table == "audit_auditevent" else "printed_name"
    before = sqlite_count(path, table)
    for sql in [
        f"UPDATE {table} SET {column} = 'forged' WHERE {key} = (SELECT max({key}) FROM {table})",
        f"UPDATE {table} SET {column} = {column}",
        f"DELETE FROM {table} WHERE {key} = (SELECT min({key}) FROM {table})",
        f"DELETE FROM {table}",  # SQLite's TRUNCATE
    ]:
        message = sqlite_refused(path, sql)
        assert "append-only" in message, (sql, message)
    assert sqlite_count(path, table) == before


def test_sqlite_chain_verifies(sqlite_db):
    path, _result = sqlite_db
    done = manage(f"sqlite:///{path}", "verify_audit", timeout=120)
    count = sqlite_count(path, "audit_auditevent")
    assert done.stdout.startswith(f"OK {count} events, head ")


def test_sqlite_state_machine_triggers(sqlite_db):
    path, result = sqlite_db
    conn = sqlite3.connect(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        moves = set(conn.execute("SELECT from_status, to_status FROM carriers_statusmove"))
    finally:
        conn.close()
    assert {"carriers_status_insert", "carriers_status_move", "carriers_status_event"} <= names
    assert {f"{t}_no_update" for t in TABLES} | {f"{t}_no_delete" for t in TABLES} <= names
    from carriers.models import ALLOWED_MOVES

    assert moves == {(src, dst) for src, targets in ALLOWED_MOVES.items() for dst in targets}

    # Through the ORM in the seeding process:
    assert "carrier state machine" in result["bad_move"]
    assert "not an allowed move" in result["bad_move_with_event"]
    assert "needs its own audit event" in result["no_event"]

    # And raw SQL:
    carrier_id = result["carrier"]
    message = sqlite_refused(path, "UPDATE carriers_carrier SET status = 'destroyed' WHERE id = ?", [carrier_id])
    assert "carrier state machine" in message
    message = sqlite_refused(path, "UPDATE carriers_carrier SET status = 'archived' WHERE id = ?", [carrier_id])
    assert "needs its own audit event" in message
    # reusing the carrier's old status event (in_custody -> on_loan) after a later move is refused
    conn = sqlite3.connect(path)
    try:
        old_event = conn.execute(
            "SELECT seq FROM audit_auditevent WHERE action = 'carrier.status_changed' AND target_id = ? "
            "ORDER BY seq LIMIT 1", [str(carrier_id)],
        ).fetchone()[0]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(carriers_carrier)") if row[1] != "id"]
    finally:
        conn.close()
    message = sqlite_refused(
        path, "UPDATE carriers_carrier SET status = 'on_loan', status_event_id = ? WHERE id = ?", [old_event, carrier_id]
    )
    assert "needs its own audit event" in message
    # a new carrier cannot start as destroyed
    select = ", ".join(
        {"status": "'destroyed'", "registry_number": "registry_number || '-copy'", "status_event_id": "NULL"}.get(c, c)
        for c in columns
    )
    message = sqlite_refused(
        path, f"INSERT INTO carriers_carrier ({', '.join(columns)}) SELECT {select} FROM carriers_carrier WHERE id = ?",
        [carrier_id],
    )
    assert "cannot start" in message
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT status FROM carriers_carrier WHERE id = ?", [carrier_id]).fetchone()[0] == "in_custody"
    finally:
        conn.close()
