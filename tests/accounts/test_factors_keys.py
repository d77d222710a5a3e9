"""Security keys (WebAuthn): the refusals of registration and of the login step, each changing
nothing and the failed assertions audited. The ceremonies themselves run in Chromium with a virtual
authenticator (test_factors_browser.py)."""

import json
import os

from django.urls import reverse
from webauthn.helpers import bytes_to_base64url

from accounts import factors
from accounts.models import SecurityKey
from audit.models import AuditEvent
from tests.factories import PASSWORD, enrol_totp


def post_json(client, name, body=None):
    return client.post(reverse(name), json.dumps(body or {}), content_type="application/json")


def a_key(user, name="desk key"):
    return SecurityKey.objects.create(user=user, name=name, confirmed=True,
                                      credential_id=bytes_to_base64url(os.urandom(16)),
                                      public_key=b"not a real key", sign_count=0)


def test_registration_needs_an_authenticator_app_first(client, org):
    client.force_login(org.staff_core)
    refused = post_json(client, "accounts:key_options")
    assert refused.status_code == 400 and "authenticator app first" in refused.json()["detail"]
    enrol_totp(org.staff_core)
    options = post_json(client, "accounts:key_options")
    assert options.status_code == 200
    data = options.json()
    assert data["rp"]["id"] == "testserver" and data["challenge"] and data["user"]["name"] == "staff_core"


def test_registration_refusals_save_nothing(client, org):
    enrol_totp(org.staff_core)
    client.force_login(org.staff_core)
    no_challenge = post_json(client, "accounts:key_register", {"credential": {"id": "x"}})
    assert no_challenge.status_code == 400 and no_challenge.json()["code"] == "no_challenge"
    post_json(client, "accounts:key_options")
    garbage = post_json(client, "accounts:key_register", {"credential": {"id": "x", "response": {}}})
    assert garbage.status_code == 400 and garbage.json()["code"] == "key_refused"
    post_json(client, "accounts:key_options")
    malformed = client.post(reverse("accounts:key_register"), "not json", content_type="application/json")
    assert malformed.status_code == 400
    assert not SecurityKey.objects.exists()
    assert not AuditEvent.objects.filter(action="account.key_registered").exists()


def test_login_with_a_key_needs_the_password_first(client, org):
    a_key(org.staff_core)
    assert post_json(client, "accounts:login_key_options").status_code == 403
    assert post_json(client, "accounts:login_key", {"credential": {}}).status_code == 403


def test_a_refused_assertion_is_audited_and_logs_nobody_in(client, org):
    enrol_totp(org.staff_core)
    key = a_key(org.staff_core)
    client.post(reverse("login"), {"username": "staff_core", "password": PASSWORD})
    page = client.get(reverse("accounts:login_code")).content.decode()
    assert 'id="key-login"' in page
    options = post_json(client, "accounts:login_key_options").json()
    assert [c["id"] for c in options["allowCredentials"]] == [key.credential_id]
    refused = post_json(client, "accounts:login_key", {"credential": {"id": key.credential_id, "response": {}}})
    assert refused.status_code == 400 and refused.json()["code"] == "key_refused"
    assert not refused.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action="account.factor_failed").latest("seq").details == {
        "context": "login", "reason": "key_refused"}
    replay = post_json(client, "accounts:login_key", {"credential": {"id": key.credential_id}})
    assert replay.status_code == 400 and replay.json()["code"] == "no_challenge"  # a challenge serves once
    key.refresh_from_db()
    assert key.sign_count == 0 and key.last_used_at is None


def test_keys_are_removed_by_their_owner_and_by_a_reset(client, org):
    enrol_totp(org.staff_core)
    mine, theirs = a_key(org.staff_core), a_key(org.staff_general)
    client.force_login(org.staff_core)
    assert client.post(reverse("accounts:key_remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:key_remove", args=[mine.pk])).status_code == 302
    assert not SecurityKey.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="account.key_removed").exists()
    enrol_totp(org.staff_general)
    factors.reset_factor(actor=org.secretary, person=org.staff_general.person)
    assert not SecurityKey.objects.filter(user=org.staff_general).exists()
