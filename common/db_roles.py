"""The two PostgreSQL roles of a deployment (docs/operations.md, "Database roles"): the owner of the
schema runs the migrations; the application role (web, workers, beat) may read and write every
table except the audit trail, which it may only read and append to, and the state machine's table
of allowed moves, which it may only read. Only the owner can change or switch off a trigger.

`grant_app_role()` (re)applies the application role's privileges; run it as the owner after every
migrate: `manage.py grant_app_role ROLE`, or automatically when DATABASE_APP_ROLE is set (a
post_migrate receiver, common.apps). scripts/db-roles.sql creates both roles once."""

from django.db import connections, transaction

# read-only for the application (filled by the migrations)
# (the audit chain's links are written only by the database's commit trigger, audit/triggers.py)
READ_ONLY_TABLES = ("carriers_statusmove", "audit_chainlink")


# the append-only tables are those whose triggers refuse every change (audit/triggers.py installs
# them on the audit trail): found in the database, so a new append-only table is covered too
APPEND_ONLY_SQL = """
SELECT DISTINCT c.relname FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE p.proname = 'audit_refuse_change' AND NOT t.tgisinternal
 ORDER BY c.relname
"""


def append_only_tables(cursor) -> list[str]:
    cursor.execute(APPEND_ONLY_SQL)
    return [row[0] for row in cursor.fetchall()]


def grant_statements(role: str, *, database: str, quote, existing: set[str], append_only: list[str]) -> list[str]:
    app = quote(role)
    audit = ", ".join(append_only)
    read_only = ", ".join(t for t in READ_ONLY_TABLES if t in existing)
    statements = [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # never TRUNCATE, REFERENCES or TRIGGER anywhere; on the audit trail, no UPDATE or DELETE
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {app}",
    ]
    if audit:
        statements.append(f"REVOKE UPDATE, DELETE ON {audit} FROM {app}")
    if read_only:
        statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {app}")
    return statements


def grant_app_role(role: str, *, using: str = "default") -> list[str]:
    """Grant `role` the application's privileges on the current database, as its owner. Returns
    the statements run ([] on SQLite, which has no roles)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        append_only = append_only_tables(cursor)
    statements = grant_statements(role, database=database, quote=connection.ops.quote_name, existing=existing,
                                  append_only=append_only)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: with DATABASE_APP_ROLE set, every migrate re-applies the role's grants."""
    from django.conf import settings

    role = getattr(settings, "DATABASE_APP_ROLE", None)
    if role:
        grant_app_role(role, using=using)
