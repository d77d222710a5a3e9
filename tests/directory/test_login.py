"""Login with a directory account against a real slapd: the directory checks the password (login
page and token endpoint), django-axes still counts and locks, a directory account gets its person
created or updated, local accounts keep working, and a directory outage says so."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from directory import services
from directory.models import DirectoryAccount
from personnel.models import Person

User = get_user_model()
PASSWORD = "Li-Na-Directory-1"
UNAVAILABLE = "directory is unavailable"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def failures(username):
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=username))


@pytest.fixture
def li(directory):
    directory.add_user("li.na", name="Li Na", number="E-2001", password=PASSWORD)
    directory.add_group("research", "li.na")
    return directory


def test_first_login_with_the_directory_password_creates_the_person(client, li, org):
    response = login(client, "li.na", PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user.is_authenticated
    person = Person.objects.get(user__username="li.na")
    assert (person.full_name, person.employee_number, person.department.code) == ("Li Na", "E-2001", "U-RES")
    assert person.secrecy_post == Person.SecrecyPost.NONE and not person.user.groups.exists()
    assert DirectoryAccount.objects.filter(user=person.user).exists()
    [created] = AuditEvent.objects.filter(action="directory.account_created")
    assert created.actor_id is None and created.details["username"] == "li.na"
    # the hash of the password the directory accepted: signing re-authentication checks it
    assert person.user.check_password(PASSWORD)


def test_a_later_login_updates_the_person_from_the_directory(client, li, org):
    services.sync()
    li.set_members("research")
    li.add_group("general", "li.na")
    li.replace("li.na", "cn", "Li Na (General)")
    assert login(client, "li.na", PASSWORD).status_code == 302
    person = Person.objects.get(user__username="li.na")
    assert (person.full_name, person.department.code) == ("Li Na (General)", "U-GEN")
    [updated] = AuditEvent.objects.filter(action="directory.account_updated")
    assert updated.details["changes"]["department"] == ["U-RES", "U-GEN"]


def test_a_wrong_password_is_refused_and_counted_by_axes(client, li, org):
    services.sync()
    response = login(client, "li.na", "Wrong-Guess-0001")
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert failures("li.na") == 1
    assert AuditEvent.objects.filter(action="account.login_failed", details__username="li.na").count() == 1
    # five wrong passwords lock the account: even the directory's right password is then refused
    for _i in range(4):
        login(client, "li.na", "Wrong-Guess-0001")
    locked = login(client, "li.na", PASSWORD)
    assert locked.status_code == 429 and not locked.wsgi_request.user.is_authenticated


def test_the_directory_decides_not_the_kept_hash(client, li, org):
    """After a password change in the directory, the old password (whose hash the registry kept
    from the last login) no longer logs in: the local accounts' backend is never asked for a
    directory account."""
    assert login(client, "li.na", PASSWORD).status_code == 302
    client.logout()
    li.replace("li.na", "userPassword", "Li-Na-Changed-2")
    refused = login(client, "li.na", PASSWORD)
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    assert login(client, "li.na", "Li-Na-Changed-2").status_code == 302


def test_a_disabled_or_closed_directory_account_cannot_log_in(client, li, org):
    li.add_user("wang.wei", name="Wang Wei", number="E-2002", password="Wang-Wei-Directory-1")
    services.sync()
    # disabled in the directory: refused at once, before any sync
    li.replace("li.na", "employeeType", "disabled")
    disabled = login(client, "li.na", PASSWORD)
    assert disabled.status_code == 200 and not disabled.wsgi_request.user.is_authenticated
    assert User.objects.get(username="li.na").is_active  # the sync closes it, not the login
    li.replace("li.na", "employeeType", "staff")
    li.delete_user("li.na")
    assert services.sync().summary["closed"] == [{"username": "li.na", "reason": "directory_removed"}]
    # back in the directory with the same password: the closed account stays closed
    li.add_user("li.na", name="Li Na", number="E-2001", password=PASSWORD)
    response = login(client, "li.na", PASSWORD)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert not User.objects.get(username="li.na").is_active


def test_a_local_account_logs_in_locally_and_is_never_checked_against_the_directory(client, li, org):
    li.add_user("staff_core", name="Impostor", number="E-6666", password="Impostor-Directory-1")
    assert login(client, "staff_core", "Impostor-Directory-1").status_code == 200
    assert login(client, "staff_core", org.password).status_code == 302
    assert not DirectoryAccount.objects.filter(user=org.staff_core).exists()


def test_directory_down_at_login_says_so_and_local_accounts_still_work(client, li, directory_down, org):
    services.sync()
    directory_down()
    response = login(client, "li.na", PASSWORD)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert UNAVAILABLE in response.content.decode()
    assert failures("li.na") == 0  # an outage is not a wrong guess
    # an unknown name may be a new directory account: the same message
    assert UNAVAILABLE in login(client, "new.person", "Some-Password-1").content.decode()
    # in Chinese
    zh = login(client, "li.na", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "目录服务" in zh.content.decode()
    # the local accounts go on
    assert login(client, "secretary", org.password).status_code == 302


def test_token_endpoint_with_a_directory_account_and_the_directory_down(li, directory_down, org):
    api = APIClient()
    ok = api.post("/api/v1/auth/token/", {"username": "li.na", "password": PASSWORD}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]
    wrong = api.post("/api/v1/auth/token/", {"username": "li.na", "password": "Wrong-Guess-0001"}, format="json")
    assert wrong.status_code == 400
    directory_down()
    down = api.post("/api/v1/auth/token/", {"username": "li.na", "password": PASSWORD}, format="json")
    assert down.status_code == 400 and UNAVAILABLE in str(down.json())
