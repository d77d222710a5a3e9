"""Append-only by the database: UPDATE, DELETE and TRUNCATE on the audit tables are refused by
triggers with no bypass switch (on PostgreSQL ENABLE ALWAYS, so even session_replication_role =
replica does not silence them). Installed by migration 0002 and again after every `migrate`
(post_migrate), because SQLite loses a table's triggers when a migration rebuilds the table."""

TABLES = ["audit_auditevent", "audit_signature", "audit_auditeventcarrier", "audit_chainlink"]

# Any constant will do: every committing transaction that links events takes the same lock.
CHAIN_LOCK_KEY = 0x5EC2E7
GENESIS = "0" * 64

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


# The chain is appended at commit (decision 0022, issue 16 item 1): a deferred constraint trigger
# fires for each event of the transaction when it commits, in the order they were written, takes the
# chain's lock (held from here to the end of COMMIT only, not across the request's round trips),
# reads the last link (READ COMMITTED: a fresh snapshot after the lock, so the previous committer's
# link is seen) and appends hash = SHA-256(prev_hash || event hash). SECURITY DEFINER: the
# application role may read the links but not write them (common/db_roles.py). The unique pos and
# prev_hash turn any mistake into a failed commit, never a fork.
PG_LINK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_link_event() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    last_pos bigint;
    last_hash varchar(64);
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK_KEY});
    SELECT pos, hash INTO last_pos, last_hash FROM audit_chainlink ORDER BY pos DESC LIMIT 1;
    IF last_pos IS NULL THEN
        last_pos := 0;
        last_hash := '{GENESIS}';
    END IF;
    INSERT INTO audit_chainlink (pos, event_id, prev_hash, hash)
    VALUES (last_pos + 1, NEW.seq, last_hash,
            encode(sha256(convert_to(last_hash || NEW.hash, 'UTF8')), 'hex'));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def _install_pg_link(cursor) -> None:
    cursor.execute(PG_LINK_FUNCTION, None)
    cursor.execute("DROP TRIGGER IF EXISTS audit_chain_link ON audit_auditevent", None)
    cursor.execute(
        "CREATE CONSTRAINT TRIGGER audit_chain_link AFTER INSERT ON audit_auditevent "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_link_event()", None
    )
    cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_chain_link", None)
    cursor.execute("CREATE SEQUENCE IF NOT EXISTS audit_event_seq AS bigint", None)


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
                if "audit_chainlink" in existing:
                    _install_pg_link(cursor)
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
