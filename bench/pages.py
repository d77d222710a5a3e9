"""Server time of the main pages (issue 18, item 8): every page <= 300 ms on the demo data and
<= 1 s at a large registry.

On a fresh scratch PostgreSQL database with the demo data (seed_demo), each page is asked through
Django's handler in this process (the test client: the whole middleware stack, the view, the
templates and every query; no network, no browser), by the people whose day it is (the secrecy
office, the auditor, a department head, a staff member), warm, BENCH_PAGES_REPEAT times; the
median and the worst are printed with the number of queries, against

- the baseline in the same run: the same page for a staff member who may open no carrier (the
  registry seen empty), and
- the goal: 300 ms on the demo data.

Then BENCH_PAGES_CARRIERS carriers (default 1,000,000, the issue's scale) are added to the demo unit in one INSERT
(copies of one of the secrecy office's demo carriers: same holder, container and scope) and the
same pages are asked again, against the 1 s goal. The audit trail keeps
the demo's events at that scale (the bulk carriers have no history).

    .venv/bin/python bench/pages.py          (DATABASE_URL on PostgreSQL; make bench runs it)
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEAT = int(os.environ.get("BENCH_PAGES_REPEAT", "5"))
SCALE = int(os.environ.get("BENCH_PAGES_CARRIERS", "1000000"))
GOAL_DEMO, GOAL_SCALE = 0.300, 1.0

READERS = ("secretary", "auditor", "head_res", "staff_core")
BASELINE_READER = "staff_none"  # cleared for nothing: every page shows an empty registry

# (name, path); {carrier}, {number}, {inventory} filled from the demo
PAGES = (
    ("dashboard", "/"),
    ("carrier list", "/carriers/"),
    ("carrier page", "/carriers/{carrier}/"),
    ("search by scan", "/search/?q={number}"),
    ("search by word", "/search/?q=2025"),
    ("notices", "/notices/"),
    ("audit trail", "/audit/"),
    ("registers", "/registers/"),
    ("alerts", "/alerts/"),
    ("approvals", "/approvals/"),
    ("dispatches", "/dispatches/"),
    ("new dispatch", "/dispatches/new/"),
    ("my carriers", "/use/"),
    ("borrow", "/use/loans/new/"),
    ("storage", "/storage/"),
    ("inventory run", "/storage/inventories/{inventory}/"),
    ("destruction", "/destruction/"),
    ("destruction request", "/destruction/new/"),
    ("meetings", "/meetings/"),
    ("people", "/personnel/"),
    ("scan lookup", "/scan/lookup/?number={number}&action=handover"),
)


def _facts() -> dict:
    from carriers.models import Carrier
    from carriers.storage.models import Inventory

    carrier = Carrier.objects.filter(holder__username="secretary").order_by("pk").first()
    inventory = Inventory.objects.filter(status="open").order_by("pk").first()
    return {"carrier": carrier.pk, "number": carrier.registry_number, "inventory": inventory.pk if inventory else 0}


def _client(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _measure(client, path: str) -> tuple[int, float, float, int]:
    """(status, median s, worst s, queries) of one page, warm."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(path).status_code  # warm (templates, caches)
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(path)
        samples.append(time.perf_counter() - start)
    return status, statistics.median(samples), max(samples), len(queries)


def measure_all(label: str, goal: float, facts: dict) -> list[tuple[str, float]]:
    baseline = _client(BASELINE_READER)
    clients = {name: _client(name) for name in READERS}
    print(f"[pages] {label}: median / worst server time of {REPEAT} warm requests, queries; "
          f"baseline = the same page for {BASELINE_READER} (sees no carrier); goal {goal * 1000:.0f} ms")
    slowest = []
    for name, template in PAGES:
        path = template.format(**facts)
        base_status, base_median, _, _ = _measure(baseline, path)
        worst_reader, worst = None, None
        for reader, client in clients.items():
            status, median, top, queries = _measure(client, path)
            if status != 200:
                continue
            if worst is None or median > worst[1]:
                worst_reader, worst = reader, (status, median, top, queries)
        if worst is None:
            print(f"  {name:<20} (no reader got 200)")
            continue
        _, median, top, queries = worst
        ratio = median / base_median if base_median and base_status == 200 else float("nan")
        verdict = "ok" if median <= goal else "OVER"
        print(f"  {name:<20} {median * 1000:7.1f} ms (worst {top * 1000:7.1f}) {queries:3d} q  slowest reader "
              f"{worst_reader:<11} baseline {base_median * 1000:6.1f} ms  x{ratio:5.2f}  {verdict}")
        slowest.append((name, median))
    over = [n for n, m in slowest if m > goal]
    print(f"[pages] {label}: {len(slowest) - len(over)}/{len(slowest)} pages within {goal * 1000:.0f} ms"
          + (f"; over: {', '.join(over)}" if over else ""))
    return slowest


def add_carriers(n: int) -> float:
    """n more carriers in the demo unit, in one INSERT: copies of one of the secretary's demo
    carriers (held by the secrecy office, in its container, in its scope), numbered P-2026-0000001...
    and titled "Bench document n"; the statistics refreshed. Returns the seconds it took."""
    from django.db import connection

    from carriers.models import Carrier

    template = (Carrier.objects.filter(holder__username="secretary", status="in_custody", production_run__isnull=True,
                                       intermediate_kind="").order_by("pk").first())
    columns = [f.column for f in Carrier._meta.concrete_fields if f.column != "id"]
    made = {"registry_number": "'P-2026-' || lpad(g::text, 7, '0')", "title": "'Bench document ' || g",
            "registered_at": "c.registered_at - make_interval(secs => g)"}
    values = ", ".join(made.get(col, f"c.{connection.ops.quote_name(col)}") for col in columns)
    names = ", ".join(connection.ops.quote_name(col) for col in columns)
    scope = connection.ops.quote_name(Carrier.scope_departments.through._meta.db_table)
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO carriers_carrier ({names}) SELECT {values} "  # noqa: S608 (the model's own columns)
            "FROM carriers_carrier c, generate_series(1, %s) g WHERE c.id = %s",
            [n, template.pk],
        )
        cur.execute(
            f"INSERT INTO {scope} (carrier_id, unit_id) "  # noqa: S608
            f"SELECT p.id, s.unit_id FROM carriers_carrier p JOIN {scope} s ON s.carrier_id = %s "
            "WHERE p.registry_number LIKE 'P-2026-%%'",
            [template.pk],
        )
        cur.execute("ANALYZE")
    return time.perf_counter() - start


def bench_pages() -> None:
    import logging

    from django.core.management import call_command

    # refusals (403/404 for a reader who may not open a page) and logins are expected here
    for name in ("django.request", "axes"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    start = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    print(f"[pages] demo data seeded in {time.perf_counter() - start:.1f} s")
    facts = _facts()
    measure_all("demo data", GOAL_DEMO, facts)
    if SCALE > 0:
        took = add_carriers(SCALE)
        print(f"[pages] {SCALE} more carriers added in {took:.1f} s")
        measure_all(f"demo + {SCALE} carriers", GOAL_SCALE, facts)


def main() -> None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
    from bench.run import scratch_django_database

    with scratch_django_database():
        bench_pages()


if __name__ == "__main__":
    main()
