from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="unit_head")


class Migration(migrations.Migration):
    dependencies = [("personnel", "0002_roles")]
    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
