"""Default approval policies (editable by the secrecy office afterwards).

Steps per kind and level: the head of the requester's department decides; Top Secret adds the
secrecy office as a countersign; foreign-affairs, abroad, travel and overseas-publication cases
go to the head of the unit (R5, R9, R11); destruction needs the competent leader (R7);
compilation needs an organ with that power (R4): the head of the unit."""

from django.db import migrations

DEPT, UNIT, SO = "department_head", "unit_head", "secrecy_office"

DEFAULTS = {
    # (kind, variant): {level: [steps]}
    ("publication_review", ""): {1: [DEPT], 2: [DEPT, SO], 3: [DEPT, SO]},
    ("publication_review", "overseas"): {1: [DEPT, SO, UNIT], 2: [DEPT, SO, UNIT], 3: [DEPT, SO, UNIT]},
    ("production", ""): {1: [DEPT], 2: [DEPT], 3: [DEPT, SO]},
    ("copying", ""): {1: [DEPT], 2: [DEPT], 3: [DEPT, SO]},
    ("compilation", ""): {1: [DEPT, UNIT], 2: [DEPT, UNIT], 3: [DEPT, SO, UNIT]},
    ("carrying_out", ""): {1: [DEPT], 2: [DEPT], 3: [DEPT, SO]},
    ("carrying_out", "foreign_affairs"): {1: [DEPT, UNIT], 2: [DEPT, UNIT], 3: [DEPT, SO, UNIT]},
    ("carrying_abroad", ""): {1: [DEPT, SO, UNIT], 2: [DEPT, SO, UNIT], 3: [DEPT, SO, UNIT]},
    ("destruction", ""): {1: [DEPT], 2: [DEPT, SO], 3: [DEPT, SO, UNIT]},
    ("travel", ""): {1: [DEPT, UNIT], 2: [DEPT, UNIT], 3: [DEPT, SO, UNIT]},
    ("loan_extension", ""): {1: [DEPT], 2: [DEPT], 3: [DEPT, SO]},
    ("temporary_retention", ""): {1: [DEPT], 2: [DEPT, SO], 3: [DEPT, SO]},
}


def seed(apps, schema_editor):
    Policy = apps.get_model("approvals", "ApprovalPolicy")
    Step = apps.get_model("approvals", "PolicyStep")
    for (kind, variant), by_level in DEFAULTS.items():
        for level, roles in by_level.items():
            policy, created = Policy.objects.get_or_create(kind=kind, variant=variant, level=level)
            if created:
                Step.objects.bulk_create(
                    Step(policy=policy, order=i, approver_role=role) for i, role in enumerate(roles, start=1)
                )


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
