"""Four eyes on sensitive changes (issue 15, item 3): raising a clearance, granting a unit-wide or
administrator role, reactivating a person who has left and changing an approval policy are requests
decided by a second administrator of the right duty with a signature; the change takes effect only
on approval; self-approval, the subject's own approval and a direct raise anywhere are refused, and
a refusal changes nothing."""

import pytest
from django.http import Http404

from administration.models import AdminChange
from approvals import services as approvals
from approvals.models import ApprovalPolicy
from audit.models import AuditEvent, Signature
from common.errors import Conflict, Refused
from personnel import services as personnel
from personnel.models import Person
from tests.factories import PASSWORD

from .conftest import api, decide, ready_for_post, snapshot


def _raise(admins, org, post="important"):
    person = org.staff_general.person
    ready_for_post(person, org.secretary)
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_general.pk}/post/",
                                    {"secrecy_post": post, "reason": "new project"}, format="json")
    assert response.status_code == 202, response.content
    return AdminChange.objects.get(pk=response.json()["id"])


def test_raising_a_clearance_waits_for_a_second_security_admin_and_applies_on_approval(org, admins):
    change = _raise(admins, org)
    person = Person.objects.get(pk=org.staff_general.person.pk)
    assert person.secrecy_post == "general" and change.status == "submitted"
    assert change.approval.kind == "administration" and change.approval.status == "submitted"
    decide(admins.sec2, change)
    change.refresh_from_db()
    person.refresh_from_db()
    assert person.secrecy_post == "important" and change.status == "approved" and change.applied_at
    applied = AuditEvent.objects.get(action="admin.change_applied", target_id=str(change.pk))
    assert applied.actor_id == admins.sec2.pk and applied.details["requested_by"] == admins.sec.pk
    signature = Signature.objects.get(pk=applied.details["signatures"][0])
    assert signature.signer_id == admins.sec2.pk
    # what the second administrator signed: the change's terms (approvals.SIGNED_TERMS)
    signed = AuditEvent.objects.get(action="approval.decided", details__signature=signature.pk)
    assert signed.details["terms"]["secrecy_post"] == "important" and signed.details["terms"]["change"] == change.pk
    post_event = AuditEvent.objects.get(action="person.post_changed", target_id=str(person.pk))
    assert post_event.actor_id == admins.sec2.pk and post_event.details["approval"] == change.approval_id


def test_a_rejected_raise_changes_nothing(org, admins):
    change = _raise(admins, org)
    decide(admins.sec2, change, outcome="reject", reason="no need")
    change.refresh_from_db()
    assert change.status == "rejected" and change.applied_at is None
    assert Person.objects.get(pk=org.staff_general.person.pk).secrecy_post == "general"


def test_the_requester_cannot_approve_their_own_change(org, admins):
    change = _raise(admins, org)
    before = snapshot()
    with pytest.raises(Refused):
        decide(admins.sec, change)
    assert snapshot() == before
    # the approvals API answers the same
    response = api(admins.sec).post(f"/api/v1/approvals/{change.approval_id}/approve/",
                                    {"password": org.password}, format="json")
    assert response.status_code == 403 and snapshot() == before


def test_other_administrators_and_other_units_cannot_decide(org, admins):
    change = _raise(admins, org)
    before = snapshot()
    for user in (admins.sys, admins.aud, admins.other_sec, org.secretary):
        with pytest.raises((Http404, Refused)):
            decide(user, change)
    assert snapshot() == before


def test_a_wrong_password_signs_nothing(org, admins):
    change = _raise(admins, org)
    before = snapshot()
    response = api(admins.sec2).post(f"/api/v1/approvals/{change.approval_id}/approve/",
                                     {"password": "wrong-password"}, format="json")
    assert response.status_code in (400, 403)
    assert Person.objects.get(pk=org.staff_general.person.pk).secrecy_post == "general"
    assert snapshot()[1:] == before[1:]


def test_raising_without_approval_is_refused_everywhere(org, admins):
    person = org.staff_general.person
    ready_for_post(person, org.secretary)
    before = snapshot()
    # the secrecy office's own page and API, the service itself, the security administrator directly
    assert api(org.secretary).post(f"/api/v1/people/{org.staff_general.pk}/post/",
                                   {"secrecy_post": "core", "password": PASSWORD}, format="json").status_code == 409
    for actor in (org.secretary, admins.sec):
        with pytest.raises(Conflict, match="second administrator"):
            personnel.set_secrecy_post(actor=actor, person=person, secrecy_post="core")
    # an approval of another change does not do
    change = _raise(admins, org, post="important")
    decide(admins.sec2, change)
    with pytest.raises(Conflict):
        personnel.set_secrecy_post(actor=admins.sec2, person=Person.objects.get(pk=person.pk), secrecy_post="core",
                                   approval=change.approval)
    assert Person.objects.get(pk=person.pk).secrecy_post == "important"
    assert before[0] < snapshot()[0]


def test_lowering_a_post_applies_at_once(org, admins):
    url = f"/api/v1/administration/people/{org.staff_core.pk}/post/"
    before = snapshot()
    # lowering a post removes a clearance: signed (issue 17), nothing changes without the password
    for unsigned in ({"secrecy_post": "general", "reason": "moved"},
                     {"secrecy_post": "general", "reason": "moved", "password": "not-the-password"}):
        refused = api(admins.sec).post(url, unsigned, format="json")
        assert refused.status_code == 400 and "password" in refused.json(), refused.content
    assert snapshot()[1:] == before[1:] and Person.objects.get(pk=org.staff_core.person.pk).secrecy_post == "core"
    response = api(admins.sec).post(url, {"secrecy_post": "general", "reason": "moved", "password": PASSWORD},
                                    format="json")
    assert response.status_code == 200 and response.json()["secrecy_post"] == "general"
    assert AuditEvent.objects.filter(action="admin.post_lowered", actor=admins.sec).exists()
    assert Signature.objects.filter(signer=admins.sec, target_type="personnel.person",
                                    target_id=str(org.staff_core.person.pk)).count() == 1


def test_a_raise_is_checked_against_the_post_rules_before_it_is_asked(org, admins):
    before = snapshot()
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_none.pk}/post/",
                                    {"secrecy_post": "general", "reason": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "no_pledge"
    assert snapshot() == before and not AdminChange.objects.exists()


def test_granting_a_unit_wide_role_is_a_request_and_the_subject_cannot_approve_it(org, admins):
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_core.pk}/grant-role/",
                                    {"role": "auditor", "reason": "audit duty"}, format="json")
    assert response.status_code == 202
    change = AdminChange.objects.get(pk=response.json()["id"])
    assert not org.staff_core.groups.filter(name="auditor").exists()
    decide(admins.sec2, change)
    assert org.staff_core.groups.filter(name="auditor").exists()
    # an administrator role: asked by one security administrator, approved by the other
    response = api(admins.sec2).post(f"/api/v1/administration/people/{org.staff_general.pk}/grant-role/",
                                     {"role": "security_admin", "reason": "third one"}, format="json")
    assert response.status_code == 202
    third = AdminChange.objects.get(pk=response.json()["id"])
    decide(admins.sec, third)
    assert org.staff_general.groups.filter(name="security_admin").exists()
    # the new security administrator is one of the approvers now, but never of a change about themselves
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_general.pk}/revoke-role/",
                                    {"role": "staff", "reason": "admin only"}, format="json")
    assert response.status_code == 200
    ready_for_post(org.staff_general.person, org.secretary)
    change = AdminChange.objects.create(
        unit=org.unit, level=1, kind="raise_post", person=org.staff_general.person, secrecy_post="important",
        reason="x", requested_by=admins.sec)
    approval = approvals.submit_request(actor=admins.sec, kind="administration", level=1, title="t", purpose="p",
                                        target=change)
    AdminChange.objects.filter(pk=change.pk).update(approval=approval)
    before = snapshot()
    with pytest.raises(Refused, match="yourself"):
        decide(org.staff_general, AdminChange.objects.get(pk=change.pk))
    assert snapshot() == before


def test_direct_roles_apply_at_once(org, admins):
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_general.pk}/grant-role/",
                                    {"role": "department_head"}, format="json")
    assert response.status_code == 200 and "department_head" in response.json()["roles"]
    assert AuditEvent.objects.get(action="admin.role_granted").actor_id == admins.sec.pk


def test_reactivating_a_departed_person_needs_a_security_admin(org, admins):
    departed = org.departed.person
    response = api(admins.sys).post(f"/api/v1/administration/people/{org.departed.pk}/reactivate/",
                                    {"reason": "came back"}, format="json")
    assert response.status_code == 202, response.content
    change = AdminChange.objects.get(pk=response.json()["id"])
    departed.refresh_from_db()
    assert departed.status == "departed"
    with pytest.raises((Http404, Refused)):
        decide(admins.sys, change)
    decide(admins.sec, change)
    departed.refresh_from_db()
    departed.user.refresh_from_db()
    assert departed.status == "active" and departed.user.is_active and departed.secrecy_post == "none"


def test_an_approval_policy_changes_only_when_approved(org, admins):
    response = api(admins.sec).post("/api/v1/administration/policy-changes/",
                                    {"kind": "copying", "level": 1, "steps": ["department_head", "unit_head"],
                                     "reason": "stricter"}, format="json")
    assert response.status_code == 202
    change = AdminChange.objects.get(pk=response.json()["id"])
    policy = ApprovalPolicy.objects.get(kind="copying", variant="", level=1)
    assert [s.approver_role for s in policy.steps.all()] == ["department_head"]
    # a second, identical request while the first waits: refused
    assert api(admins.sec2).post("/api/v1/administration/policy-changes/",
                                 {"kind": "copying", "level": 1, "steps": ["unit_head"], "reason": "x"},
                                 format="json").status_code == 409
    decide(admins.sec2, change)
    assert [s.approver_role for s in policy.steps.all()] == ["department_head", "unit_head"]
    saved = AuditEvent.objects.get(action="approval.policy_saved")
    assert saved.actor_id == admins.sec2.pk and saved.details["approval"] == change.approval_id


def test_no_second_security_admin_means_no_request(org, admins):
    admins.sec2.groups.clear()
    ready_for_post(org.staff_general.person, org.secretary)
    before = snapshot()
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.staff_general.pk}/post/",
                                    {"secrecy_post": "core", "reason": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_approver"
    assert snapshot()[1:] == before[1:] and not AdminChange.objects.exists()


@pytest.mark.parametrize("path,body", [
    ("people/{t}/post/", {"secrecy_post": "galactic"}),
    ("people/{t}/post/", {"secrecy_post": "core"}),  # a raise without a reason
    ("people/{t}/grant-role/", {"role": "emperor"}),
    ("people/{t}/department/", {"department_id": "{xd}"}),
    ("people/{t}/department/", {"department_id": "abc"}),
    ("people/{t}/revoke-role/", {"role": "auditor", "reason": "not held"}),
    ("policy-changes/", {"kind": "copying", "level": 9, "steps": ["x"], "reason": ""}),
    ("people/99999999/post/", {"secrecy_post": "none"}),
    ("people/abc/post/", {"secrecy_post": "none"}),
    ("people/{other}/post/", {"secrecy_post": "none"}),
])
def test_bad_input_is_a_clear_refusal_and_changes_nothing(org, admins, path, body):
    ready_for_post(org.staff_general.person, org.secretary)
    path = path.format(t=org.staff_general.pk, other=org.other_secretary.pk)
    body = {k: (int(org.xd.pk) if v == "{xd}" else v) for k, v in body.items()}
    before = snapshot()
    response = api(admins.sec).post(f"/api/v1/administration/{path}", body, format="json")
    assert response.status_code in (400, 404, 409), response.content
    assert snapshot() == before
