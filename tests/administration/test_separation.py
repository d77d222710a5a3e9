"""The separation of the three administrators (issue 15, item 1): each administrator role × each
administrative and business action, allowed or refused, asked of the gate and tried through the API
(a refusal is 403 and changes nothing); the carriers each may open; one administrator role per
person, also in the database (a raw INSERT into auth_user_groups)."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from administration import rules
from carriers.models import Carrier
from common import access
from personnel import roles
from tests.factories import PASSWORD, ContainerFactory, register

from .conftest import api, snapshot

ADMIN_ACTIONS = sorted(rules.DUTY)
# business actions of the other apps: none of them is an administrator's
BUSINESS_ACTIONS = ["register_carrier", "manage_containers", "manage_secrecy_file", "manage_policies",
                    "record_publication_release"]


@pytest.mark.parametrize("who", ["sys", "sec", "aud"])
@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_each_admin_action_belongs_to_exactly_one_duty(org, admins, who, action):
    user = getattr(admins, who)
    role = {"sys": roles.SYSTEM_ADMIN, "sec": roles.SECURITY_ADMIN, "aud": roles.SECURITY_AUDITOR}[who]
    target = org.staff_general.person
    expected = rules.DUTY[action] == role
    assert access.can(user, action) is expected
    if action in rules.ON_A_PERSON:
        assert access.can(user, action, target) is expected
        # never on oneself, never on a person of another unit
        assert access.can(user, action, user.person) is False
        assert access.can(user, action, org.other_secretary.person) is False


@pytest.mark.parametrize("who", ["sys", "sec", "aud"])
@pytest.mark.parametrize("action", BUSINESS_ACTIONS)
def test_no_administrator_holds_a_business_power(org, admins, who, action):
    assert access.can(getattr(admins, who), action) is False


def test_business_roles_hold_no_administrators_power(org):
    for user in (org.secretary, org.auditor, org.head_res, org.unit_head, org.staff_core, org.superuser):
        for action in ADMIN_ACTIONS:
            assert access.can(user, action) is False, (user.username, action)
        assert access.can(user, rules.VIEW_ADMINISTRATION) is False


def test_only_the_security_auditor_reads_the_audit_trail_among_administrators(org, admins):
    assert access.can(admins.aud, "view_audit") is True
    assert access.can(admins.sys, "view_audit") is False
    assert access.can(admins.sec, "view_audit") is False


# each API operation of the administrators, the duty it needs, and its body
OPERATIONS = [
    ("post", "/api/v1/administration/accounts/", rules.SYSTEM_ADMIN,
     {"username": "newbie", "full_name": "New Bie", "employee_number": "N0001", "password": "Long-enough-pass-2026"}),
    ("post", "/api/v1/administration/people/{t}/deactivate/", rules.SYSTEM_ADMIN,
     {"reason": "left the project", "password": PASSWORD}),
    ("post", "/api/v1/administration/people/{t}/reset-factor/", rules.SYSTEM_ADMIN, {}),
    ("post", "/api/v1/administration/people/{t}/end-sessions/", rules.SYSTEM_ADMIN, {}),
    ("post", "/api/v1/administration/people/{t}/grant-role/", rules.SECURITY_ADMIN, {"role": "department_head"}),
    ("post", "/api/v1/administration/people/{t}/revoke-role/", rules.SECURITY_ADMIN, {"role": "staff", "reason": "x"}),
    ("post", "/api/v1/administration/people/{t}/post/", rules.SECURITY_ADMIN,
     {"secrecy_post": "none", "password": PASSWORD}),
    ("post", "/api/v1/administration/people/{t}/department/", rules.SECURITY_ADMIN, {"department_id": "{res}"}),
    ("post", "/api/v1/administration/departments/", rules.SECURITY_ADMIN,
     {"code": "U-NEW", "name_zh": "新部门", "name_en": "New department"}),
    ("post", "/api/v1/administration/policy-changes/", rules.SECURITY_ADMIN,
     {"kind": "copying", "level": 1, "steps": ["department_head", "unit_head"], "reason": "stricter"}),
    ("get", "/api/v1/administration/trail/", rules.SECURITY_AUDITOR, None),
]


@pytest.mark.parametrize("who", ["sys", "sec", "aud"])
@pytest.mark.parametrize("method,path,duty,body", OPERATIONS, ids=[op[1] + op[0] for op in OPERATIONS])
def test_api_matrix(org, admins, who, method, path, duty, body):
    user = getattr(admins, who)
    target = org.staff_general.person
    path = path.format(t=org.staff_general.pk)
    if body:
        body = {k: (v.format(res=org.res.pk) if isinstance(v, str) and "{res}" in v else v) for k, v in body.items()}
        if "department_id" in body:
            body["department_id"] = int(body["department_id"])
    before = snapshot()
    client = api(user)
    response = client.get(path) if method == "get" else client.post(path, body, format="json")
    if user.groups.filter(name=duty).exists():
        assert response.status_code in (200, 201, 202), response.content
    else:
        assert response.status_code == 403, response.content
        assert snapshot() == before
    target.refresh_from_db()


def test_system_admin_and_auditor_open_no_carrier_whatever_they_hold(org, admins):
    container = ContainerFactory(unit=org.unit, code="ADM-C")
    carrier = register(org.secretary, container=container, level=1)
    Carrier.objects.filter(pk=carrier.pk).update(holder=admins.sys)
    carrier.scope_people.add(admins.aud, admins.sys)
    for user in (admins.sys, admins.aud):
        assert access.restrict(Carrier.objects.all(), user).count() == 0
    # the security administrator has everyone's rule: what they hold or are named for, within clearance
    assert access.restrict(Carrier.objects.all(), admins.sec).count() == 0
    carrier.scope_people.add(admins.sec)
    assert list(access.restrict(Carrier.objects.all(), admins.sec).values_list("pk", flat=True)) == [carrier.pk]
    top = register(org.secretary, container=org.safe, level=3)
    top.scope_people.add(admins.sec)  # Top Secret, above an important post's clearance
    assert not access.restrict(Carrier.objects.filter(pk=top.pk), admins.sec).exists()


# --- one administrator role per person: the rule and the database -------------------------------------


def test_a_second_admin_role_is_refused_by_the_service(org, admins):
    before = snapshot()
    response = api(admins.sec).post(f"/api/v1/administration/people/{admins.sys.pk}/grant-role/",
                                    {"role": "security_auditor", "reason": "both"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "roles_exclusive"
    response = api(admins.sec).post(f"/api/v1/administration/people/{admins.sys.pk}/grant-role/",
                                    {"role": "secrecy_office", "reason": "both"}, format="json")
    assert response.status_code == 409
    # an administrator role for someone in the secrecy office: refused too
    response = api(admins.sec).post(f"/api/v1/administration/people/{org.secretary.pk}/grant-role/",
                                    {"role": "system_admin", "reason": "both"}, format="json")
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("second", ["security_admin", "security_auditor", "secrecy_office", "auditor", "unit_head"])
def test_the_database_refuses_a_raw_insert_of_a_second_role(org, admins, second):
    group = Group.objects.get_or_create(name=second)[0]
    before = snapshot()
    with pytest.raises(DatabaseError, match="administration"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)", [admins.sys.pk, group.pk])
    assert snapshot() == before


def test_the_database_refuses_an_admin_role_for_a_unit_wide_person_and_allows_staff(org):
    admin_group = Group.objects.get(name=roles.SECURITY_AUDITOR)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
                       [org.auditor.pk, admin_group.pk])
    # staff and an administrator role go together; the ORM path is refused the same way
    org.staff_general.groups.add(admin_group)
    with pytest.raises(DatabaseError), transaction.atomic():
        org.staff_general.groups.add(Group.objects.get(name=roles.SYSTEM_ADMIN))
    assert set(org.staff_general.groups.values_list("name", flat=True)) == {roles.STAFF, roles.SECURITY_AUDITOR}
