"""Concurrent handovers of one carrier against a live server on PostgreSQL: exactly one wins,
the others get 409, one holder at the end, and the audit chain stays whole."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from tests.live import live_server, manage, scratch_database

pytestmark = [pytest.mark.live]
PASSWORD = "Registry-Demo-2026"


def call(base, path, body=None, token=None, headers=None):
    request = urllib.request.Request(
        base + path, method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {}),
                 **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def token(base, username):
    status, body = call(base, "/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert status == 200, body
    return body["token"]


def test_concurrent_handovers_of_one_carrier():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        secretary = token(base, "secretary")
        # a carrier in custody whose scope reaches the Research Division
        status, page = call(base, "/api/v1/carriers/?status=in_custody&level=CONFIDENTIAL&page_size=200", token=secretary)
        units = {u["code"]: u["id"] for u in call(base, "/api/v1/units/?page_size=50", token=secretary)[1]["results"]}
        carrier = next(c for c in page["results"] if units["DEMO-RES"] in c["scope_departments"])
        people = {p["username"]: p["id"] for p in call(base, "/api/v1/people/?page_size=50", token=secretary)[1]["results"]}
        takers = ["staff_core", "staff_important", "head_res"] * 3

        results = []
        barrier = threading.Barrier(len(takers))

        def fire(taker):
            barrier.wait()
            results.append(call(base, "/api/v1/handovers/", {
                "taker": people[taker], "carriers": [carrier["id"]], "declared_count": 1, "password": PASSWORD,
            }, token=secretary))

        threads = [threading.Thread(target=fire, args=(t,)) for t in takers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(code for code, _ in results)
        assert statuses.count(201) == 1, results
        assert statuses.count(409) == len(takers) - 1, results
        assert all("detail" in body for code, body in results if code == 409)

        winner = next(body for code, body in results if code == 201)
        taker_name = next(name for name, pk in people.items() if pk == winner["taker"])
        taker_token = token(base, taker_name)
        accepts = []

        def accept():
            accepts.append(call(base, f"/api/v1/handovers/{winner['id']}/accept/",
                                {"counted_count": 1, "password": PASSWORD}, token=taker_token))

        threads = [threading.Thread(target=accept) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(code for code, _ in accepts) == [200, 409, 409, 409], accepts

        status, detail = call(base, f"/api/v1/carriers/{carrier['id']}/", token=taker_token)
        assert status == 200 and detail["holder"]["id"] == winner["taker"]
        assert manage(url, "verify_audit").stdout.startswith("OK ")
