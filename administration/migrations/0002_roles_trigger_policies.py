"""The three administrator roles as groups, the database's one-administrator-role trigger on
auth_user_groups (administration/triggers.py), and the approval policies of the administrators'
four-eyes requests (approvals kind "administration": one step, a second security administrator).
Only missing policies are created: a policy changed since is kept."""

from django.db import migrations

ROLES = ["system_admin", "security_admin", "security_auditor"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    PolicyStep = apps.get_model("approvals", "PolicyStep")
    for level in (1, 2, 3):
        policy, created = ApprovalPolicy.objects.get_or_create(
            kind="administration", variant="", level=level,
            defaults={"description": "Four eyes: a second security administrator approves (issue 15)"},
        )
        if created:
            PolicyStep.objects.create(policy=policy, order=1, approver_role="security_admin")
    from administration.triggers import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS administration_one_admin_role ON auth_user_groups")
    else:
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS administration_one_admin_role_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0001_initial"),
        ("approvals", "0006_administration_kind"),
        ("personnel", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
