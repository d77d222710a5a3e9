"""Append-only by the database: UPDATE, DELETE and TRUNCATE on the audit tables are refused by
triggers with no bypass switch (on PostgreSQL ENABLE ALWAYS, so even session_replication_role =
replica does not silence them). Installed by migration 0002 and again after every `migrate`
(post_migrate), because SQLite loses a table's triggers when a migration rebuilds the table."""

TABLES = ["audit_auditevent", "audit_signature", "audit_auditeventcarrier"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
"""

# every event carries the transaction that wrote it, whatever the writer sent: a carrier's trigger
# (carriers/triggers.py) then knows whether a change comes with its own event of the same transaction
PG_TXID_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_stamp_txid() RETURNS trigger AS $$
BEGIN
    NEW.txid := txid_current();
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def install(connection) -> None:
    """(Re)create the append-only triggers; safe to run any number of times. A table a later
    migration creates (the carrier index) gets its triggers from that migration."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in TABLES if table in existing]
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION, None)
            if "audit_auditevent" in existing:
                cursor.execute(PG_TXID_FUNCTION, None)
                cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_txid ON audit_auditevent", None)
                cursor.execute(
                    "CREATE TRIGGER audit_auditevent_txid BEFORE INSERT ON audit_auditevent "
                    "FOR EACH ROW EXECUTE FUNCTION audit_stamp_txid()", None
                )
                cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_txid", None)
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}", None)
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}", None)
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()", None
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()", None
                )
                cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_change", None)
                cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate", None)
        elif connection.vendor == "sqlite":
            # SQLite has no TRUNCATE: its "truncate optimisation" of DELETE is disabled by any
            # DELETE trigger, so the DELETE trigger covers it.
            for table in tables:
                for op in ("UPDATE", "DELETE"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}")
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: {op} on {table} refused'); END"
                    )
        else:
            raise RuntimeError(f"no append-only triggers for database vendor {connection.vendor!r}")
