"""Database backstop (R12): a person who has left their post keeps their history and is never
deleted, whoever runs the DELETE. Installed by migration 0006 and again after every `migrate`
(post_migrate), because SQLite loses a table's triggers when a later migration rebuilds it."""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION personnel_person_keep_departed() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'departed' THEN
        RAISE EXCEPTION 'personnel: a person who has left their post is never deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
"""

SQLITE_TRIGGER = """
CREATE TRIGGER personnel_person_keep_departed BEFORE DELETE ON personnel_person
WHEN OLD.status = 'departed'
BEGIN SELECT RAISE(ABORT, 'personnel: a person who has left their post is never deleted'); END
"""


def install(connection) -> None:
    """(Re)create the trigger; safe to run any number of times."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION, None)
            cursor.execute("DROP TRIGGER IF EXISTS personnel_person_keep_departed ON personnel_person", None)
            cursor.execute(
                "CREATE TRIGGER personnel_person_keep_departed BEFORE DELETE ON personnel_person "
                "FOR EACH ROW EXECUTE FUNCTION personnel_person_keep_departed()", None
            )
            cursor.execute("ALTER TABLE personnel_person ENABLE ALWAYS TRIGGER personnel_person_keep_departed", None)
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS personnel_person_keep_departed")
            cursor.execute(SQLITE_TRIGGER)
        else:
            raise RuntimeError(f"no personnel trigger for database vendor {connection.vendor!r}")
