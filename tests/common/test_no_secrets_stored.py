"""No password, one-time code or API token reaches the database, the logs or the audit trail in a
recoverable form (issue 14, item 5). Everything goes through the public pages and endpoints, as a
person and a client system would: enrolling an authenticator, a failed and a good login with the
second step, a token, a handover signed with password and code and sent with an Idempotency-Key
(and retried), the taker's signed acceptance. Then every column of every row of every table
(connection.introspection; each row cast to text, sessions decoded), the logs at DEBUG (SQL with
its parameters included) and the e-mails sent are searched for each secret, plainly; a password or
a six-digit code also as an unkeyed hash (MD5, SHA-1, SHA-256), which one guess per candidate would
undo. (Tokens and recovery codes carry 80 bits or more: their SHA-256 is how they are meant to be
kept, so only their plain text is searched.) The authenticator's TOTP secret is searched too, as
base32 and as hex: it is stored encrypted with a key the database does not hold."""

import hashlib
import json
import logging
import re
import time
from base64 import b32decode

import pyotp
import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import register

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Wrong-Horse-Battery-731"  # typed once, refused: must not be kept either
# low-entropy secrets: an unkeyed hash of these is as good as the secret
GUESSABLE = {"password", "wrong password", "first code", "signing code"}


def _scrape(pattern: str, html: str, what: str) -> list[str]:
    found = re.findall(pattern, html)
    assert found, f"no {what} on the page:\n{html[:3000]}"
    return found


def _totp_code_after(secret: str, step: int) -> tuple[str, int]:
    """A code of a time step later than `step` (a code is accepted once per step)."""
    while int(time.time() // 30) <= step:
        time.sleep(0.5)
    now = int(time.time() // 30)
    return pyotp.TOTP(secret).at(now * 30), now


def database_text() -> str:
    """Every row of every table as text (PostgreSQL casts a whole row: every column, JSON and
    bytea included), plus the decoded content of every session (stored base64-encoded)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT CAST(t AS text) FROM {connection.ops.quote_name(table)} AS t")
            chunks.extend(row[0] for row in cursor.fetchall())
    for session in Session.objects.all():
        chunks.append(json.dumps(session.get_decoded(), default=str))
    return "\n".join(chunks)


def needles(secret: str, *, guessable: bool) -> dict[str, str]:
    forms = {"plain": secret}
    for name in ("md5", "sha1", "sha256") if guessable else ():
        forms[name] = hashlib.new(name, secret.encode()).hexdigest()
    return forms


def occurrences(haystack: str, secret: str, *, guessable: bool) -> list[str]:
    """Where a secret (or an unkeyed hash of it) appears. A short numeric code counts only as a
    value of its own: not inside a longer run of letters or digits (a hash, an id) nor as the
    fraction of a timestamp."""
    found = []
    for form, needle in needles(secret, guessable=guessable).items():
        if form == "plain" and secret.isdigit():
            pattern = rf"(?<![0-9A-Za-z.]){re.escape(needle)}(?![0-9A-Za-z])"
        else:
            pattern = re.escape(needle)
        for match in re.finditer(pattern, haystack, flags=re.IGNORECASE):
            start = max(0, match.start() - 80)
            found.append(f"{form}: …{haystack[start:match.end() + 80]}…")
    return found


def test_no_password_code_or_token_is_kept(org, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own default config holds it at INFO
    connection.force_debug_cursor = True  # every SQL statement and its parameters into the logs
    try:
        secrets_used = drive_the_registry(org)
    finally:
        connection.force_debug_cursor = False

    stored = database_text()
    logged = caplog.text + "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in caplog.records
    )
    mailed = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    assert "audit_auditevent" in logged or "INSERT INTO" in logged, "the SQL was not logged"
    assert "account.login" in stored or "handover" in stored  # the trail is in the dump

    leaks = []
    for label, secret in secrets_used.items():
        guessable = label in GUESSABLE
        for place, text in (("database", stored), ("logs", logged), ("e-mail", mailed)):
            leaks.extend(f"{label} in the {place}: {where}"
                         for where in occurrences(text, secret, guessable=guessable))
    assert leaks == [], "\n".join(leaks)


def drive_the_registry(org) -> dict[str, str]:
    """The flow, through pages and the API. Returns every secret typed or handed out."""
    from django.test import Client

    secretary, clerk, password = org.secretary, org.clerk, org.password
    carrier = register(secretary, container=org.cabinet)
    secrets_used = {"password": password, "wrong password": WRONG_PASSWORD}

    # a failed login (audited, counted by the lockout), then a good one
    browser = Client()
    refused = browser.post("/login/", {"username": secretary.username, "password": WRONG_PASSWORD})
    assert refused.status_code in (200, 400, 403, 429)
    assert browser.post("/login/", {"username": secretary.username, "password": password}).status_code == 302

    # the person enrols an authenticator on their own page: key, first code, recovery codes
    assert browser.post("/account/factors/start/").status_code == 302
    page = browser.get("/account/factors/").content.decode()
    key = _scrape(r'id="enrol-secret">([A-Z2-7=]+)<', page, "authenticator key")[0]
    step = int(time.time() // 30)
    first_code = pyotp.TOTP(key).at(step * 30)
    shown = browser.post("/account/factors/confirm/", {"code": first_code})
    assert shown.status_code == 200, shown.content.decode()[:2000]
    recovery = _scrape(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>",
                       shown.content.decode(), "recovery codes")
    secrets_used["first code"] = first_code
    # the authenticator's secret itself: stored encrypted (accounts/otp_crypto.py), never as base32 or hex
    secrets_used["authenticator key (base32)"] = key.rstrip("=")
    secrets_used["authenticator key (hex)"] = b32decode(key + "=" * (-len(key) % 8)).hex()
    for n, code in enumerate(recovery, 1):
        secrets_used[f"recovery code {n}"] = code
        secrets_used[f"recovery code {n} (as typed without dashes)"] = code.replace("-", "")

    # log out, log in again: password, then the second step with a recovery code
    browser.post("/logout/")
    second = browser.post("/login/", {"username": secretary.username, "password": password})
    assert second.status_code == 302, second.content.decode()[:2000]
    done = browser.post(second["Location"], {"code": recovery[0]})
    assert done.status_code == 302 and "/login" not in done["Location"], done
    assert browser.get("/carriers/").status_code == 200

    # an API token (password and a second recovery code), for the giver; one for the taker
    api = APIClient()
    issued = api.post("/api/v1/auth/token/", {"username": secretary.username, "password": password,
                                             "otp": recovery[1]}, format="json")
    assert issued.status_code in (200, 201), issued.json()
    token = issued.json()["token"]
    taker_issued = APIClient().post("/api/v1/auth/token/", {"username": clerk.username, "password": password},
                                    format="json")
    assert taker_issued.status_code in (200, 201), taker_issued.json()
    taker_token = taker_issued.json()["token"]
    secrets_used.update({"API token": token, "taker's API token": taker_token})

    # a handover signed with password and the authenticator's current code, sent with an
    # Idempotency-Key and retried; the taker signs the acceptance with their password
    signing_code, _step = _totp_code_after(key, step)
    secrets_used["signing code"] = signing_code
    giver = APIClient()
    giver.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"taker": clerk.pk, "carriers": [carrier.pk], "declared_count": 1, "password": password,
            "otp": signing_code, "note": "secrets test"}
    started = giver.post("/api/v1/handovers/", body, format="json", HTTP_IDEMPOTENCY_KEY="no-secrets-1")
    assert started.status_code == 201, started.json()
    again = giver.post("/api/v1/handovers/", body, format="json", HTTP_IDEMPOTENCY_KEY="no-secrets-1")
    assert again.status_code == 201 and again["Idempotent-Replay"] == "true"
    taker = APIClient()
    taker.credentials(HTTP_AUTHORIZATION=f"Token {taker_token}")
    accepted = taker.post(f"/api/v1/handovers/{started.json()['id']}/accept/",
                          {"counted_count": 1, "password": password}, format="json")
    assert accepted.status_code == 200, accepted.json()
    return secrets_used
