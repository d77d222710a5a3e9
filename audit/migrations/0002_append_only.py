"""Append-only by the database: UPDATE, DELETE and TRUNCATE on the audit tables are refused by
triggers that have no bypass switch. On PostgreSQL they are ENABLE ALWAYS, so even
session_replication_role = replica does not silence them."""

from django.db import migrations

def forwards(apps, schema_editor):
    from audit.triggers import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
