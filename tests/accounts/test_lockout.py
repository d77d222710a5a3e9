"""Lockout (django-axes, database handler): the login page, the token endpoint and signing
re-authentication; per account and per client address; X-Forwarded-For only from trusted proxies;
the cache down; every failure and lockout on the audit trail (never the password), an alert to the
secrecy office; unlocking by the secrecy office of the person's unit."""

import json

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import lockout
from accounts.checks import ACCOUNT_LOCKED
from accounts.factors import flush_deferred
from alerts.models import Alert
from audit import services as audit
from audit.models import AuditEvent
from carriers.models import Carrier
from common.errors import ValidationFailed
from tests.factories import api_token

WRONG = "Wrong-Guess-0001"
LIMIT = 5


def events(action, **details):
    rows = AuditEvent.objects.filter(action=action).order_by("seq")
    return [e for e in rows if all(e.details.get(k) == v for k, v in details.items())]


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def token(client, username, password, **extra):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra)


# --- the login page -------------------------------------------------------------------------------


def test_login_page_locks_the_account_after_five_failures_and_refuses_the_right_password(client, org):
    for i in range(LIMIT - 1):
        assert login(client, "staff_core", WRONG).status_code == 200, i
    locked = login(client, "staff_core", WRONG)
    assert locked.status_code == 429
    assert "locked" in locked.content.decode() and "secrecy office" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    right = login(client, "staff_core", org.password)
    assert right.status_code == 429
    assert not right.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session
    failed = events("account.login_failed", username="staff_core", channel="login")
    assert len(failed) == LIMIT + 1 and failed[-1].details["locked"] is True
    assert all(e.target_id == str(org.staff_core.person.pk) for e in failed)
    [locked_event] = events("account.locked_out", username="staff_core")
    assert locked_event.details["by"] == "account" and locked_event.details["until"]


def test_a_locked_account_gets_an_alert_to_the_secrecy_office_of_its_unit(client, org):
    for _i in range(LIMIT):
        login(client, "staff_core", WRONG)
    alert = Alert.objects.get(kind=ACCOUNT_LOCKED)
    assert alert.severity == "critical" and alert.unit_id == org.unit.pk
    assert alert.target_id == org.staff_core.person.pk and alert.target_label == org.staff_core.person.employee_number
    told = set(alert.recipients.values_list("username", flat=True))
    assert {"secretary", "clerk"} <= told and "other_secretary" not in told
    # locking again later does not raise a second alert while the first is open
    login(client, "staff_core", WRONG)
    assert Alert.objects.filter(kind=ACCOUNT_LOCKED).count() == 1


def test_the_password_typed_is_never_recorded(client, org):
    secret_guess = "Zebra-Guess-7731"
    for _i in range(LIMIT + 1):
        login(client, "staff_core", secret_guess)
        token(APIClient(), "staff_core", secret_guess)
    login(client, secret_guess, secret_guess)  # a password typed into the username field
    trail = json.dumps([e.details for e in AuditEvent.objects.all()], ensure_ascii=False)
    attempts = json.dumps(list(AccessAttempt.objects.values()), default=str)
    assert secret_guess not in trail
    assert secret_guess not in attempts.replace(f'"username": "{secret_guess}"', "")
    unknown = events("account.login_failed", known_account=False)
    assert unknown and all(e.details["username"] == "" for e in unknown)


def test_the_lockout_holds_under_a_rotating_x_forwarded_for(client, org):
    for i in range(LIMIT + 3):
        response = login(client, "staff_core", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.{i}.{i + 1}")
    assert response.status_code == 429
    assert login(client, "staff_core", org.password, HTTP_X_FORWARDED_FOR="10.200.0.1").status_code == 429
    # the address counted is REMOTE_ADDR: the header was ignored (no trusted proxy configured)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_rotating_addresses_still_meet_the_account_lock(client, org):
    for i in range(LIMIT):
        login(client, "staff_core", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.{i}.{i + 1}")
    assert AccessAttempt.objects.values("ip_address").distinct().count() == LIMIT  # the proxy's header is read
    assert login(client, "staff_core", org.password, HTTP_X_FORWARDED_FOR="10.200.0.1").status_code == 429


def test_one_address_trying_many_accounts_is_locked_too(client, org):
    names = ["staff_important", "staff_general", "staff_none", "auditor", "head_gen"]
    for name in names:
        login(client, name, WRONG, HTTP_X_FORWARDED_FOR="1.2.3.4")
    response = login(client, "head_res", org.password)
    assert response.status_code == 429 and "your address" in response.content.decode()
    [event] = events("account.locked_out", by="address")
    assert event.details["ip"] == "127.0.0.1"


@pytest.mark.parametrize(
    "remote, forwarded, trusted, expected",
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "1.1.1.1", [], "203.0.113.5"),  # a client's own header: ignored
        ("10.0.0.2", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),  # spoofed left part ignored
        ("10.0.0.2", "198.51.100.7, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.7"),  # two proxies of ours
        ("10.0.0.2", "not-an-address", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
        ("2001:db8::5", "2001:db8:1::7", ["2001:db8::/64"], "2001:db8:1::7"),
    ],
)
def test_client_address_from_trusted_proxies_only(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert lockout.client_ip(request) == expected


def test_rate_limit_of_the_token_endpoint_ignores_a_spoofed_forwarded_for(settings, org):
    from accounts.token_view import ResilientScopedRateThrottle

    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert ResilientScopedRateThrottle().get_ident(request) == "203.0.113.5"


# --- the token endpoint -------------------------------------------------------------------------------


def test_token_endpoint_locks_with_a_json_detail_and_until_when(org):
    api = APIClient()
    for _i in range(LIMIT - 1):
        assert token(api, "staff_core", WRONG).status_code == 400
    assert token(api, "staff_core", WRONG).status_code == 429
    response = token(api, "staff_core", org.password)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked" and body["locked"] == "account" and body["locked_until"]
    assert "locked" in body["detail"] and "token" not in body
    assert int(response["Retry-After"]) > 0
    assert len(events("account.login_failed", channel="token")) == LIMIT + 1


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}})
def test_token_endpoint_lockout_holds_when_the_cache_is_down(org):
    from django.core.cache import cache

    with pytest.raises(Exception):  # noqa: B017 - the redis client's own connection error
        cache.get("anything")
    api = APIClient()
    for _i in range(LIMIT + 2):
        response = token(api, "staff_core", WRONG, HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert response.status_code == 429
    assert token(api, "staff_core", org.password).status_code == 429


# --- signing re-authentication --------------------------------------------------------------------------


def _register_payload(org, password):
    return {"kind": "paper", "title": "关于某工程的请示", "originator": "上级机关", "level": "SECRET",
            "secrecy_years": 10, "container": org.cabinet.pk, "scope_departments": [org.res.pk],
            "password": password}


def test_signing_with_six_wrong_passwords_then_the_right_one_is_refused_and_audited(org):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(org.secretary)}")
    statuses = [api.post("/api/v1/carriers/", _register_payload(org, WRONG), format="json").status_code
                for _i in range(6)]
    assert statuses == [400] * LIMIT + [429]
    response = api.post("/api/v1/carriers/", _register_payload(org, org.password), format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked" and response.json()["locked_until"]
    assert not Carrier.objects.exists()
    failed = events("account.login_failed", channel="signing", username="secretary")
    assert len(failed) == 7 and all(e.actor_id == org.secretary.pk for e in failed)
    assert len(events("account.locked_out", channel="signing", by="account")) == 1
    # the title of the carrier (in the form) never reaches the lockout's table
    assert not AccessAttempt.objects.filter(post_data__contains="请示").exists()
    # and the login page is locked for the same account
    assert login(APIClient(), "secretary", org.password).status_code == 429


def test_a_failure_inside_a_rolled_back_transaction_is_recorded_when_it_is_over(org):
    """A service signs inside its transaction; the wrong password rolls it back; the failure is
    written when the request is over (CurrentRequestMiddleware marks the request in progress)."""
    token = lockout._current_request.set(RequestFactory().post("/carriers/register/", REMOTE_ADDR="192.0.2.8"))
    try:
        with pytest.raises(ValidationFailed), transaction.atomic():
            audit.reauthenticate(signer=org.clerk, password=WRONG)
    finally:
        lockout._current_request.reset(token)
    assert not events("account.login_failed", channel="signing")  # the transaction is not over yet
    flush_deferred()  # what request_finished runs at the end of each request
    assert len(events("account.login_failed", channel="signing", username="clerk")) == 1
    assert lockout.failures(username="clerk")[0] == 1
    assert lockout.failures(ip="192.0.2.8")[0] == 1


# --- unlocking --------------------------------------------------------------------------------------------


def _lock(org, username="staff_core"):
    api = APIClient()
    for _i in range(LIMIT):
        token(api, username, WRONG)
    assert lockout.lock_of(username=username, ip=None) is not None


def api_as(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return api


def test_the_secrecy_office_lists_and_unlocks_an_account_of_its_unit(org):
    _lock(org)
    office = api_as(org.secretary)
    listed = office.get("/api/v1/auth/lockouts/").json()
    assert [row["username"] for row in listed] == ["staff_core"] and listed[0]["failures"] == LIMIT
    response = office.post(f"/api/v1/people/{org.staff_core.pk}/unlock/")
    assert response.status_code == 200 and response.json()["failures_cleared"] == LIMIT
    [event] = events("account.unlocked", username="staff_core")
    assert event.actor_id == org.secretary.pk
    assert Alert.objects.get(kind=ACCOUNT_LOCKED).status == "resolved"
    assert token(APIClient(), "staff_core", org.password).status_code == 200
    assert office.post(f"/api/v1/people/{org.staff_core.pk}/unlock/").status_code == 409  # not locked now


@pytest.mark.parametrize("who, status", [("other_secretary", 404), ("staff_important", 404), ("head_res", 403)])
def test_only_the_office_of_the_unit_unlocks(org, who, status):
    _lock(org)
    api = api_as(getattr(org, who))
    before = AuditEvent.objects.count()
    response = api.post(f"/api/v1/people/{org.staff_core.pk}/unlock/")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert AuditEvent.objects.count() == before and lockout.lock_of(username="staff_core", ip=None)


def test_the_office_cannot_unlock_its_own_account(org):
    _lock(org, "clerk")
    office = api_as(org.clerk)
    response = office.post(f"/api/v1/people/{org.clerk.pk}/unlock/")
    assert response.status_code == 403 and response.json()["code"] == "own_account"
    assert api_as(org.secretary).post(f"/api/v1/people/{org.clerk.pk}/unlock/").status_code == 200


def test_the_lockout_page_unlocks_too(client, org):
    _lock(org)
    client.force_login(org.secretary)
    assert reverse("accounts:lockouts") in client.get(reverse("accounts:password")).content.decode()
    page = client.get(reverse("accounts:lockouts"))
    assert page.status_code == 200 and "staff_core" in page.content.decode()
    response = client.post(reverse("accounts:unlock", args=[org.staff_core.pk]))
    assert response.status_code == 302
    assert lockout.lock_of(username="staff_core", ip=None) is None
    client.force_login(org.staff_core)
    assert client.get(reverse("accounts:lockouts")).status_code == 403
