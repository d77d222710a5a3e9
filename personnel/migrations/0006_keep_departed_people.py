from django.db import migrations


def create_trigger(apps, schema_editor):
    from personnel.triggers import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("personnel", "0005_secrecy_file_travel_departure")]
    operations = [migrations.RunPython(create_trigger, migrations.RunPython.noop)]
