"""Production (R1): a carrier made by a production run points back to it; an intermediate material
of a run (draft, revision, proof, negative, semi-finished product, waste) is marked keep or destroy,
with the date to destroy it by; copy numbers are unique within one run."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('carriers', '0004_carrier_scope_units'),
        ('production', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='carrier',
            name='dispose_by',
            field=models.DateField(blank=True, null=True, verbose_name='destroy by'),
        ),
        migrations.AddField(
            model_name='carrier',
            name='disposition',
            field=models.CharField(blank=True, choices=[('keep', 'Keep (controlled like the final copies)'), ('destroy', 'Destroy')], max_length=8, verbose_name='disposition'),
        ),
        migrations.AddField(
            model_name='carrier',
            name='intermediate_kind',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('revision', 'Revised draft'), ('proof', 'Proof'), ('negative', 'Negative'), ('semi_finished', 'Semi-finished product'), ('waste', 'Waste')], max_length=16, verbose_name='intermediate material'),
        ),
        migrations.AddField(
            model_name='carrier',
            name='production_run',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='carriers', to='production.productionrun', verbose_name='production run'),
        ),
        migrations.AddIndex(
            model_name='carrier',
            index=models.Index(condition=models.Q(('disposition', 'destroy')), fields=['dispose_by'], name='carrier_dispose_by_idx'),
        ),
        migrations.AddConstraint(
            model_name='carrier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('disposition', ''), ('intermediate_kind', '')), models.Q(models.Q(('intermediate_kind', ''), _negated=True), ('production_run__isnull', False), ('disposition__in', ['keep', 'destroy'])), _connector='OR'), name='carrier_intermediate_of_a_run'),
        ),
        migrations.AddConstraint(
            model_name='carrier',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('dispose_by__isnull', False), ('disposition', 'destroy')), models.Q(models.Q(('disposition', 'destroy'), _negated=True), ('dispose_by__isnull', True)), _connector='OR'), name='carrier_dispose_by_only_to_destroy'),
        ),
        migrations.AddConstraint(
            model_name='carrier',
            constraint=models.UniqueConstraint(condition=models.Q(('intermediate_kind', ''), ('production_run__isnull', False)), fields=('production_run', 'copy_number'), name='carrier_copy_number_unique_per_run'),
        ),
    ]
