"""With Redis unreachable, requests that change data still succeed (nothing in a request
depends on Redis for correctness); the health check says the cache is down."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIClient

from carriers.models import Carrier
from common.levels import Level


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket goes: nothing listens there


@pytest.fixture
def redis_down():
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}):
        with pytest.raises(Exception):  # noqa: B017 - the real client's connection error
            caches["default"].get("probe")
        yield


def test_token_and_registration_work_with_redis_down(org, redis_down):
    client = APIClient()
    resp = client.post("/api/v1/auth/token/", {"username": "secretary", "password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    resp = client.post("/api/v1/carriers/", {
        "kind": "paper", "title": "Redis 停机期间登记", "originator": "上级机关", "level": "SECRET",
        "secrecy_years": 5, "container": org.cabinet.pk, "password": org.password,
    }, format="json")
    assert resp.status_code == 201, resp.content
    assert Carrier.objects.filter(title="Redis 停机期间登记", level=Level.SECRET).exists()


def test_healthz_reports_the_cache_down(client, db, redis_down):
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["database"] == "ok" and resp.json()["cache"].startswith("error")
