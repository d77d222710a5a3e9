"""Administration fixtures: the three administrators of unit U (two security administrators, so
that a four-eyes request has a second one to decide it), one of unit X, API clients, a helper that
decides an administrators' request, and a snapshot of what a refusal must leave unchanged."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from approvals import services as approvals
from audit.models import AuditEvent
from personnel import roles
from personnel.models import Person, Pledge, TrainingRecord
from tests.factories import PASSWORD, PersonFactory


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admins(org):
    def admin(username, dept, post, role):
        return PersonFactory(user__username=username, department=dept, unit=dept.parent, secrecy_post=post,
                             roles=[role], full_name=f"{username}-name").user

    return SimpleNamespace(
        sys=admin("sysadmin", org.gen, "general", roles.SYSTEM_ADMIN),
        sec=admin("secadmin", org.sec, "important", roles.SECURITY_ADMIN),
        sec2=admin("secadmin2", org.sec, "important", roles.SECURITY_ADMIN),
        aud=admin("secauditor", org.gen, "general", roles.SECURITY_AUDITOR),
        other_sec=admin("x_secadmin", org.xd, "important", roles.SECURITY_ADMIN),
    )


def decide(user, change, outcome="approve", reason="", password=PASSWORD):
    """The second administrator decides the change's approval (signed with the password)."""
    change.refresh_from_db()
    return approvals.decide(actor=user, request_id=change.approval_id, outcome=outcome, password=password,
                            reason=reason or ("" if outcome == "approve" else "not justified"))


def ready_for_post(person: Person, by) -> None:
    """A signed-on pledge (paper) and a passed training: what raising a post needs (R10, R14)."""
    from django.utils import timezone

    Pledge.objects.create(person=person, kind="on_post", method="recorded", signed_on=timezone.localdate(),
                          reference="archive 1", recorded_by=by)
    TrainingRecord.objects.create(person=person, course="basics", held_on=timezone.localdate(), result="passed",
                                  hours=2, recorded_by=by)


def snapshot():
    """What an administrator's refused action must leave as it was."""
    from django.contrib.auth import get_user_model

    return (
        AuditEvent.objects.exclude(action__startswith="account.login").count(),
        sorted(get_user_model().objects.values_list("pk", "is_active")),
        sorted(get_user_model().groups.through.objects.values_list("user_id", "group_id")),
        sorted(Person.objects.values_list("pk", "secrecy_post", "status", "department_id")),
    )


@pytest.fixture(autouse=True)
def _fresh_tunables():
    """The technical settings' memory (common.tunables) holds nothing from another test: a test's
    change is rolled back with its transaction, and every process reads the table again."""
    from common import tunables

    tunables.forget()
    yield
    tunables.forget()
