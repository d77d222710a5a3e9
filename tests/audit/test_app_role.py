"""The application role (what web, workers and beat log in as; what this suite runs as under
`make test`) holds only SELECT and INSERT on the audit trail: UPDATE, DELETE, TRUNCATE, switching
a trigger off, dropping it and replica mode are all refused by PostgreSQL before any trigger runs.
Its normal work elsewhere is untouched (the rest of the suite does it, as this role)."""

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import record
from tests.db_roles import app_role, as_owner_url, owner_role, two_roles
from tests.live import scratch_database

TABLES = ["audit_auditevent", "audit_signature", "audit_auditeventcarrier"]
REFUSED = ("permission denied", "must be owner")

pytestmark = pytest.mark.skipif(
    not two_roles(),
    reason="needs the two database roles: DATABASE_OWNER_URL (scripts/test-services.sh and make test set it)",
)


def statements(table: str) -> list[str]:
    key = "seq" if table == "audit_auditevent" else "id"
    column = {"audit_auditevent": "actor_name", "audit_signature": "printed_name"}.get(table, "carrier_id")
    return [
        f"UPDATE {table} SET {column} = {column} WHERE {key} = (SELECT max({key}) FROM {table})",
        f"DELETE FROM {table} WHERE {key} = (SELECT max({key}) FROM {table})",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
        f"TRUNCATE {table} CASCADE",
        f"ALTER TABLE {table} DISABLE TRIGGER USER",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_change",
        f"ALTER TABLE {table} ENABLE REPLICA TRIGGER {table}_no_change",
        f"DROP TRIGGER {table}_no_change ON {table}",
        f"ALTER TABLE {table} OWNER TO {app_role()}",
    ]


def refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(exc.value)


@pytest.mark.django_db
def test_the_suite_runs_as_the_application_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
        cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE tablename = ANY(%s)", [TABLES])
        owners = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        powers = cursor.fetchone()
    assert current == session == app_role()
    assert owners == {owner_role()} and app_role() not in owners
    assert powers == (False, False, False)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_changing_or_erasing_the_trail_is_refused(org, table):
    with transaction.atomic():
        record(actor=org.secretary, action="test.app_role", details={"n": 1})
    before = AuditEvent.objects.count()
    for sql in statements(table):
        message = refused(sql)
        assert any(reason in message for reason in REFUSED), (sql, message)
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(actor_name="forged").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["SET session_replication_role = replica",
                                       "SET LOCAL session_replication_role = replica"])
def test_replica_mode_is_refused(statement):
    message = refused(statement)
    assert "permission denied" in message, message


@pytest.mark.django_db
def test_privileges_are_exactly_the_documented_ones():
    def privileges(table: str) -> set[str]:
        held = set()
        with connection.cursor() as cursor:
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
                cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
                if cursor.fetchone()[0]:
                    held.add(privilege)
        return held

    for table in TABLES:
        assert privileges(table) == {"SELECT", "INSERT"}, table
    assert privileges("carriers_statusmove") == {"SELECT"}
    for table in ("carriers_carrier", "carriers_handover", "common_idempotencyrecord", "django_session"):
        assert privileges(table) == {"SELECT", "INSERT", "UPDATE", "DELETE"}, table


@pytest.mark.django_db
def test_normal_work_goes_on(org):
    from tests.factories import register

    carrier = register(org.secretary, container=org.cabinet)  # a signed registration: audit rows appended
    assert AuditEvent.objects.filter(target_id=str(carrier.pk)).exists()


@pytest.mark.live
def test_scratch_databases_serve_as_the_application_role():
    """Servers and workers of the live tests run as the application role; the migration (as the
    owner, DATABASE_APP_ROLE set) granted it exactly its privileges."""
    with scratch_database() as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == app_role()
            assert conn.execute("SELECT count(*) FROM carriers_statusmove").fetchone()[0] > 0
            for sql in ("UPDATE audit_auditevent SET actor_name = 'x'", "TRUNCATE audit_signature",
                        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                    conn.execute(sql)
        with psycopg.connect(as_owner_url(url)) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == owner_role()
