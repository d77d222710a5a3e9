"""Sessions end after REGISTRY["SESSION_IDLE_SECONDS"] without activity and SESSION_COOKIE_AGE
after the login, enforced on the server: a page goes to the login page with the reason, an API call
with the session cookie answers 401. Asking how long is left does not count as activity."""

import time

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.sessions import LAST_KEY, START_KEY

IDLE = override_settings(REGISTRY={**settings.REGISTRY, "SESSION_IDLE_SECONDS": 60})


def _age(client, **ago):
    session = client.session
    now = int(time.time())
    for key, seconds in ago.items():
        session[{"last": LAST_KEY, "start": START_KEY}[key]] = now - seconds
    session.save()


def test_active_session_goes_on(client, org):
    client.force_login(org.staff_core)
    with IDLE:
        _age(client, last=50)
        assert client.get(reverse("carriers:list")).status_code == 200
        assert int(time.time()) - client.session[LAST_KEY] < 5


def test_idle_session_ends_with_a_message(client, org):
    client.force_login(org.staff_core)
    with IDLE:
        _age(client, last=61)
        response = client.get(reverse("carriers:list"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login") + "?next=" + reverse("carriers:list").replace("/", "%2F")
    assert "1 minute without activity" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("carriers:list")).status_code == 302


def test_idle_session_on_the_api_answers_401(client, org):
    client.force_login(org.staff_core)
    with IDLE:
        _age(client, last=61)
        response = client.get("/api/v1/carriers/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired" and "without activity" in response.json()["detail"]


def test_absolute_lifetime_is_kept(client, org):
    client.force_login(org.staff_core)
    _age(client, last=1, start=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("carriers:list"), follow=True)
    assert "time limit" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_status_does_not_count_as_activity(client, org):
    client.force_login(org.staff_core)
    with IDLE:
        _age(client, last=30)
        before = client.session[LAST_KEY]
        status = client.get(reverse("accounts:session_status")).json()
        assert 25 <= status["remaining"] <= 30 and status["warn"] == 30 and status["expired"] is False
        assert client.session[LAST_KEY] == before
        kept = client.post(reverse("accounts:session_keepalive")).json()
        assert kept["remaining"] >= 59
        _age(client, last=61)
        expired = client.get(reverse("accounts:session_status"))
        assert expired.status_code == 401 and expired.json()["expired"] is True


def test_pages_carry_the_warning(client, org):
    client.force_login(org.staff_core)
    page = client.get(reverse("carriers:list")).content.decode()
    assert 'id="session-warning"' in page and f'data-idle-seconds="{settings.REGISTRY["SESSION_IDLE_SECONDS"]}"' in page
    assert "js/session-timeout.js" in page
    client.logout()
    assert 'id="session-warning"' not in client.get(reverse("login")).content.decode()
