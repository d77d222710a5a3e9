"""Two production runs of one approved request at the same moment, against a live server on
PostgreSQL and driven only through the REST API: exactly one makes the copies, the others get 409,
the copies are exactly the approved number, numbered without gaps, and the audit chain is whole."""

import threading
from urllib.parse import quote

import pytest

from tests.carriers.test_handover_concurrency import PASSWORD, call, token
from tests.live import live_server, manage, scratch_database

pytestmark = [pytest.mark.live]


def test_concurrent_runs_of_one_request():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        secretary, clerk = token(base, "secretary"), token(base, "clerk")
        status, place = call(base, "/api/v1/production-places/", {
            "name_zh": "保密印制室", "name_en": "Secure print room", "approval_reference": "示保〔2026〕1号",
            "max_level": "SECRET", "valid_from": "2020-01-01", "valid_until": "2099-12-31",
        }, token=secretary)
        assert status == 201, place
        status, production = call(base, "/api/v1/production-requests/", {
            "title": "并发印制测试文件（2027）", "kind": "paper", "level": "SECRET", "secrecy_years": 10, "copies": 7,
            "purpose": "下发各处室", "place": place["id"],
        }, token=token(base, "staff_core"))
        assert status == 201, production
        approval = production["approval"]["id"]
        status, decided = call(base, f"/api/v1/approvals/{approval}/approve/", {"password": PASSWORD},
                               token=token(base, "head_res"))
        assert status == 200 and decided["status"] == "approved", decided
        status, containers = call(base, "/api/v1/containers/?page_size=50", token=secretary)
        cabinet = next(c["id"] for c in containers["results"] if c["code"] == "CAB-01")

        callers = [secretary, clerk] * 3
        results, barrier = [], threading.Barrier(len(callers))

        def fire(who):
            barrier.wait()
            results.append(call(base, f"/api/v1/production-requests/{production['id']}/run/",
                                {"container": cabinet, "password": PASSWORD}, token=who))

        threads = [threading.Thread(target=fire, args=(who,)) for who in callers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(code for code, _ in results)
        assert statuses == [201] + [409] * (len(callers) - 1), results
        assert all(body.get("detail") for code, body in results if code == 409)
        made = next(body for code, body in results if code == 201)
        assert [c["copy_number"] for c in made["copies"]] == [f"{n:06d}" for n in range(1, 8)]

        status, detail = call(base, f"/api/v1/production-requests/{production['id']}/", token=secretary)
        assert detail["status"] == "produced" and detail["run"]["copies_made"] == 7
        status, carriers = call(base, f"/api/v1/carriers/?q={quote(production['title'])}&page_size=100", token=secretary)
        assert carriers["count"] == 7
        assert manage(url, "verify_audit").stdout.startswith("OK ")
