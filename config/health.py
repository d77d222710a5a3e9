"""The health check (`/healthz`), in the composition root: it reads the database, the broker
(common/outbox.py) and the scheduler's record (alerts/beat.py), which is kept in the database so
that it can be read while Redis is down."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from alerts.beat import checks_status
from common.outbox import broker_status


def healthz(request):
    """For load balancers and monitoring: the database, the broker and the cache answer, and when
    the scheduled checks last ran. 503 when the database, the broker or the cache fails; scheduled
    checks that are late (none for two intervals) say "late" in the body and keep 200, unless
    ?strict=1 (for monitoring: a beat that does not run is then 503 too)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # reported, not raised: this is the health check
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = broker_status()
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    scheduled = {"status": "unknown", "last_success": None}
    if checks["database"] == "ok":
        try:
            found = checks_status()
            scheduled = {
                "status": "late" if found["late"] else "ok",
                "last_success": found["last_success"].isoformat() if found["last_success"] else None,
                "beat": f"error: {found['beat_error']}" if found["beat_failing"] else "ok",
            }
        except Exception as exc:
            scheduled = {"status": f"error: {exc.__class__.__name__}", "last_success": None}
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    strict = request.GET.get("strict") in ("1", "true")
    if strict and (scheduled["status"] != "ok" or scheduled.get("beat", "ok") != "ok"):
        healthy = False
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks, "scheduled_checks": scheduled},
                        status=200 if healthy else 503)
