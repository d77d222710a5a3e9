"""Hashing and passwords: Argon2id first and older hashes upgraded at the next login; the validators
wherever a password is set; changing one's password on a page and over the API (audited, the other
sessions ended)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from common.errors import ValidationFailed
from personnel import roles
from personnel import services as personnel
from personnel.models import Person
from tests.factories import PASSWORD

ARGON2_FIRST = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
NEW = "Quiet-Lantern-Orbit-58"


def test_production_settings_put_argon2id_first():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS  # old hashes still check
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert Argon2PasswordHasher().encode("x", "saltsaltsalt").startswith("argon2$argon2id$")


@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_a_pbkdf2_hash_becomes_argon2id_at_the_next_login(client, org):
    user = org.staff_core
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


@override_settings(PASSWORD_HASHERS=ARGON2_FIRST)
def test_a_wrong_password_does_not_upgrade_the_hash(client, org):
    user = org.staff_core
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    client.post(reverse("login"), {"username": user.username, "password": "Not-The-Password-1"})
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")


# --- validators wherever a password is set -------------------------------------------------------------


@pytest.mark.parametrize("password", ["1", "password", "12345678901", "newclerk-1"])
def test_create_person_refuses_a_weak_password_and_writes_nothing(org, password):
    before = (get_user_model().objects.count(), Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        personnel.create_person(
            actor=org.secretary, username="newclerk", password=password, full_name="新人", employee_number="N1",
            unit=org.unit, department=org.sec, secrecy_post="general", roles=[roles.STAFF],
        )
    assert refused.value.status == 400 and refused.value.errors["password"]
    assert (get_user_model().objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_create_person_accepts_a_good_password(org):
    person = personnel.create_person(
        actor=org.secretary, username="newclerk", password=NEW, full_name="新人", employee_number="N1",
        unit=org.unit, department=org.sec, secrecy_post="general", roles=[roles.STAFF],
    )
    assert person.user.check_password(NEW)


# --- changing one's password: the page -----------------------------------------------------------------


def test_the_header_links_the_password_page(client, org):
    client.force_login(org.staff_core)
    page = client.get(reverse("accounts:password"))
    assert page.status_code == 200
    assert f'href="{reverse("accounts:password")}"' in client.get(reverse("carriers:list")).content.decode()


def test_change_password_on_the_page_ends_the_other_sessions(org):
    user = org.staff_core
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get(reverse("carriers:list")).status_code == 200
    response = here.post(reverse("accounts:password"),
                         {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    [event] = AuditEvent.objects.filter(action="account.password_changed")
    assert event.actor_id == user.pk and NEW not in str(event.details) and PASSWORD not in str(event.details)
    assert here.get(reverse("carriers:list")).status_code == 200  # this session goes on
    other = elsewhere.get(reverse("carriers:list"))
    assert other.status_code == 302 and other["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "old, new, again, field",
    [
        ("Wrong-Old-Password-9", NEW, NEW, "old_password"),
        (PASSWORD, "short", "short", "new_password"),
        (PASSWORD, "staff_core-name", "staff_core-name", "new_password"),  # too like the person
        (PASSWORD, "password123", "password123", "new_password"),  # common
        (PASSWORD, PASSWORD, PASSWORD, "new_password"),  # the same
        (PASSWORD, NEW, NEW + "x", "new_password_again"),
    ],
)
def test_a_refused_password_change_changes_nothing(client, org, old, new, again, field):
    user = org.staff_core
    client.force_login(user)
    before = user.password
    changed = AuditEvent.objects.filter(action="account.password_changed").count()
    response = client.post(reverse("accounts:password"), {"old_password": old, "new_password": new,
                                                           "new_password_again": again})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.password == before
    assert AuditEvent.objects.filter(action="account.password_changed").count() == changed


def test_a_wrong_current_password_counts_towards_the_lockout(client, org):
    client.force_login(org.staff_core)
    for _i in range(5):
        client.post(reverse("accounts:password"),
                    {"old_password": "Wrong-Old-Password-9", "new_password": NEW, "new_password_again": NEW})
    response = client.post(reverse("accounts:password"),
                           {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert response.status_code == 429
    org.staff_core.refresh_from_db()
    assert org.staff_core.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.login_failed", details__channel="password_change").count() == 6


# --- changing one's password: the API -------------------------------------------------------------------


def test_change_password_over_the_api(org):
    api = APIClient()
    api.force_authenticate(org.staff_core)
    url = "/api/v1/auth/password/"
    weak = api.post(url, {"old_password": PASSWORD, "new_password": "1234"}, format="json")
    assert weak.status_code == 400 and weak.json()["new_password"]
    wrong = api.post(url, {"old_password": "Wrong-Old-Password-9", "new_password": NEW}, format="json")
    assert wrong.status_code == 400 and wrong.json()["old_password"]
    assert api.post(url, {"new_password": NEW}, format="json").status_code == 400
    org.staff_core.refresh_from_db()
    assert org.staff_core.check_password(PASSWORD)
    done = api.post(url, {"old_password": PASSWORD, "new_password": NEW}, format="json")
    assert done.status_code == 200 and done.json()["detail"]
    org.staff_core.refresh_from_db()
    assert org.staff_core.check_password(NEW)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=org.staff_core).count() == 1
    assert APIClient().post(url, {"old_password": NEW, "new_password": PASSWORD}, format="json").status_code in (401, 403)
