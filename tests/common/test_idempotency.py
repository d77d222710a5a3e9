"""Idempotency-Key end to end (issue 17, item 2), on the writes that ignored it before: a
retried publication review, container access-log line and alert acknowledgement do it once and
answer the stored answer with `Idempotent-Replay: true`; the same key with another body 422; a
refused request keeps no key; keys are per user; a DELETE (204) replays without a body.
Concurrent twins against a live server: tests/common/test_idempotency_live.py."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import tokens
from alerts.models import Alert
from approvals.models import PublicationReview
from audit.models import AuditEvent
from carriers.storage.models import ContainerAccess
from common.models import IdempotencyRecord
from tests.factories import register

REVIEW = {"title": "论文", "material_kind": "manuscript", "outlet_type": "overseas", "outlet_name": "Journal",
          "summary": "综述", "related_level": "CONFIDENTIAL"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def twice(client, url, body, key):
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    return first, again


@pytest.mark.django_db
def test_a_retried_publication_review_is_created_once(org):
    client = client_for(org.staff_core)
    first, again = twice(client, "/api/v1/publication-reviews/", REVIEW, "review-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replay" not in first
    assert again.status_code == 201 and again["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert PublicationReview.objects.count() == 1
    other = client.post("/api/v1/publication-reviews/", {**REVIEW, "title": "另一篇"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="review-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"
    assert PublicationReview.objects.count() == 1
    # keys are per user: another author's same key is a new request
    theirs = client_for(org.staff_important).post("/api/v1/publication-reviews/", REVIEW, format="json",
                                                  HTTP_IDEMPOTENCY_KEY="review-1")
    assert theirs.status_code == 201 and "Idempotent-Replay" not in theirs
    assert PublicationReview.objects.count() == 2


@pytest.mark.django_db
def test_a_retried_access_log_line_is_written_once(org):
    url = f"/api/v1/containers/{org.safe.pk}/access-log/"
    client = client_for(org.clerk)
    # a refused request keeps no key: corrected, it runs with the same key
    refused = client.post(url, {"action": "broken"}, format="json", HTTP_IDEMPOTENCY_KEY="log-1")
    assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
    first, again = twice(client, url, {"action": "opened", "note": "取文件"}, "log-1")
    assert first.status_code == 201 and again.status_code == 201 and again["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    assert ContainerAccess.objects.count() == 1
    # without a key, as before: each request is its own
    client.post(url, {"action": "closed"}, format="json")
    client.post(url, {"action": "closed"}, format="json")
    assert ContainerAccess.objects.count() == 3


@pytest.mark.django_db
def test_a_retried_acknowledgement_answers_as_the_first(org):
    carrier = register(org.secretary, container=org.cabinet)
    now = timezone.now()
    alert = Alert.objects.create(kind="secrecy_ended", target_type="carrier", target_id=carrier.pk,
                                 target_label=str(carrier), carrier=carrier, unit=org.unit, level=carrier.level,
                                 responsible=org.secretary, opened_at=now, last_seen_at=now)
    url = f"/api/v1/alerts/{alert.pk}/acknowledge/"
    client = client_for(org.secretary)
    first, again = twice(client, url, {"comment": "已知"}, "ack-1")
    assert first.status_code == 200, first.content
    assert again.status_code == 200 and again["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert AuditEvent.objects.filter(action="alert.acknowledge").count() == 1
    # a new key is a new request: the alert is acknowledged already
    assert client.post(url, {"comment": "已知"}, format="json", HTTP_IDEMPOTENCY_KEY="ack-2").status_code == 409


@pytest.mark.django_db
def test_a_retried_delete_replays_its_204(org):
    token, _raw = tokens.create_token(user=org.api_client, name="t")
    client = client_for(org.api_client)
    url = f"/api/v1/auth/tokens/{token.pk}/"
    first = client.delete(url, HTTP_IDEMPOTENCY_KEY="del-1")
    again = client.delete(url, HTTP_IDEMPOTENCY_KEY="del-1")
    assert first.status_code == 204 and again.status_code == 204 and again["Idempotent-Replay"] == "true"
    assert again.content == b""
    assert AuditEvent.objects.filter(action="account.token_revoked").count() == 1


@pytest.mark.django_db
def test_keys_are_refused_when_unusable(org):
    url = f"/api/v1/containers/{org.safe.pk}/access-log/"
    client = client_for(org.clerk)
    too_long = client.post(url, {"action": "opened"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()
    # the token endpoint has no signed-in caller to keep a key for
    anonymous = APIClient().post("/api/v1/auth/token/", {"username": "clerk", "password": org.password},
                                 format="json", HTTP_IDEMPOTENCY_KEY="login-1")
    assert anonymous.status_code == 400 and "Idempotency-Key" in anonymous.json()
    assert ContainerAccess.objects.count() == 0 and not IdempotencyRecord.objects.exists()
