"""The carrier state machine, backed by the database: the allowed moves as rows, and a trigger
that refuses (a) a new carrier in any but an initial status, (b) a move not in the table, and
(c) a move without its own audit event (action carrier.status_changed, this carrier, from the old
to the new status, the latest such event). No code path can change a status quietly."""

from django.db import migrations

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


def sync_moves(apps, schema_editor):
    from carriers.models import ALLOWED_MOVES

    StatusMove = apps.get_model("carriers", "StatusMove")
    StatusMove.objects.all().delete()
    StatusMove.objects.bulk_create(
        StatusMove(from_status=src, to_status=dst) for src, targets in ALLOWED_MOVES.items() for dst in targets
    )


def create_triggers(apps, schema_editor):
    from carriers.models import INITIAL_STATUSES

    initial = ", ".join(f"'{s}'" for s in INITIAL_STATUSES)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION.replace("%(initial)s", initial).replace("%%", "%"), params=None)
        schema_editor.execute(
            "CREATE TRIGGER carriers_status_guard BEFORE INSERT OR UPDATE ON carriers_carrier "
            "FOR EACH ROW EXECUTE FUNCTION carriers_guard_status()"
        )
        schema_editor.execute("ALTER TABLE carriers_carrier ENABLE ALWAYS TRIGGER carriers_status_guard")
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement.replace("%(initial)s", initial))
    else:
        raise RuntimeError(f"no state-machine triggers for database vendor {vendor!r}")


class Migration(migrations.Migration):
    dependencies = [("carriers", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(sync_moves, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, migrations.RunPython.noop),
    ]
