"""Database backstops of the carrier state machine (see migration 0002). Installed by that
migration and again after every `migrate` (post_migrate): SQLite rebuilds a table when a later
migration alters it, and a rebuilt table has lost its triggers."""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION carriers_guard_status() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status NOT IN (%(initial)s) THEN
            RAISE EXCEPTION 'carrier state machine: a carrier cannot start as %%', NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM carriers_statusmove m
                       WHERE m.from_status = OLD.status AND m.to_status = NEW.status) THEN
            RAISE EXCEPTION 'carrier state machine: % -> % is not an allowed move', OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status_event_id IS NULL
           OR NEW.status_event_id IS NOT DISTINCT FROM OLD.status_event_id
           OR NOT EXISTS (
                SELECT 1 FROM audit_auditevent e
                WHERE e.seq = NEW.status_event_id AND e.action = 'carrier.status_changed'
                  AND e.target_type = 'carriers.carrier' AND e.target_id = NEW.id::text
                  AND e.details ->> 'from' = OLD.status AND e.details ->> 'to' = NEW.status)
           OR EXISTS (
                SELECT 1 FROM audit_auditevent later
                WHERE later.seq > NEW.status_event_id AND later.action = 'carrier.status_changed'
                  AND later.target_type = 'carriers.carrier' AND later.target_id = NEW.id::text) THEN
            RAISE EXCEPTION 'carrier state machine: a status change needs its own audit event'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# The present bound to the trail: a change of a carrier's holder, container, level, period or marking
# is refused at commit unless the same transaction appended an audit event naming that carrier (its
# target, or one of the carriers it names). The event's txid is stamped by the database
# (audit/triggers.py), so neither the application role nor a session setting can fake it. Deferred
# to commit, so a service may record the event before or after the change.
BOUND_COLUMNS = ("holder_id", "container_id", "level", "secrecy_years", "secrecy_months", "period_start",
                 "expires_on", "declassification_condition", "marking_zh", "marking_en")

PG_BOUND_FUNCTION = """
CREATE OR REPLACE FUNCTION carriers_bound_to_trail() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM audit_auditevent e
         WHERE e.txid = txid_current()
           AND ((e.target_type = 'carriers.carrier' AND e.target_id = NEW.id::text)
                OR EXISTS (SELECT 1 FROM audit_auditeventcarrier ec
                            WHERE ec.event_id = e.seq AND ec.carrier_id = NEW.id))) THEN
        RAISE EXCEPTION 'carrier %: a change of its holder, container, level, period or marking needs its own audit event in the same transaction', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER carriers_status_insert BEFORE INSERT ON carriers_carrier
       WHEN NEW.status NOT IN (%(initial)s)
       BEGIN SELECT RAISE(ABORT, 'carrier state machine: a carrier cannot start in this status'); END""",
    """CREATE TRIGGER carriers_status_move BEFORE UPDATE OF status ON carriers_carrier
       WHEN NEW.status <> OLD.status AND NOT EXISTS (
           SELECT 1 FROM carriers_statusmove m WHERE m.from_status = OLD.status AND m.to_status = NEW.status)
       BEGIN SELECT RAISE(ABORT, 'carrier state machine: not an allowed move'); END""",
    """CREATE TRIGGER carriers_status_event BEFORE UPDATE OF status ON carriers_carrier
       WHEN NEW.status <> OLD.status AND (
           NEW.status_event_id IS NULL OR NEW.status_event_id IS OLD.status_event_id
           OR NOT EXISTS (
               SELECT 1 FROM audit_auditevent e
               WHERE e.seq = NEW.status_event_id AND e.action = 'carrier.status_changed'
                 AND e.target_type = 'carriers.carrier' AND e.target_id = CAST(NEW.id AS TEXT)
                 AND json_extract(e.details, '$.from') = OLD.status
                 AND json_extract(e.details, '$.to') = NEW.status)
           OR EXISTS (
               SELECT 1 FROM audit_auditevent later
               WHERE later.seq > NEW.status_event_id AND later.action = 'carrier.status_changed'
                 AND later.target_type = 'carriers.carrier' AND later.target_id = CAST(NEW.id AS TEXT)))
       BEGIN SELECT RAISE(ABORT, 'carrier state machine: a status change needs its own audit event'); END""",
]



def install(connection) -> None:
    """(Re)create the state-machine triggers; safe to run any number of times."""
    from carriers.models import INITIAL_STATUSES

    initial = ", ".join(f"'{s}'" for s in INITIAL_STATUSES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION.replace("%(initial)s", initial).replace("%%", "%"), None)
            cursor.execute("DROP TRIGGER IF EXISTS carriers_status_guard ON carriers_carrier", None)
            cursor.execute(
                "CREATE TRIGGER carriers_status_guard BEFORE INSERT OR UPDATE ON carriers_carrier "
                "FOR EACH ROW EXECUTE FUNCTION carriers_guard_status()", None
            )
            cursor.execute("ALTER TABLE carriers_carrier ENABLE ALWAYS TRIGGER carriers_status_guard", None)
            cursor.execute(PG_BOUND_FUNCTION, None)
            cursor.execute("DROP TRIGGER IF EXISTS carriers_bound_to_trail ON carriers_carrier", None)
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in BOUND_COLUMNS)
            cursor.execute(
                "CREATE CONSTRAINT TRIGGER carriers_bound_to_trail AFTER UPDATE ON carriers_carrier "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({changed}) "
                "EXECUTE FUNCTION carriers_bound_to_trail()", None
            )
            cursor.execute("ALTER TABLE carriers_carrier ENABLE ALWAYS TRIGGER carriers_bound_to_trail", None)
        elif connection.vendor == "sqlite":
            for name in ("carriers_status_insert", "carriers_status_move", "carriers_status_event"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement.replace("%(initial)s", initial))
        else:
            raise RuntimeError(f"no state-machine triggers for database vendor {connection.vendor!r}")
