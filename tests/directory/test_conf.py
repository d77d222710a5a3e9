"""The directory's settings (directory/conf.py) and its pure rules (directory/rules.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.env
from directory import conf, rules

ROOT = Path(__file__).resolve().parent.parent.parent
BASE = ["axes.backends.AxesStandaloneBackend", conf.MODEL_BACKEND, "guardian.backends.ObjectPermissionBackend"]


@pytest.fixture
def env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("LDAP_") and not name.startswith("LDAP_TEST_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_off_by_default_the_backends_stay_local(env):
    cfg = conf.load(config.env)
    assert cfg["ENABLED"] is False
    assert conf.backends(BASE, cfg) == BASE


def test_enabled_the_directory_comes_right_after_axes_and_before_local_accounts(env, tmp_path):
    (tmp_path / "pw").write_text("secret")
    env.setenv("LDAP_ENABLED", "1")
    env.setenv("LDAP_SERVER_URI", "ldaps://dir.example:636/")
    env.setenv("LDAP_USER_SEARCH_BASE", "ou=people,dc=example")
    env.setenv("LDAP_BIND_DN", "cn=registry,dc=example")
    env.setenv("LDAP_BIND_PASSWORD_FILE", str(tmp_path / "pw"))
    env.setenv("LDAP_GROUP_DEPARTMENTS", json.dumps({"CN=Radar,OU=Groups,DC=example": "U-RES"}))
    cfg = conf.load(config.env)
    assert cfg["GROUP_DEPARTMENTS"] == {"cn=radar,ou=groups,dc=example": "U-RES"}
    assert conf.backends(BASE, cfg) == [BASE[0], conf.BACKEND, conf.MODEL_BACKEND, BASE[2]]
    env.setenv("LDAP_LOCAL_ACCOUNTS", "0")
    assert conf.backends(BASE, conf.load(config.env)) == [BASE[0], conf.BACKEND, BASE[2]]


@pytest.mark.parametrize("variables, message", [
    ({"LDAP_ENABLED": "1"}, "LDAP_SERVER_URI, LDAP_USER_SEARCH_BASE"),
    ({"LDAP_ENABLED": "1", "LDAP_SERVER_URI": "ldap://x/", "LDAP_USER_SEARCH_BASE": "dc=x", "LDAP_BIND_DN": "cn=a"},
     "LDAP_BIND_PASSWORD_FILE"),
    ({"LDAP_ENABLED": "1", "LDAP_SERVER_URI": "ldap://x/", "LDAP_USER_SEARCH_BASE": "dc=x",
      "LDAP_GROUP_DEPARTMENTS": "radar=U-RES"}, "JSON object"),
    ({"LDAP_ENABLED": "1", "LDAP_SERVER_URI": "ldap://x/", "LDAP_USER_SEARCH_BASE": "dc=x",
      "LDAP_GROUP_DEPARTMENTS": '{"radar": 3}'}, "non-empty strings"),
    ({"LDAP_ENABLED": "1", "LDAP_SERVER_URI": "ldap://x/", "LDAP_USER_SEARCH_BASE": "dc=x",
      "LDAP_TLS_REQUIRE_CERT": "sometimes"}, "LDAP_TLS_REQUIRE_CERT"),
])
def test_a_wrong_configuration_stops_the_registry_from_starting(env, variables, message):
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        conf.load(config.env)


def test_the_settings_schedule_the_sync_only_when_enabled(tmp_path):
    """config.settings.base as a deployment loads it: the beat (and the embedded scheduler) runs
    directory.tasks.sync_directory every LDAP_SYNC_INTERVAL_MINUTES; off, there is no such entry."""
    code = ("from config.settings import base as b; import json; "
            "print(json.dumps([b.DIRECTORY['ENABLED'], b.AUTHENTICATION_BACKENDS, "
            "str(b.CELERY_BEAT_SCHEDULE.get('directory-sync', {}).get('schedule', '')), "
            "b.CELERY_BEAT_SCHEDULE.get('directory-sync', {}).get('task')]))")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("LDAP_") or k.startswith("LDAP_TEST_")}
    base_env.update(REGISTRY_PRODUCTION="0", REGISTRY_VAR_DIR=str(tmp_path))

    def load(**extra):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base_env, **extra}, capture_output=True,
                             text=True, timeout=60, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert load() == [False, BASE, "", None]
    (tmp_path / "pw").write_text("x")
    enabled = load(LDAP_ENABLED="1", LDAP_SERVER_URI="ldap://127.0.0.1:1/", LDAP_USER_SEARCH_BASE="dc=x",
                   LDAP_SYNC_INTERVAL_MINUTES="15")
    assert enabled == [True, [BASE[0], conf.BACKEND, conf.MODEL_BACKEND, BASE[2]], "0:15:00",
                       "directory.tasks.sync_directory"]


def test_department_decision():
    mapping = {"research": "U-RES", "cn=gen,ou=groups,dc=x": "U-GEN"}
    assert rules.department_decision(["cn=Research,ou=groups,dc=x"], {}) == (rules.UNMANAGED, None)
    assert rules.department_decision([], mapping) == (rules.NO_GROUP, None)
    assert rules.department_decision(["cn=other,ou=groups,dc=x"], mapping) == (rules.NO_GROUP, None)
    assert rules.department_decision(["cn=Research,ou=groups,dc=x"], mapping) == (rules.ONE, "U-RES")
    assert rules.department_decision(["CN=gen,OU=groups,DC=x"], mapping) == (rules.ONE, "U-GEN")
    assert rules.department_decision(["cn=research,dc=x", "cn=gen,ou=groups,dc=x"], mapping) == (rules.AMBIGUOUS, None)


def test_account_state_and_the_empty_answer_guard():
    assert rules.account_state(present=True, disabled=False) == ""
    assert rules.account_state(present=False, disabled=False) == "directory_removed"
    assert rules.account_state(present=True, disabled=True) == "directory_disabled"
    assert rules.may_close_any(listed=0, linked_open=3) is False
    assert rules.may_close_any(listed=1, linked_open=3) is True
    assert rules.may_close_any(listed=0, linked_open=0) is True
