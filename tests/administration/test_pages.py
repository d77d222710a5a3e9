"""The administration pages (issue 15, item 2): lists with filters, a person's page with roles,
clearance, factors, tokens, sessions and history, the forms each duty is offered, and refusals
shown on the page with their status (never 500)."""

from django.test import Client

from administration.models import AdminChange
from audit.models import AuditEvent
from personnel.models import Person
from tests.factories import api_token

from .conftest import ready_for_post, snapshot


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_administrators_open_the_pages(org, admins):
    for user in (admins.sys, admins.sec, admins.aud):
        for path in ("/administration/", f"/administration/people/{org.staff_core.pk}/", "/administration/changes/",
                     "/administration/departments/"):
            assert browser(user).get(path).status_code == 200, (user, path)
    for user in (org.secretary, org.auditor, org.staff_core, org.superuser):
        assert browser(user).get("/administration/").status_code == 403
        assert browser(user).get(f"/administration/people/{org.staff_core.pk}/").status_code == 403
    # a person of another unit, or no person at all: as if missing
    assert browser(admins.sec).get(f"/administration/people/{org.other_secretary.pk}/").status_code == 404
    assert browser(admins.sec).get("/administration/people/abc/").status_code == 404
    assert browser(admins.sec).get("/administration/changes/99999/").status_code == 404


def test_the_list_filters(org, admins):
    page = browser(admins.sys).get("/administration/?role=department_head")
    text = page.content.decode()
    assert "head_res-name" in text and "head_gen-name" in text and "staff_core-name" not in text
    page = browser(admins.sys).get("/administration/?q=staff_core")
    assert "staff_core-name" in page.content.decode() and "head_res-name" not in page.content.decode()
    page = browser(admins.sys).get("/administration/?status=departed")
    assert "departed-name" in page.content.decode() and "staff_core-name" not in page.content.decode()
    page = browser(admins.sys).get(f"/administration/?department={org.res.pk}&post=core")
    assert "staff_core-name" in page.content.decode() and "staff_important-name" not in page.content.decode()
    # nobody of another unit, whatever the filter
    assert "other_secretary" not in browser(admins.sys).get("/administration/?q=other").content.decode()
    assert browser(admins.sys).get("/administration/?department=abc&status=x").status_code == 200


def test_the_person_page_shows_roles_clearance_factors_tokens_sessions_and_history(org, admins):
    api_token(org.staff_core)
    from administration import services

    services.set_department(actor=admins.sec, user_id=org.staff_core.pk, department_id=org.gen.pk, reason="moved")
    page = browser(admins.sys).get(f"/administration/people/{org.staff_core.pk}/")
    text = page.content.decode()
    for part in ('id="roles"', "staff", 'id="clearance"', "Top Secret", 'id="factor"', 'id="tokens"',
                 'id="sessions"', 'id="history"', "admin.department_changed",
                 "secadmin-name"):
        assert part in text, part
    # the system administrator is offered the account forms, not the security administrator's
    assert 'id="deactivate-form"' in text and 'id="post-form"' not in text
    text = browser(admins.sec).get(f"/administration/people/{org.staff_core.pk}/").content.decode()
    assert 'id="post-form"' in text and 'id="grant-role-form"' in text and 'id="deactivate-form"' not in text
    text = browser(admins.aud).get(f"/administration/people/{org.staff_core.pk}/").content.decode()
    assert "<form method=\"post\"" not in text.split('id="person-status"')[1].split("History")[0]
    # on one's own page: nothing to do
    text = browser(admins.sec).get(f"/administration/people/{admins.sec.pk}/").content.decode()
    assert 'id="post-form"' not in text and 'id="grant-role-form"' not in text


def test_a_new_account_from_the_page(org, admins):
    data = {"username": "newcomer", "full_name": "New Comer", "employee_number": "N0100",
            "department_id": str(org.gen.pk), "email": "", "password": "Long-enough-pass-2026"}
    response = browser(admins.sys).post("/administration/accounts/new/", data)
    assert response.status_code == 302
    person = Person.objects.get(employee_number="N0100")
    assert person.secrecy_post == "none" and not person.user.groups.exists() and person.department == org.gen
    event = AuditEvent.objects.get(action="admin.account_created")
    assert event.actor_id == admins.sys.pk
    # taken name, weak password, another unit's department: 400 with the fields named, nothing made
    before = snapshot()
    bad = browser(admins.sys).post("/administration/accounts/new/", {**data, "employee_number": "N0101"})
    assert bad.status_code == 400 and "This login name is taken." in bad.content.decode()
    bad = browser(admins.sys).post("/administration/accounts/new/", {
        **data, "username": "other", "employee_number": "N0102", "password": "123"})
    assert bad.status_code == 400
    bad = browser(admins.sys).post("/administration/accounts/new/", {
        **data, "username": "other2", "employee_number": "N0103", "department_id": str(org.xd.pk)})
    assert bad.status_code == 400
    assert browser(admins.sec).post("/administration/accounts/new/", {
        **data, "username": "other3", "employee_number": "N0104"}).status_code == 403
    assert snapshot() == before


def test_a_raise_from_the_page_leads_to_its_request(org, admins):
    ready_for_post(org.staff_general.person, org.secretary)
    response = browser(admins.sec).post(f"/administration/people/{org.staff_general.pk}/post/",
                                        {"secrecy_post": "core", "reason": "project"})
    change = AdminChange.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/administration/changes/{change.pk}/"
    page = browser(admins.sec2).get(f"/administration/changes/{change.pk}/")
    assert page.status_code == 200 and 'id="decide-link"' in page.content.decode()
    # a raise without a reason: the field is named, nothing asked
    before = snapshot()
    bad = browser(admins.sec).post(f"/administration/people/{org.staff_core.pk}/post/", {"secrecy_post": "x"})
    assert bad.status_code == 400
    assert snapshot() == before


def test_departments_and_policy_pages(org, admins):
    response = browser(admins.sec).post("/administration/departments/",
                                        {"code": "U-NEW", "name_zh": "新部门", "name_en": "New"})
    assert response.status_code == 302
    assert "U-NEW" in browser(admins.sys).get("/administration/departments/").content.decode()
    assert browser(admins.sys).post("/administration/departments/",
                                    {"code": "U-NEW2", "name_zh": "x", "name_en": "x"}).status_code == 403
    dup = browser(admins.sec).post("/administration/departments/", {"code": "U-NEW", "name_zh": "x", "name_en": "x"})
    assert dup.status_code == 400
    response = browser(admins.sec).post("/administration/policies/new/", {
        "kind": "copying", "variant": "", "level": "2", "steps": ["department_head", "secrecy_office"],
        "description": "", "reason": "countersign"})
    assert response.status_code == 302 and AdminChange.objects.filter(kind="policy").exists()
    assert browser(admins.sys).get("/administration/policies/new/").status_code == 200
    assert browser(admins.sys).post("/administration/policies/new/", {
        "kind": "copying", "level": "1", "steps": ["unit_head"], "reason": "x"}).status_code == 403


def test_the_menu_leads_administrators_there_and_nobody_else(org, admins):
    from dashboard import navigation

    def urls(user):
        return {item["url"] for group in navigation.menu_for(user, "/administration/", {}) for item in group["items"]}

    for user in (admins.sys, admins.sec, admins.aud):
        assert "/administration/" in urls(user)
    for user in (org.secretary, org.auditor, org.staff_core):
        assert "/administration/" not in urls(user)
