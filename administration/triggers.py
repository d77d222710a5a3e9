"""Database backstop of the separation of the three administrators (issue 15, item 1): a user holds
at most one administrator role (system administrator, security administrator, security auditor),
and no administrator also holds a business role that their own changes would widen (the unit-wide
office roles, the approver roles, an API client). Whoever writes auth_user_groups, by the ORM or by
raw SQL, is refused. Installed by migration 0002 and again after every `migrate` (post_migrate),
because SQLite loses a table's triggers when a later migration rebuilds it.

The role names are written into the trigger from administration.rules (the one list)."""

from .rules import ADMIN_ROLES, EXCLUSIVE_WITH_ADMIN


def _names(names) -> str:
    return ", ".join(f"'{name}'" for name in names)


def pg_function() -> str:
    admins, others = _names(ADMIN_ROLES), _names(EXCLUSIVE_WITH_ADMIN)
    return f"""
CREATE OR REPLACE FUNCTION administration_one_admin_role() RETURNS trigger AS $$
DECLARE
    added text;
    clash text;
BEGIN
    SELECT name INTO added FROM auth_group WHERE id = NEW.group_id;
    IF added IN ({admins}) OR added IN ({others}) THEN
        -- one writer per user at a time: two concurrent grants cannot both pass the test below
        PERFORM 1 FROM auth_user WHERE id = NEW.user_id FOR UPDATE;
        SELECT g.name INTO clash FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
         WHERE ug.user_id = NEW.user_id AND ug.id IS DISTINCT FROM NEW.id AND g.id <> NEW.group_id
           AND ((added IN ({admins}) AND (g.name IN ({admins}) OR g.name IN ({others})))
                OR (added IN ({others}) AND g.name IN ({admins})))
         LIMIT 1;
        IF clash IS NOT NULL THEN
            RAISE EXCEPTION 'administration: role % cannot be held with role % (one administrator role per person)',
                added, clash USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def sqlite_trigger(event: str) -> str:
    admins, others = _names(ADMIN_ROLES), _names(EXCLUSIVE_WITH_ADMIN)
    return f"""
CREATE TRIGGER administration_one_admin_role_{event.lower()} BEFORE {event} ON auth_user_groups
WHEN EXISTS (
    SELECT 1 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id, auth_group a
     WHERE a.id = NEW.group_id AND ug.user_id = NEW.user_id AND ug.id IS NOT NEW.id AND g.id <> NEW.group_id
       AND ((a.name IN ({admins}) AND (g.name IN ({admins}) OR g.name IN ({others})))
            OR (a.name IN ({others}) AND g.name IN ({admins})))
)
BEGIN SELECT RAISE(ABORT, 'administration: one administrator role per person, and none with a business role it would widen'); END
"""


def install(connection) -> None:
    """(Re)create the trigger; safe to run any number of times."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(pg_function(), None)
            cursor.execute("DROP TRIGGER IF EXISTS administration_one_admin_role ON auth_user_groups", None)
            cursor.execute(
                "CREATE TRIGGER administration_one_admin_role BEFORE INSERT OR UPDATE ON auth_user_groups "
                "FOR EACH ROW EXECUTE FUNCTION administration_one_admin_role()", None
            )
            cursor.execute("ALTER TABLE auth_user_groups ENABLE ALWAYS TRIGGER administration_one_admin_role", None)
        elif connection.vendor == "sqlite":
            for event in ("INSERT", "UPDATE"):
                cursor.execute(f"DROP TRIGGER IF EXISTS administration_one_admin_role_{event.lower()}")
                cursor.execute(sqlite_trigger(event))
        else:
            raise RuntimeError(f"no administration trigger for database vendor {connection.vendor!r}")
