"""The scheduled sync against a real slapd: it creates, updates (department by group mapping) and
closes accounts, never touches secrecy posts or roles, and a directory outage changes nothing (an
alert and an audit event instead)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from alerts.models import Alert
from audit.models import AuditEvent
from directory import services, tasks
from directory.models import DirectoryAccount, SyncRun
from personnel import roles
from personnel.models import Person
from tests.factories import api_token

User = get_user_model()


def person(username):
    return Person.objects.select_related("user", "department", "unit").get(user__username=username)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def people(directory):
    directory.add_user("li.na", name="Li Na", number="E-2001", password="Li-Na-Directory-1")
    directory.add_user("wang.wei", name="Wang Wei", number="E-2002", password="Wang-Wei-Directory-1")
    directory.add_user("zhao.lei", name="Zhao Lei", number="E-2003", password="Zhao-Lei-Directory-1")
    directory.add_user("gone.before", name="Never Here", number="E-2009", password="x-Directory-1", disabled=True)
    directory.add_group("research", "li.na", "zhao.lei")
    directory.add_group("general", "wang.wei")
    return directory


def test_sync_creates_accounts_with_department_from_groups_and_no_clearance_or_role(people, org):
    run = services.sync()
    assert run.ok and sorted(run.summary["created"]) == ["li.na", "wang.wei", "zhao.lei"]
    li, wang = person("li.na"), person("wang.wei")
    assert (li.full_name, li.employee_number, li.department.code, li.unit.code) == ("Li Na", "E-2001", "U-RES", "U")
    assert wang.department.code == "U-GEN" and wang.user.email == "wang.wei@registry.test"
    # clearance and roles are the registry's: none from the directory
    assert li.secrecy_post == Person.SecrecyPost.NONE and li.clearance == 0
    assert not li.user.groups.exists() and not li.user.has_usable_password()
    assert DirectoryAccount.objects.get(user=li.user).dn == people.user_dn("li.na")
    # a disabled entry is not created
    assert not User.objects.filter(username="gone.before").exists()
    created = events("directory.account_created")
    assert len(created) == 3 and all(e.actor_id is None and e.actor_name == "system" for e in created)
    assert {e.details["username"] for e in created} == {"li.na", "wang.wei", "zhao.lei"}
    [synced] = events("directory.synced")
    assert synced.target_type == "directory.syncrun" and synced.target_id == str(run.pk)
    # a second run with nothing new changes and audits nothing
    before = AuditEvent.objects.count()
    again = services.sync()
    assert again.ok and again.summary["created"] == [] and again.summary["unchanged"] == 3
    assert AuditEvent.objects.count() == before


def test_sync_updates_department_by_group_mapping_and_name_but_never_post_or_roles(people, org):
    services.sync()
    li = person("li.na")
    # the security administrator decides the post and the role in the registry
    Person.objects.filter(pk=li.pk).update(secrecy_post=Person.SecrecyPost.IMPORTANT)
    li.user.groups.add(*Group.objects.filter(name=roles.STAFF))
    people.set_members("research", "zhao.lei")
    people.set_members("general", "wang.wei", "li.na")
    people.replace("li.na", "cn", "Li Na (Radar)")
    run = services.sync()
    assert run.ok and run.summary["updated"] == ["li.na"]
    li = person("li.na")
    assert li.department.code == "U-GEN" and li.full_name == "Li Na (Radar)"
    assert li.secrecy_post == Person.SecrecyPost.IMPORTANT
    assert list(li.user.groups.values_list("name", flat=True)) == [roles.STAFF]
    [updated] = events("directory.account_updated")
    assert updated.actor_id is None and updated.target_id == str(li.pk)
    assert updated.details["changes"]["department"] == ["U-RES", "U-GEN"]
    assert updated.details["changes"]["full_name"] == ["Li Na", "Li Na (Radar)"]
    # out of every mapped group: no department (the directory decides it)
    people.set_members("general", "wang.wei")
    services.sync()
    assert person("li.na").department is None


def test_a_department_of_another_unit_or_two_departments_are_not_applied_but_reported(people, org):
    services.sync()
    # only in `foreign` (X-D, a department of unit X): moving units is the security administrator's
    people.add_group("foreign", "li.na")
    people.set_members("research", "zhao.lei")
    run = services.sync()
    li = person("li.na")
    assert (li.department.code, li.unit.code) == ("U-RES", "U")
    assert "another unit" in " ".join(run.summary["problems"]["li.na"])
    # in research and general: two departments, nothing guessed
    people.set_members("general", "wang.wei", "zhao.lei")
    run = services.sync()
    assert "more than one department" in " ".join(run.summary["problems"]["zhao.lei"])
    assert person("zhao.lei").department.code == "U-RES"
    # the problems are audited when they change, not again on a quiet run
    reported = len(events("directory.synced"))
    services.sync()
    assert len(events("directory.synced")) == reported


def test_sync_closes_a_removed_and_a_disabled_account_as_the_system(people, org):
    services.sync()
    wang = person("wang.wei")
    raw_token = api_token(wang.user)
    assert raw_token
    people.delete_user("li.na")
    people.replace("wang.wei", "employeeType", "disabled")
    run = services.sync()
    assert run.ok
    assert sorted((c["username"], c["reason"]) for c in run.summary["closed"]) == [
        ("li.na", "directory_removed"), ("wang.wei", "directory_disabled")]
    assert not User.objects.get(username="li.na").is_active and not User.objects.get(username="wang.wei").is_active
    assert User.objects.get(username="zhao.lei").is_active
    # nothing deleted: the person and their history stay
    assert Person.objects.filter(user__username="li.na").exists()
    closed = {e.details["reason"]: e for e in events("account.closed")}
    assert set(closed) == {"directory_removed", "directory_disabled"}
    assert all(e.actor_id is None and e.actor_name == "system" for e in closed.values())
    assert not ApiToken.objects.filter(user=wang.user, revoked_at__isnull=True).exists()
    # back in the directory: the account stays closed (reopening is an administrator's decision)
    people.replace("wang.wei", "employeeType", "staff")
    run = services.sync()
    assert run.summary["still_closed"] == 1 and not User.objects.get(username="wang.wei").is_active


def test_an_outage_during_sync_changes_nothing_and_raises_an_alert(people, directory_down, org):
    services.sync()
    people.delete_user("li.na")
    people.set_members("research", "zhao.lei", "wang.wei")
    snapshot = list(Person.objects.order_by("pk").values_list("pk", "department_id", "full_name", "status"))
    active = list(User.objects.order_by("pk").values_list("pk", "is_active"))
    directory_down()
    run = services.sync()
    assert not run.ok and "contact" in run.error.lower()
    assert list(Person.objects.order_by("pk").values_list("pk", "department_id", "full_name", "status")) == snapshot
    assert list(User.objects.order_by("pk").values_list("pk", "is_active")) == active
    assert not events("account.closed")
    [failed] = events("directory.sync_failed")
    assert failed.actor_id is None and failed.details["changed"] == "nothing"
    [alert] = Alert.objects.filter(kind=services.ALERT_KIND, status=Alert.Status.OPEN)
    assert alert.recipients.filter(pk=org.secretary.pk).exists()
    # the directory back: the sync goes on, the alert is resolved
    people.settings.DIRECTORY = people.cfg
    run = services.sync()
    assert run.ok and [c["username"] for c in run.summary["closed"]] == ["li.na"]
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.RESOLVED


def test_a_directory_that_lists_nobody_closes_nobody(people, org):
    services.sync()
    people.settings.DIRECTORY = {**people.cfg, "USER_FILTER": "(objectClass=posixAccount)"}  # matches no one
    run = services.sync()
    assert not run.ok and "no account" in run.error
    assert User.objects.filter(username__in=["li.na", "wang.wei", "zhao.lei"], is_active=True).count() == 3


def test_a_wrong_bind_password_is_an_outage_too(people, org, tmp_path):
    bad = tmp_path / "wrong"
    bad.write_text("not-the-password")
    people.settings.DIRECTORY = {**people.cfg, "BIND_PASSWORD_FILE": str(bad)}
    run = services.sync()
    assert not run.ok and "credentials" in run.error.lower()
    assert not User.objects.filter(username="li.na").exists()


def test_a_local_account_is_never_taken_over(people, org):
    people.add_user("staff_core", name="Impostor", number="E-6666", password="Impostor-Directory-1")
    run = services.sync()
    assert "local account" in run.summary["problems"]["staff_core"][0]
    assert not DirectoryAccount.objects.filter(user=org.staff_core).exists()
    assert person("staff_core").employee_number != "E-6666"


def test_the_task_and_the_command(people, org):
    assert tasks.sync_directory.apply().result == {"ok": True, "error": "", "created": 3, "updated": 0, "closed": 0}
    people.delete_user("zhao.lei")
    from io import StringIO

    out = StringIO()
    call_command("sync_directory", stdout=out)
    assert "closed 1" in out.getvalue()
    people.settings.DIRECTORY = {**people.cfg, "ENABLED": False}
    with pytest.raises(CommandError, match="not enabled"):
        call_command("sync_directory")
    assert SyncRun.objects.count() == 2


def test_the_embedded_scheduler_runs_the_sync(people, org, monkeypatch):
    """Without a broker (make run), the embedded scheduler runs the beat schedule's directory-sync
    entry (the one config.settings.base adds when LDAP_ENABLED=1: tests/directory/test_conf.py) in
    process: accounts created with their department from the groups, then a removed one closed."""
    from datetime import timedelta

    from common import scheduler

    entry = {"task": "directory.tasks.sync_directory", "schedule": timedelta(minutes=60)}
    # the test's transaction is the only connection that sees the org: keep it open
    monkeypatch.setattr(scheduler, "close_old_connections", lambda: None)

    def once():
        sched = scheduler.EmbeddedScheduler({"directory-sync": entry}, tick=0.01)
        real = scheduler.run_task

        def run_and_stop(name):
            real(name)
            sched.stop()

        monkeypatch.setattr(scheduler, "run_task", run_and_stop)
        sched.run()  # in this thread: runs the due entry, then stops
        monkeypatch.setattr(scheduler, "run_task", real)

    once()
    run = SyncRun.objects.get()
    assert run.ok and sorted(run.summary["created"]) == ["li.na", "wang.wei", "zhao.lei"]
    assert person("li.na").department.code == "U-RES" and person("wang.wei").department.code == "U-GEN"
    assert person("li.na").secrecy_post == "none" and not person("li.na").user.groups.exists()
    people.delete_user("zhao.lei")
    once()
    assert SyncRun.objects.count() == 2
    assert not User.objects.get(username="zhao.lei").is_active
    closed = events("account.closed")
    assert closed[-1].actor_id is None and closed[-1].details["reason"]
