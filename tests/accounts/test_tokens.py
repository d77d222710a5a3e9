"""API tokens: stored as SHA-256 with an expiry, listed and revoked by their owner and by the
secrecy office of the owner's unit, an expired or revoked token answers 401 saying so (audited),
and "log out everywhere" ends every session and token of the person."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import ApiToken
from audit.models import AuditEvent
from tests.factories import PASSWORD

TOKENS = "/api/v1/auth/tokens/"


def obtain(username, **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json")


def as_token(raw) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_token_is_stored_hashed_with_an_expiry(org):
    response = obtain("api_client", name="ledger sync", days=3)
    assert response.status_code == 200, response.content
    raw = response.json()["token"]
    row = ApiToken.objects.get(user=org.api_client)
    assert row.digest == hashlib.sha256(raw.encode()).hexdigest() and row.prefix == raw[:8]
    assert row.name == "ledger sync"
    assert abs((row.expires_at - timezone.now()) - timedelta(days=3)) < timedelta(minutes=1)
    assert response.json()["expiry"].startswith(str(row.expires_at.astimezone(timezone.get_current_timezone()).year))
    event = AuditEvent.objects.filter(action="account.token_created").latest("seq")
    assert event.details["token"] == raw[:8] and raw not in str(event.details)
    assert as_token(raw).get("/api/v1/carriers/").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_lifetime_is_bounded(org):
    too_long = obtain("api_client", days=settings.REGISTRY["API_TOKEN_DAYS"] + 1)
    assert too_long.status_code == 400 and "days" in too_long.json()
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_answer_401_with_the_reason(org):
    expired_row, expired = tokens.create_token(user=org.staff_core)
    ApiToken.objects.filter(pk=expired_row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = as_token(expired).get("/api/v1/carriers/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    revoked_row, revoked = tokens.create_token(user=org.staff_core)
    tokens.revoke_token(actor=org.staff_core, token_id=revoked_row.pk)
    response = as_token(revoked).get("/api/v1/carriers/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    refused = AuditEvent.objects.filter(action="account.token_refused")
    assert sorted(e.details["reason"] for e in refused) == ["expired", "revoked"]
    as_token(revoked).get("/api/v1/carriers/")  # again within the hour: not another event
    assert AuditEvent.objects.filter(action="account.token_refused").count() == 2
    unknown = as_token("f" * 40).get("/api/v1/carriers/")
    assert unknown.status_code == 401 and unknown.json()["detail"]


def test_owner_lists_and_revokes(org):
    _row, raw = tokens.create_token(user=org.staff_core, name="mine")
    other_row, other_raw = tokens.create_token(user=org.staff_general)
    client = as_token(raw)
    listed = client.get(TOKENS).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["name"] for r in rows] == ["mine"] and rows[0]["state"] == "active"
    assert "digest" not in rows[0] and raw not in str(listed)
    assert client.delete(f"{TOKENS}{other_row.pk}/").status_code == 404  # someone else's: unseen
    assert as_token(other_raw).get("/api/v1/carriers/").status_code == 200
    assert client.delete(f"{TOKENS}{_row.pk}/").status_code == 204
    assert client.get(TOKENS).status_code == 401  # it was this very token
    again = as_token(other_raw).delete(f"{TOKENS}{other_row.pk}/")
    assert again.status_code == 204
    api = APIClient()
    api.force_authenticate(org.staff_general)
    assert api.delete(f"{TOKENS}{other_row.pk}/").status_code == 409
    event = AuditEvent.objects.filter(action="account.token_revoked").latest("seq")
    assert event.details == {"token": other_row.prefix, "reason": "owner"}


def test_secrecy_office_revokes_for_its_unit_only(org):
    row, raw = tokens.create_token(user=org.staff_core)
    foreign_row, _foreign = tokens.create_token(user=org.other_secretary)
    office = APIClient()
    office.force_authenticate(org.secretary)
    listed = office.get(TOKENS, {"username": "staff_core"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [row.pk]
    assert office.delete(f"{TOKENS}{foreign_row.pk}/").status_code == 404
    assert office.delete(f"{TOKENS}{row.pk}/").status_code == 204
    assert as_token(raw).get("/api/v1/carriers/").status_code == 401
    assert AuditEvent.objects.filter(action="account.token_revoked").latest("seq").details["reason"] == "secrecy_office"
    staff = APIClient()
    staff.force_authenticate(org.staff_general)
    assert staff.delete(f"{TOKENS}{row.pk}/").status_code == 404


def test_oldest_token_goes_beyond_the_limit(org):
    with override_settings(REGISTRY={**settings.REGISTRY, "API_TOKEN_MAX_PER_USER": 2}):
        first, first_raw = tokens.create_token(user=org.api_client)
        tokens.create_token(user=org.api_client)
        tokens.create_token(user=org.api_client)
    first.refresh_from_db()
    assert first.revoked_at is not None and as_token(first_raw).get(TOKENS).status_code == 401
    assert tokens.live_tokens(org.api_client).count() == 2


def test_logout_everywhere_ends_sessions_and_tokens(client, org):
    _row, raw = tokens.create_token(user=org.staff_core)
    other = client.__class__()
    other.force_login(org.staff_core)
    bystander = client.__class__()
    bystander.force_login(org.staff_general)
    response = as_token(raw).post("/api/v1/auth/logout-everywhere/")
    assert response.status_code == 200 and response.json() == {"sessions": 1, "tokens": 1}
    assert other.get(reverse("carriers:list")).status_code == 302
    assert bystander.get(reverse("carriers:list")).status_code == 200
    assert as_token(raw).get("/api/v1/carriers/").status_code == 401
    event = AuditEvent.objects.filter(action="account.logout_everywhere").latest("seq")
    assert event.details == {"sessions": 1, "tokens": 1}


def test_logout_everywhere_from_the_page(client, org):
    client.force_login(org.staff_core)
    tokens.create_token(user=org.staff_core)
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not tokens.live_tokens(org.staff_core).exists()
    assert client.get(reverse("carriers:list")).status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(org.staff_core.pk)]


def test_tokens_page_shows_a_new_token_once(client, org):
    client.force_login(org.staff_core)
    refused = client.post(reverse("accounts:tokens_create"), {"name": "x", "password": "wrong"})
    assert refused.status_code == 400 and not ApiToken.objects.exists()
    made = client.post(reverse("accounts:tokens_create"), {"name": "report tool", "password": PASSWORD})
    assert made.status_code == 200
    row = ApiToken.objects.get(user=org.staff_core)
    page = made.content.decode()
    raw = page.split('id="new-token-value">')[1].split("<")[0]
    assert hashlib.sha256(raw.encode()).hexdigest() == row.digest
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in listing and row.prefix in listing and "report tool" in listing
    assert client.post(reverse("accounts:tokens_revoke", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert client.post(reverse("accounts:tokens_revoke", args=[row.pk])).status_code == 409
