"""Idempotency records made before the keyed hash held an unkeyed SHA-256 of the request body,
signing password included (one hash per guess recovered it). Their hashes are blanked: a retry
with such an old key then answers 422 (never runs twice), and nothing recoverable is left."""

from django.db import migrations


def blank_unkeyed_hashes(apps, schema_editor):
    apps.get_model("common", "IdempotencyRecord").objects.exclude(request_hash="").update(request_hash="")


class Migration(migrations.Migration):

    dependencies = [
        ("common", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(blank_unkeyed_hashes, migrations.RunPython.noop),
    ]
