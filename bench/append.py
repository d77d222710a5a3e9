"""Appending to the audit trail under concurrent writers (issue 16, item 1; decision 0022).

    make bench                      (bench/run.py runs this after the chain's other figures)
    DATABASE_URL=postgres://owner@.../db .venv/bin/python bench/append.py

A handover's share of the registry's writes, as the carrying service makes them, through the real
audit.record(): the start (the carrier row locked and its holder changed, three events: the
handover, the giver's signature, the holder), the accept (two events: the receiver's signature and
the receipt), a read round trip between the writes like the services' own queries. Password
hashing (two Argon2id checks per handover, one per signature) is excluded and reported apart.

Three runs in the same database: 8 writer processes with the chain on; the same code path with
chaining switched off (the commit trigger that links the events disabled: events written, no
links); 1 writer with the chain on. Goals: 8 chained >= 0.8x 8 unchained, >= 1.6x 1 writer. The
chain is then verified (every run's events linked into one chain).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITERS = int(os.environ.get("BENCH_APPEND_WRITERS", "8"))
SECONDS = float(os.environ.get("BENCH_APPEND_SECONDS", "15"))
CARRIERS = 1000


def _load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _setup() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_carrier")
        cur.execute("CREATE TABLE bench_carrier (id int PRIMARY KEY, holder int NOT NULL, handovers int NOT NULL)")
        cur.execute("INSERT INTO bench_carrier SELECT g, 0, 0 FROM generate_series(1, %s) g", [CARRIERS])


def _handover(k: int, n: int) -> None:
    """One handover of carrier (k * 7919 + n) % CARRIERS + 1: start and accept, 5 events."""
    from django.db import connection, transaction

    from audit.services import record

    carrier = (k * 7919 + n) % CARRIERS + 1
    details = {"carrier": carrier, "writer": k, "n": n}
    with transaction.atomic():  # the start
        with connection.cursor() as cur:
            cur.execute("SELECT holder FROM bench_carrier WHERE id = %s FOR UPDATE", [carrier])
            holder = cur.fetchone()[0]
        record(actor=None, action="bench.handover_started", details={**details, "from": holder})
        record(actor=None, action="signature.made", details={**details, "meaning": "handed_over"})
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM bench_carrier WHERE holder = %s", [holder])
            cur.fetchone()
        record(actor=None, action="bench.holder_pending", details={**details, "to": k})
    with transaction.atomic():  # the accept
        with connection.cursor() as cur:
            cur.execute("UPDATE bench_carrier SET holder = %s, handovers = handovers + 1 WHERE id = %s",
                        [k + 1, carrier])
        record(actor=None, action="signature.made", details={**details, "meaning": "received"})
        record(actor=None, action="bench.handover_accepted", details=details)


def _writer(args) -> tuple[int, list[float]]:
    k, deadline = args
    from django.db import connections

    latencies, n = [], 0
    try:
        while time.time() < deadline:
            start = time.perf_counter()
            _handover(k, n)
            latencies.append(time.perf_counter() - start)
            n += 1
    finally:
        connections.close_all()
    return n, latencies


def _run(writers: int, seconds: float) -> tuple[float, float]:
    """Handovers/s and median latency (ms) of `writers` processes for `seconds`."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # never share a connection with the forked writers
    deadline = time.time() + seconds
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        results = pool.map(_writer, [(k, deadline) for k in range(writers)])
    total = sum(n for n, _ in results)
    latencies = sorted(x for _, lat in results for x in lat)
    return total / seconds, (latencies[len(latencies) // 2] * 1000 if latencies else 0.0)


def _chaining(on: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if on:
            cur.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_chain_link")
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_chain_link")


def bench_append() -> None:
    from django.db import connection

    from audit.selectors import verify_chain
    from bench.passwords import _median_check

    _setup()
    _run(2, 2)  # warm up (connections, caches)
    chained8, p50_8 = _run(WRITERS, SECONDS)
    chained1, p50_1 = _run(1, SECONDS)
    _chaining(False)
    try:
        plain8, p50_plain = _run(WRITERS, SECONDS)
    finally:
        _chaining(True)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_chainlink")
        links = cur.fetchone()[0]
    print(f"[audit-append] handovers (start + accept, 5 events, no password hashing) for {SECONDS:.0f} s on "
          f"{os.cpu_count()} cores: {WRITERS} writers chained {chained8:,.0f}/s (p50 {p50_8:.0f} ms); "
          f"{WRITERS} writers, chaining off {plain8:,.0f}/s (p50 {p50_plain:.0f} ms); 1 writer chained "
          f"{chained1:,.0f}/s (p50 {p50_1:.0f} ms)")
    print(f"[audit-append] ratio {WRITERS} chained / {WRITERS} unchained = {chained8 / plain8:.2f} (goal >= 0.8); "
          f"{WRITERS} chained / 1 chained = {chained8 / chained1:.2f} (goal >= 1.6); "
          f"{chained8 * 5:,.0f} events/s; load {_load()}")
    from django.contrib.auth.hashers import Argon2PasswordHasher

    t_check = _median_check(Argon2PasswordHasher(), "Correct-Horse-Battery-42", 5)
    per_handover = 2 * t_check
    print(f"[audit-append] password hashing apart: 2 Argon2id checks per handover = {per_handover * 1000:.0f} ms of "
          f"CPU, at most {os.cpu_count() / per_handover:,.1f} handovers/s on {os.cpu_count()} cores from "
          f"hashing alone; load {_load()}")
    # the unchained run left events without links (chaining was off on purpose): the chained runs'
    # links form one chain; verify it up to there
    report = verify_chain()
    unlinked_only = (not report.ok and report.reason.startswith("event not in the chain"))
    assert report.ok or unlinked_only, report
    print(f"[audit-append] the chain holds: {links:,} links verified in one chain ({report.count:,}); "
          f"the unchained run's events are (on purpose) outside it")


if __name__ == "__main__":
    from bench.run import scratch_django_database

    with scratch_django_database():
        bench_append()
