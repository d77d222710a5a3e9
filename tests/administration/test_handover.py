"""A departure's hand-over (issue 15, item 3): the replacement takes over a unit-wide role (the
secrecy office) only through the administrators' four-eyes request, decided and signed by a
security administrator; the other approver roles move at once; an administrator cannot take any of
them over; a refusal changes nothing."""

import pytest
from django.http import Http404

from administration.models import AdminChange
from approvals.models import ApprovalRequestUserObjectPermission
from audit.models import AuditEvent, Signature
from common.errors import Refused, ValidationFailed
from personnel import roles
from personnel import services as personnel
from personnel.models import Person
from tests.factories import PersonFactory

from .conftest import decide, snapshot


@pytest.fixture
def leaving(org):
    """A second secrecy officer of unit U, who leaves (org.secretary records it)."""
    return PersonFactory(user__username="sec_leaving", department=org.sec, unit=org.sec.parent, secrecy_post="core",
                         roles=[roles.SECRECY_OFFICE], full_name="Leaving Officer")


def _roles(user):
    return set(user.groups.values_list("name", flat=True))


def test_the_secrecy_office_role_waits_for_a_security_administrator(org, admins, leaving):
    personnel.record_departure(actor=org.secretary, person=leaving, replacement=org.staff_important)
    leaving.refresh_from_db()
    assert leaving.status == Person.Status.DEPARTED
    # not held yet: a request instead, asked by the secrecy office that recorded the departure
    assert roles.SECRECY_OFFICE not in _roles(org.staff_important)
    change = AdminChange.objects.get(kind=AdminChange.Kind.GRANT_ROLE, person__user=org.staff_important)
    assert change.role == roles.SECRECY_OFFICE and change.status == AdminChange.Status.SUBMITTED
    assert change.requested_by_id == org.secretary.pk and change.before["handover_from"] == leaving.pk
    assert change.approval.kind == "administration" and change.approval.status == "submitted"
    departed = AuditEvent.objects.get(action="person.departed", target_id=str(leaving.pk))
    assert departed.details["roles_taken_over"] == []
    assert departed.details["roles_requested"] == {roles.SECRECY_OFFICE: change.pk}
    # meanwhile the replacement decides none of the secrecy office's open steps
    assert not ApprovalRequestUserObjectPermission.objects.filter(
        user=org.staff_important, content_object__steps__approver_role="secrecy_office",
        content_object__steps__status="open").exists()

    decide(admins.sec, change)
    change.refresh_from_db()
    assert change.status == AdminChange.Status.APPROVED
    assert roles.SECRECY_OFFICE in _roles(org.staff_important)
    granted = AuditEvent.objects.get(action="admin.role_granted", target_id=str(org.staff_important.person.pk))
    assert granted.actor_id == admins.sec.pk and granted.details["role"] == roles.SECRECY_OFFICE
    applied = AuditEvent.objects.get(action="admin.change_applied", target_id=str(change.pk))
    assert Signature.objects.get(pk=applied.details["signatures"][0]).signer_id == admins.sec.pk


def test_a_rejected_hand_over_grants_nothing(org, admins, leaving):
    personnel.record_departure(actor=org.secretary, person=leaving, replacement=org.staff_important)
    change = AdminChange.objects.get(person__user=org.staff_important)
    decide(admins.sec, change, outcome="reject", reason="not this person")
    change.refresh_from_db()
    assert change.status == AdminChange.Status.REJECTED
    assert roles.SECRECY_OFFICE not in _roles(org.staff_important)


def test_only_a_security_administrator_decides_the_hand_over(org, admins, leaving):
    personnel.record_departure(actor=org.secretary, person=leaving, replacement=org.staff_important)
    change = AdminChange.objects.get(person__user=org.staff_important)
    before = snapshot()
    # the secrecy office that asked, the replacement, the other administrators, another unit's
    for user in (org.secretary, org.staff_important, admins.sys, admins.aud, admins.other_sec):
        with pytest.raises((Http404, Refused)):
            decide(user, change)
    assert snapshot() == before
    assert roles.SECRECY_OFFICE not in _roles(org.staff_important)


def test_a_replacement_holding_the_role_already_needs_no_request(org, admins, leaving):
    personnel.record_departure(actor=org.secretary, person=leaving, replacement=org.secretary)
    assert not AdminChange.objects.exists()
    departed = AuditEvent.objects.get(action="person.departed", target_id=str(leaving.pk))
    assert departed.details["roles_requested"] == {}


def test_a_department_head_is_still_handed_over_at_once(org, admins):
    personnel.record_departure(actor=org.secretary, person=org.head_res.person, replacement=org.staff_important)
    assert roles.DEPARTMENT_HEAD in _roles(org.staff_important)
    assert not AdminChange.objects.exists()


def test_an_administrator_cannot_take_over_and_nothing_changes(org, admins, leaving):
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        personnel.record_departure(actor=org.secretary, person=leaving, replacement=admins.sec)
    assert "administrator" in str(refused.value.errors["replacement"][0])
    assert snapshot() == before and not AdminChange.objects.exists()
    leaving.refresh_from_db()
    assert leaving.status == Person.Status.ACTIVE


def test_the_secrecy_office_cannot_grant_the_role_by_itself(org, admins, leaving):
    """The only way to the role is the request: the secrecy office has no grant of its own."""
    from administration import services as administration

    with pytest.raises(Refused):
        administration.assign_role(actor=org.secretary, user_id=org.staff_important.pk, role=roles.SECRECY_OFFICE,
                                   reason="take over")
