"""Cheap in-process checks of the operations parts (the live ones are in test_background.py and
test_outage.py): a database error raised in a middleware answers 503 and not 500, the console
e-mail backend hides bodies unless asked, make run's logins follow HOST and PORT."""

import io

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from common.mail import QuietConsoleBackend


@pytest.mark.django_db
def test_a_database_error_in_a_middleware_answers_503_not_500(monkeypatch, org):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(org.auditor)

    def down(self):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(SessionStore, "load", down)
    page = client.get("/carriers/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "系统暂时无法使用" in page.content.decode() and "Temporarily unavailable" in page.content.decode()
    api = client.get("/api/v1/carriers/", HTTP_ACCEPT="application/json")
    assert api.status_code == 503 and api.json()["code"] == "service_unavailable" and api["Retry-After"] == "30"


@pytest.mark.django_db
def test_any_other_error_still_answers_500_without_touching_the_database(monkeypatch, org):
    from carriers import views

    client = Client(raise_request_exception=False)
    client.force_login(org.auditor)
    monkeypatch.setattr(views, "render", lambda *a, **k: 1 / 0)
    response = client.get("/carriers/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_console_mail_shows_no_body_unless_asked(settings):
    out = io.StringIO()
    message = EmailMessage("Daily digest", "secret-looking body text", "registry@localhost", ["a@x", "b@x"])
    QuietConsoleBackend(stream=out).send_messages([message])
    assert "Daily digest" in out.getvalue() and "2 recipient(s)" in out.getvalue()
    assert "secret-looking body text" not in out.getvalue()
    settings.EMAIL_CONSOLE_BODIES = True
    out = io.StringIO()
    QuietConsoleBackend(stream=out).send_messages([message])
    assert "secret-looking body text" in out.getvalue()


def test_demo_logins_print_the_address_make_run_serves(db):
    out = io.StringIO()
    call_command("demo_logins", "--host", "0.0.0.0", "--port", "8080", stdout=out)
    assert "http://127.0.0.1:8080/" in out.getvalue()
