"""Default policies for the kinds added with use, storage, meetings and personnel (editable by the
secrecy office afterwards).

- declassification: a review of a secrecy period (extend, downgrade, declassify) is decided by the
  head of the department and the secrecy office; Top Secret also by the head of the unit.
- meeting: a confidential meeting and its attendee list: the department head; Secret and above
  with the secrecy office; Top Secret also the unit head (R8).
- departure: leaving a secret-related post: the department head and the secrecy office (R12).
- travel/disengagement: leaving the country during the disengagement period takes the strictest
  chain at every level (R11, R12)."""

from django.db import migrations

DEPT, UNIT, SO = "department_head", "unit_head", "secrecy_office"

DEFAULTS = {
    ("declassification", ""): {1: [DEPT, SO], 2: [DEPT, SO], 3: [DEPT, SO, UNIT]},
    ("meeting", ""): {1: [DEPT], 2: [DEPT, SO], 3: [DEPT, SO, UNIT]},
    ("departure", ""): {1: [DEPT, SO], 2: [DEPT, SO], 3: [DEPT, SO, UNIT]},
    ("travel", "disengagement"): {1: [DEPT, SO, UNIT], 2: [DEPT, SO, UNIT], 3: [DEPT, SO, UNIT]},
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
    dependencies = [("approvals", "0004_more_request_kinds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
