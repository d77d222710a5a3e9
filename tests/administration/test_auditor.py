"""The security auditor (issue 15): reads every administrative event (accounts, roles, clearances,
policies, logins, lockouts, factor resets, exports, and everything an administrator did, their
signed decisions included), verifies the chain, draws the administrators' register (PDF and CSV,
both languages), and changes nothing; no one else reads the administrators' trail; no one erases it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from administration.models import AdminChange
from audit.models import AuditEvent
from registers import services as registers
from tests.factories import PASSWORD

from .conftest import api, decide, ready_for_post, snapshot


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _administer(org, admins):
    """One of each administrative action, by the administrators themselves."""
    sys_api, sec_api = api(admins.sys), api(admins.sec)
    t = org.staff_general.pk
    assert sys_api.post("/api/v1/administration/accounts/", {
        "username": "newbie", "full_name": "New Bie", "employee_number": "N0001",
        "password": "Long-enough-pass-2026"}, format="json").status_code == 201
    assert sys_api.post(f"/api/v1/administration/people/{org.staff_none.pk}/deactivate/",
                        {"reason": "leave", "password": PASSWORD}, format="json").status_code == 200
    assert sys_api.post(f"/api/v1/administration/people/{org.staff_none.pk}/reactivate/", {"reason": "back"},
                        format="json").status_code == 200
    assert sys_api.post(f"/api/v1/administration/people/{t}/reset-factor/", {}, format="json").status_code == 200
    assert sys_api.post(f"/api/v1/administration/people/{t}/end-sessions/", {}, format="json").status_code == 200
    assert sec_api.post(f"/api/v1/administration/people/{t}/grant-role/", {"role": "department_head"},
                        format="json").status_code == 200
    assert sec_api.post(f"/api/v1/administration/people/{t}/revoke-role/",
                        {"role": "department_head", "reason": "temporary"}, format="json").status_code == 200
    assert sec_api.post(f"/api/v1/administration/people/{org.staff_core.pk}/post/",
                        {"secrecy_post": "important", "password": PASSWORD}, format="json").status_code == 200
    assert sec_api.post(f"/api/v1/administration/people/{t}/department/", {"department_id": org.res.pk},
                        format="json").status_code == 200
    ready_for_post(org.staff_general.person, org.secretary)
    response = sec_api.post(f"/api/v1/administration/people/{t}/post/", {"secrecy_post": "core", "reason": "r"},
                            format="json")
    assert response.status_code == 202
    decide(admins.sec2, AdminChange.objects.get(pk=response.json()["id"]))
    response = sec_api.post("/api/v1/administration/policy-changes/", {
        "kind": "copying", "level": 2, "steps": ["department_head", "unit_head"], "reason": "stricter"},
        format="json")
    decide(admins.sec2, AdminChange.objects.get(pk=response.json()["id"]))
    # a failed login (the login page) and an export of a register
    Client().post("/login/", {"username": org.staff_core.username, "password": "wrong"})
    registers.export_register(actor=org.auditor, name="carrier-ledger", params={}, fmt="csv", language="en")


def test_the_auditor_sees_every_administrative_event(org, admins):
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    _administer(org, admins)
    made = AuditEvent.objects.filter(seq__gt=start)
    by_admins = set(made.filter(actor__in=[admins.sys, admins.sec, admins.sec2]).values_list("seq", flat=True))
    expected_actions = {"admin.account_created", "account.closed", "admin.account_deactivated",
                        "admin.account_reactivated", "account.factor_reset", "account.logout_everywhere",
                        "admin.role_granted", "admin.role_revoked", "admin.post_lowered", "person.post_changed",
                        "admin.department_changed", "admin.change_requested", "approval.decided",
                        "admin.change_applied", "approval.policy_saved", "account.login_failed", "register.exported"}
    assert expected_actions <= set(made.values_list("action", flat=True))
    rows = api(admins.aud).get("/api/v1/administration/trail/").json()
    seen = {row["seq"] for row in rows}
    assert by_admins <= seen, sorted(by_admins - seen)
    seen_actions = {row["action"] for row in rows}
    assert expected_actions <= seen_actions, expected_actions - seen_actions
    # filters
    only = api(admins.aud).get("/api/v1/administration/trail/?action=admin.role").json()
    assert {row["action"] for row in only} == {"admin.role_granted", "admin.role_revoked"}
    # the page too
    page = browser(admins.aud).get("/administration/trail/")
    assert page.status_code == 200 and "admin.change_applied" in page.content.decode()


def test_no_one_else_reads_the_administrators_trail(org, admins):
    for user in (admins.sys, admins.sec, org.auditor, org.secretary, org.staff_core):
        assert api(user).get("/api/v1/administration/trail/").status_code == 403
        assert browser(user).get("/administration/trail/").status_code == 403


def test_the_auditor_changes_nothing(org, admins):
    _administer(org, admins)
    t = org.staff_general.pk
    before = snapshot()
    client = api(admins.aud)
    for path, body in [
        ("accounts/", {"username": "x", "full_name": "x", "employee_number": "x1", "password": "Long-enough-2026"}),
        (f"people/{t}/deactivate/", {"reason": "x", "password": PASSWORD}), (f"people/{t}/reactivate/", {"reason": "x"}),
        (f"people/{t}/reset-factor/", {}), (f"people/{t}/end-sessions/", {}),
        (f"people/{t}/grant-role/", {"role": "staff"}), (f"people/{t}/revoke-role/", {"role": "staff", "reason": "x"}),
        (f"people/{t}/post/", {"secrecy_post": "none", "password": PASSWORD}), (f"people/{t}/department/", {"department_id": org.gen.pk}),
        ("departments/", {"code": "Z", "name_zh": "z", "name_en": "z"}),
        ("policy-changes/", {"kind": "copying", "level": 1, "steps": ["unit_head"], "reason": "x"}),
    ]:
        assert client.post(f"/api/v1/administration/{path}", body, format="json").status_code == 403, path
    page = browser(admins.aud)
    for path in (f"/administration/people/{t}/deactivate/", f"/administration/people/{t}/post/"):
        assert page.post(path, {"reason": "x", "secrecy_post": "none", "password": PASSWORD}).status_code == 403
    assert snapshot() == before


def test_no_one_erases_a_trace(org, admins):
    _administer(org, admins)
    event = AuditEvent.objects.filter(actor=admins.sec).order_by("-seq").first()
    for sql in ("DELETE FROM audit_auditevent WHERE seq = %s", "UPDATE audit_auditevent SET actor_name = 'x' WHERE seq = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.seq])
    assert AuditEvent.objects.filter(seq=event.seq, actor_name=event.actor_name).exists()


def test_the_administrators_register_names_who_made_and_who_approved(org, admins):
    _administer(org, admins)
    page = browser(admins.aud).get("/registers/administrators.csv?lang=en")
    assert page.status_code == 200, page.content[:300]
    text = b"".join(page.streaming_content if page.streaming else [page.content]).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Audit seq.")
    applied = [line for line in lines if "approved and applied" in line]
    assert len(applied) == 2
    assert all("secadmin2-name" in line and "secadmin-name" in line for line in applied)
    assert any("Account created" in line and "sysadmin-name" in line for line in lines)
    pdf = browser(admins.aud).get("/registers/administrators.pdf?lang=zh-hans")
    assert pdf.status_code == 200
    body = b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
    assert body.startswith(b"%PDF")
    # the business auditor draws it too, but the administrators' trail is not theirs: no row
    empty = browser(org.auditor).get("/registers/administrators.csv?lang=en")
    assert empty.status_code == 200
    assert len(b"".join(empty.streaming_content if empty.streaming else [empty.content]).decode("utf-8-sig")
               .splitlines()) == 1


def test_the_auditor_verifies_the_chain_and_the_other_administrators_do_not(org, admins):
    _administer(org, admins)
    # (inside a test's transaction the chain's own answer is not the point: who may ask is)
    response = api(admins.aud).get("/api/v1/audit/verify/")
    assert response.status_code == 200 and {"ok", "count", "head"} <= set(response.json()), response.content
    for user in (admins.sys, admins.sec):
        assert api(user).get("/api/v1/audit/verify/").status_code == 403


def test_the_directory_syncs_accounts_are_on_the_administrators_trail_and_register(org, admins):
    """Accounts the scheduled directory sync creates or updates (recorded as the system) are
    administrative changes: the security auditor reads them in the trail and the register."""
    from audit import services as audit

    with transaction.atomic():
        audit.record(actor=None, action="directory.account_created", target=org.staff_none.person,
                     details={"username": "dirnew", "dn": "uid=dirnew,ou=people,dc=registry,dc=test",
                              "department": "RES"})
        audit.record(actor=None, action="directory.account_updated", target=org.staff_none.person,
                     details={"username": "dirnew", "changes": {"email": ["", "dirnew@example.test"]}})
    actions = {row["action"] for row in api(admins.aud).get("/api/v1/administration/trail/?action=directory.").json()}
    assert actions == {"directory.account_created", "directory.account_updated"}
    page = browser(admins.aud).get("/registers/administrators.csv?lang=en")
    assert page.status_code == 200, page.content[:300]
    csv = b"".join(page.streaming_content if page.streaming else [page.content]).decode("utf-8-sig")
    assert "uid=dirnew,ou=people,dc=registry,dc=test" in csv and "dirnew@example.test" in csv
