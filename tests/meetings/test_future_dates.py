"""Issue 17, item 5: a meeting is planned before it ends; an end already past is refused (400 on
ends_at, in the caller's language), nothing written."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from meetings.models import Meeting
from tests.factories import audit_count_but_security


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_meeting_that_would_be_over_is_refused(org, venue):
    now = timezone.now()
    body = {"title": "评审会", "level": "SECRET", "venue": venue.pk, "purpose": "评审",
            "starts_at": (now - timedelta(days=2)).isoformat(), "ends_at": (now - timedelta(days=2, hours=-2)).isoformat()}
    before = audit_count_but_security()
    for language, words in (("en", "already be over"), ("zh-hans", "已结束")):
        resp = api(org.staff_core).post("/api/v1/meetings/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert resp.status_code == 400, resp.content
        assert words in resp.json()["ends_at"][0], resp.json()
    assert audit_count_but_security() == before and not Meeting.objects.exists()
    later = {**body, "starts_at": (now + timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(hours=2)).isoformat()}
    assert api(org.staff_core).post("/api/v1/meetings/", later, format="json").status_code == 201
