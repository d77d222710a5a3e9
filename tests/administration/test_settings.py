"""Technical settings (issue 15, item 1: the system administrator edits them): the session idle
timeout, the lockout's failure limit and cool-off, the API tokens' lifetime and number. Each change
is a service with its audit event, visible to the security auditor, refused for the other two
administrators and everyone else (nothing changed), checked against its range, and read by the code
at run time (the environment's value is the default)."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import lockout, sessions
from accounts import tokens as account_tokens
from accounts.sessions import LAST_KEY
from administration import selectors, services
from administration.models import TechnicalSetting
from audit.models import AuditEvent
from common import tunables
from common.errors import Conflict, Refused, ValidationFailed

from .conftest import api, snapshot

WRONG = "Wrong-Guess-0001"


def _settings_state():
    return sorted(TechnicalSetting.objects.values_list("key", "value")), snapshot()


def _change(user, key, value, reason="operations review"):
    return api(user).post(f"/api/v1/administration/settings/{key}/", {"value": value, "reason": reason},
                          format="json")


def test_the_system_administrator_changes_the_idle_timeout_and_sessions_follow_at_once(client, org, admins):
    default = sessions.idle_seconds()
    response = _change(admins.sys, "SESSION_IDLE_MINUTES", 2)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["value"] == 2 and body["changed"] is True and body["changed_by"] == "sysadmin"
    assert body["default"] == max(1, default // 60) and body["environment"] == "SESSION_IDLE_MINUTES"
    assert sessions.idle_seconds() == 120
    # a session idle for 150 seconds now ends (the environment's 15 minutes would have kept it)
    client.force_login(org.staff_core)
    session = client.session
    session[LAST_KEY] = int(time.time()) - 150
    session.save()
    response = client.get(reverse("carriers:list"), follow=True)
    assert "2 minutes without activity" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action="admin.setting_changed")
    assert event.actor_id == admins.sys.pk
    assert event.details["key"] == "SESSION_IDLE_MINUTES" and event.details["after"] == 2
    assert event.details["before"] == max(1, default // 60) and event.details["reason"] == "operations review"


def test_the_lockout_limit_changed_at_run_time_locks_sooner(client, org, admins):
    assert lockout.limit() == 5
    assert services.change_setting(actor=admins.sys, key="LOGIN_FAILURE_LIMIT", value="3", reason="policy").value == 3
    assert lockout.limit() == 3
    for i in range(2):
        assert client.post(reverse("login"), {"username": "staff_core", "password": WRONG}).status_code == 200, i
    assert client.post(reverse("login"), {"username": "staff_core", "password": WRONG}).status_code == 429
    right = client.post(reverse("login"), {"username": "staff_core", "password": org.password})
    assert right.status_code == 429 and not right.wsgi_request.user.is_authenticated


def test_the_cool_off_and_the_token_limits_are_read_at_run_time(org, admins):
    services.change_setting(actor=admins.sys, key="LOGIN_COOLOFF_MINUTES", value=45, reason="policy")
    assert lockout.cool_off().total_seconds() == 45 * 60
    services.change_setting(actor=admins.sys, key="API_TOKEN_DAYS", value=7, reason="shorter tokens")
    with pytest.raises(ValidationFailed, match="between 1 and 7 days"):
        account_tokens.create_token(user=org.staff_core, name="ci", days=10)
    services.change_setting(actor=admins.sys, key="API_TOKEN_MAX_PER_USER", value=1, reason="one each")
    account_tokens.create_token(user=org.staff_core, name="a", days=5)
    account_tokens.create_token(user=org.staff_core, name="b", days=5)
    assert account_tokens.live_tokens(org.staff_core).count() == 1


def test_a_reset_gives_back_the_environment_value_audited(org, admins):
    services.change_setting(actor=admins.sys, key="SESSION_IDLE_MINUTES", value=3, reason="try")
    response = api(admins.sys).post("/api/v1/administration/settings/SESSION_IDLE_MINUTES/reset/",
                                    {"reason": "back to normal"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["changed"] is False
    assert not TechnicalSetting.objects.exists()
    assert sessions.idle_seconds() != 180
    event = AuditEvent.objects.get(action="admin.setting_reset")
    assert event.actor_id == admins.sys.pk and event.details["before"] == 3
    with pytest.raises(Conflict):
        services.reset_setting(actor=admins.sys, key="SESSION_IDLE_MINUTES", reason="again")


@pytest.mark.parametrize(("key", "value", "status"), [
    ("SESSION_IDLE_MINUTES", 0, 400),
    ("SESSION_IDLE_MINUTES", 481, 400),
    ("LOGIN_FAILURE_LIMIT", 1, 400),
    ("API_TOKEN_DAYS", "many", 400),
    ("NO_SUCH_SETTING", 5, 404),
    ("SESSION_IDLE_MINUTES", 15, 409),  # the value in force already (the environment's)
])
def test_bad_values_are_refused_and_change_nothing(org, admins, key, value, status):
    before = _settings_state()
    response = _change(admins.sys, key, value)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["value"][0] if status == 400 else body["detail"]
    assert _settings_state() == before


def test_a_reason_is_required(org, admins):
    before = _settings_state()
    response = _change(admins.sys, "SESSION_IDLE_MINUTES", 5, reason="")
    assert response.status_code == 400 and response.json()["reason"][0]
    assert _settings_state() == before


def test_the_other_administrators_and_everyone_else_are_refused(org, admins):
    services.change_setting(actor=admins.sys, key="API_TOKEN_DAYS", value=10, reason="x")
    before = _settings_state()
    for user in (admins.sec, admins.aud, admins.other_sec, org.secretary, org.staff_core):
        response = _change(user, "SESSION_IDLE_MINUTES", 5)
        assert response.status_code == 403, (user, response.content)
        response = api(user).post("/api/v1/administration/settings/API_TOKEN_DAYS/reset/", {"reason": "x"},
                                  format="json")
        assert response.status_code == 403, (user, response.content)
        with pytest.raises(Refused):
            services.change_setting(actor=user, key="SESSION_IDLE_MINUTES", value=5, reason="x")
    assert _settings_state() == before
    assert account_tokens._max_days() == 10


def test_the_three_administrators_read_the_settings_nobody_else(org, admins):
    for user in (admins.sys, admins.sec, admins.aud):
        response = api(user).get("/api/v1/administration/settings/")
        assert response.status_code == 200
        assert {row["key"] for row in response.json()} == set(tunables.TUNABLES)
    for user in (org.secretary, org.staff_core):
        assert api(user).get("/api/v1/administration/settings/").status_code == 403


def test_the_security_auditor_sees_every_change_in_the_trail(org, admins):
    services.change_setting(actor=admins.sys, key="LOGIN_COOLOFF_MINUTES", value=30, reason="a")
    services.reset_setting(actor=admins.sys, key="LOGIN_COOLOFF_MINUTES", reason="b")
    trail = selectors.admin_trail(user=admins.aud, params={})
    actions = [e.action for e in trail if e.action.startswith("admin.setting_")]
    assert sorted(actions) == ["admin.setting_changed", "admin.setting_reset"]
    response = api(admins.aud).get("/api/v1/administration/trail/", {"action": "admin.setting_changed"})
    assert response.status_code == 200 and response.json()


def test_a_change_tells_the_other_processes(org, admins):
    """The table's version in the shared cache changes, so another process reads the table again."""
    cache.delete(tunables.VERSION_KEY)
    assert tunables.value("API_TOKEN_DAYS") == 30
    services.change_setting(actor=admins.sys, key="API_TOKEN_DAYS", value=12, reason="x")
    version = cache.get(tunables.VERSION_KEY)
    assert version
    # another process: its memory still holds the old values under the old version
    tunables._memo.update(version="stale", values={})
    assert tunables.value("API_TOKEN_DAYS") == 12


def test_the_page_for_each_administrator(client, org, admins):
    url = reverse("administration:settings")
    client.force_login(admins.sys)
    page = client.get(url).content.decode()
    assert 'id="setting-form-SESSION_IDLE_MINUTES"' in page and "SESSION_IDLE_MINUTES" in page
    response = client.post(reverse("administration:setting", args=["SESSION_IDLE_MINUTES"]),
                           {"session_idle_minutes-value": "4", "session_idle_minutes-reason": "night shift"})
    assert response.status_code == 302
    assert TechnicalSetting.objects.get(key="SESSION_IDLE_MINUTES").value == 4
    response = client.post(reverse("administration:setting", args=["SESSION_IDLE_MINUTES"]),
                           {"session_idle_minutes-value": "999", "session_idle_minutes-reason": "x"})
    assert response.status_code == 400 and "480" in response.content.decode()
    client.force_login(admins.aud)
    page = client.get(url)
    assert page.status_code == 200 and "setting-form-" not in page.content.decode()
    before = _settings_state()
    response = client.post(reverse("administration:setting", args=["SESSION_IDLE_MINUTES"]),
                           {"session_idle_minutes-value": "9", "session_idle_minutes-reason": "x"})
    assert response.status_code == 403 and _settings_state() == before
    client.force_login(org.staff_core)
    assert client.get(url).status_code == 403
