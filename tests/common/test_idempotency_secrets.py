"""Idempotency records keep a keyed hash (HMAC-SHA256, from SECRET_KEY) of the request body with
every password, one-time code and token removed: a read of the table recovers no password, even
by guessing, and a retry still replays (or answers 422 for a different body)."""

import hashlib

import pytest
from rest_framework.test import APIClient

from common.idempotency import SECRET_FIELDS, _digest, canonical_json, without_secrets
from common.models import IdempotencyRecord
from tests.factories import register

HANDOVERS = "/api/v1/handovers/"


def test_without_secrets_at_any_depth():
    body = {
        "password": "p", "otp": "123456", "title": "kept", "Token": "t",
        "nested": {"code": "c", "new_password": "n", "old_password": "o", "keep": [1, {"otp": "x", "y": 2}]},
    }
    assert without_secrets(body) == {"title": "kept", "nested": {"keep": [1, {"y": 2}]}}
    assert {"password", "otp", "code", "token", "new_password", "old_password"} <= SECRET_FIELDS


@pytest.fixture
def signed_handover(org):
    carrier = register(org.secretary, container=org.cabinet)
    client = APIClient()
    client.force_authenticate(org.secretary)
    body = {"taker": org.clerk.pk, "carriers": [carrier.pk], "declared_count": 1, "password": org.password}
    return client, body


def test_record_holds_a_keyed_hash_without_the_password(org, signed_handover, settings):
    client, body = signed_handover
    first = client.post(HANDOVERS, body, format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert first.status_code == 201, first.json()
    record = IdempotencyRecord.objects.get(user=org.secretary, key="h-1")
    stored = record.request_hash
    assert len(stored) == 64
    # not any unkeyed hash of the body, with or without the password
    for data in (body, without_secrets(body)):
        message = f"POST {HANDOVERS}\n{canonical_json(data)}"
        assert stored != hashlib.sha256(message.encode()).hexdigest()
    # the HMAC of the body without secrets, under the secret key
    assert stored == _digest(f"POST {HANDOVERS}\n{canonical_json(without_secrets(body))}", settings.SECRET_KEY)
    assert org.password not in str(record.response_body)

    # the same request again: replayed; the same key for another body: 422
    again = client.post(HANDOVERS, body, format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert again.status_code == 201 and again["Idempotent-Replay"] == "true" and again.json() == first.json()
    other = client.post(HANDOVERS, {**body, "declared_count": 2}, format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"


def test_a_rotated_secret_key_still_replays(org, signed_handover, settings):
    client, body = signed_handover
    first = client.post(HANDOVERS, body, format="json", HTTP_IDEMPOTENCY_KEY="h-2")
    assert first.status_code == 201
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    again = client.post(HANDOVERS, body, format="json", HTTP_IDEMPOTENCY_KEY="h-2")
    assert again.status_code == 201 and again["Idempotent-Replay"] == "true"
    settings.SECRET_KEY_FALLBACKS = []
    refused = client.post(HANDOVERS, body, format="json", HTTP_IDEMPOTENCY_KEY="h-2")
    assert refused.status_code == 422  # the old key retired: never run twice, never matched
