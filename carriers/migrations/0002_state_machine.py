"""The carrier state machine, backed by the database: the allowed moves as rows, and a trigger
that refuses (a) a new carrier in any but an initial status, (b) a move not in the table, and
(c) a move without its own audit event (action carrier.status_changed, this carrier, from the old
to the new status, the latest such event). No code path can change a status quietly."""

from django.db import migrations

def sync_moves(apps, schema_editor):
    from carriers.models import ALLOWED_MOVES

    StatusMove = apps.get_model("carriers", "StatusMove")
    StatusMove.objects.all().delete()
    StatusMove.objects.bulk_create(
        StatusMove(from_status=src, to_status=dst) for src, targets in ALLOWED_MOVES.items() for dst in targets
    )


def create_triggers(apps, schema_editor):
    from carriers.triggers import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("carriers", "0001_initial"), ("audit", "0002_append_only")]
    operations = [
        migrations.RunPython(sync_moves, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, migrations.RunPython.noop),
    ]
