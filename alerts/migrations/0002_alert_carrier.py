"""Alerts name their carrier (alerts/policy.py: an alert is seen only with it). Existing alerts about
a carrier get it from their target."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    alert = apps.get_model("alerts", "Alert")
    carrier = apps.get_model("carriers", "Carrier")
    alert.objects.filter(target_type="carriers.carrier", target_id__in=carrier.objects.values("pk")).update(
        carrier_id=models.F("target_id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('carriers', '0006_handover_carry_out'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='carrier',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='carriers.carrier', verbose_name='carrier'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
