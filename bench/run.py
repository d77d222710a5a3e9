"""Benchmarks, each printing a ratio against a baseline measured in the same run.

    make bench            (starts PostgreSQL + Redis, runs this, stops them)
    BENCH_CARRIERS=50000 .venv/bin/python bench/run.py   (with DATABASE_URL set to PostgreSQL)

1. The access gate on a large registry: the carrier list (count + first page) for a staff user,
   through common.access.restrict, against the same list with no gate at all (baseline), and
   against a naive per-row check (can() for each carrier; measured on a sample, extrapolated).
   bench/gate.py: the same list at BENCH_GATE_CARRIERS (1,000,000) carriers and as many object
   grants, staff and secrecy office, p95 against the ungated page and a django-guardian version.
2. The audit chain: appending events through audit.record (hash, linked at commit) against plain
   inserts of the same rows with no chain (baseline); bench/append.py: handovers with 8 writers
   against the same code path with chaining off and against 1 writer.
3. The scheduled checks (bench/checks.py).
4. Register rendering (bench/registers.py): a 10,000-row register as one naive WeasyPrint document
   against the chunked renderer (worker processes, joined with pypdf), time and peak memory.
5. One password check (bench/passwords.py): Argon2id with Django's production parameters against
   PBKDF2-SHA256 (the baseline).
6. Page speed (bench/pages.py): the main pages' server time on the demo data for the people whose
   day it is, against the same page for someone who sees no carrier and the 300 ms goal; then at
   BENCH_PAGES_CARRIERS (1,000,000) more carriers against the 1 s goal.
"""

import contextlib
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

N_CARRIERS = int(os.environ.get("BENCH_CARRIERS", "200000"))
N_EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))
NAIVE_SAMPLE = int(os.environ.get("BENCH_NAIVE_SAMPLE", "2000"))


def scratch_url() -> tuple[str, str, str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench needs DATABASE_URL pointing at PostgreSQL (make bench starts one)")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{name}")), urlunparse(parts._replace(path="/postgres")), name


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextlib.contextmanager
def scratch_django_database():
    """A fresh, migrated PostgreSQL database for one benchmark run, Django set up on it; dropped
    afterwards. Yields its URL."""
    url, admin, name = scratch_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    with scratch_django_database() as url:
        run(url)


def build_registry():
    from django.db import connection, transaction

    from carriers import services as carrier_services
    from carriers.models import Container
    from personnel import roles
    from personnel import services as personnel_services

    with transaction.atomic():
        unit = personnel_services.create_unit(actor=None, code="B", name_zh="基准单位", name_en="Bench unit")
        depts = [
            personnel_services.create_unit(actor=None, code=f"B-{i}", name_zh=f"处{i}", name_en=f"Division {i}", parent=unit)
            for i in range(10)
        ]
        clerk = personnel_services.create_person(
            actor=None, username="clerk", password="Bench-Pass-2026", full_name="登记员", employee_number="B1", unit=unit,
            department=depts[0], secrecy_post="core", roles=[roles.SECRECY_OFFICE],
        ).user
        staff = personnel_services.create_person(
            actor=None, username="staff", password="Bench-Pass-2026", full_name="职员", employee_number="B2", unit=unit,
            department=depts[3], secrecy_post="important", roles=[roles.STAFF],
        ).user
        safe = carrier_services.create_container(
            actor=clerk, code="S1", name_zh="保险柜", name_en="Safe", kind=Container.Kind.COMBINATION_SAFE,
            unit=unit, max_level=3,
        )
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO carriers_carrier (registry_number, unit_id, kind, medium, is_coded_telegram, title,
                document_number, originator, level, secrecy_years, declassification_condition, period_start,
                expires_on, marking_zh, marking_en, copy_number, copies_total, holder_id, container_id, status,
                registered_by_id, registered_at, updated_at, intermediate_kind, disposition)
            SELECT 'B-2026-' || lpad(g::text, 7, '0'), %(unit)s, 'paper', '', false, 'Bench document ' || g,
                   '', 'Originator', 1 + g %% 3, 10, '', DATE '2026-01-01', DATE '2036-01-01', '秘密★10年',
                   'Confidential★10 years', '', 1, %(clerk)s, %(safe)s, 'in_custody', %(clerk)s, now(), now(), '', ''
            FROM generate_series(1, %(n)s) g
            """,
            {"unit": unit.pk, "clerk": clerk.pk, "safe": safe.pk, "n": N_CARRIERS},
        )
        # every carrier is scoped to one of the ten departments; the staff member's is one of them
        cur.execute(
            """
            INSERT INTO carriers_carrier_scope_departments (carrier_id, unit_id)
            SELECT c.id, (%(first)s + (c.id %% 10)) FROM carriers_carrier c
            """,
            {"first": depts[0].pk},
        )
        cur.execute("ANALYZE")
    return staff


def bench_gate(staff) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carriers.models import Carrier
    from carriers.selectors import carrier_list
    from common import access

    def gate_list():
        filterset = carrier_list(user=staff, filters={})
        qs = filterset.qs
        total = qs.count()
        page = list(qs.prefetch_related("scope_departments", "scope_people", "sources")[:50])
        return total, page

    def baseline_list():
        qs = Carrier.objects.select_related("unit", "holder__person", "container").order_by("-registered_at", "-id")
        total = qs.count()
        page = list(qs.prefetch_related("scope_departments", "scope_people", "sources")[:50])
        return total, page

    visible, _ = gate_list()
    with CaptureQueriesContext(connection) as ctx:
        gate_list()
    gate_queries = len(ctx.captured_queries)
    t_gate = timed(gate_list)
    t_base = timed(baseline_list)

    sample = list(Carrier.objects.order_by("id")[:NAIVE_SAMPLE])

    def naive():
        return sum(1 for c in sample if access.can(staff, access.VIEW, c))

    t_naive_sample = timed(naive, repeat=1)
    t_naive_full = t_naive_sample * N_CARRIERS / len(sample)

    print(f"[gate] carriers={N_CARRIERS} visible to staff={visible} queries per list page={gate_queries}")
    print(f"[gate] gated list (count + page of 50): {t_gate * 1000:.1f} ms; ungated baseline: {t_base * 1000:.1f} ms; "
          f"ratio gated/baseline = {t_gate / t_base:.2f}")
    print(f"[gate] naive per-row can() over all carriers (measured on {len(sample)}, extrapolated): {t_naive_full:.1f} s; "
          f"ratio naive/gated = {t_naive_full / t_gate:.0f}x")


def bench_audit() -> None:
    from django.db import connection, transaction

    from audit import services as audit

    def chained():
        for i in range(N_EVENTS):
            with transaction.atomic():
                audit.record(actor=None, action="bench.event", details={"i": i})

    def plain():
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS bench_plain (id bigserial primary key, at timestamptz, action text, details jsonb)")
        for i in range(N_EVENTS):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("INSERT INTO bench_plain (at, action, details) VALUES (now(), 'bench.event', %s)", [f'{{"i": {i}}}'])

    t_chain = timed(chained, repeat=1)
    t_plain = timed(plain, repeat=1)
    print(f"[audit] {N_EVENTS} events, one transaction each: chained {N_EVENTS / t_chain:.0f} events/s, "
          f"plain insert {N_EVENTS / t_plain:.0f} rows/s; ratio chained/plain time = {t_chain / t_plain:.2f}")


def run(url: str) -> None:
    start = time.perf_counter()
    staff = build_registry()
    print(f"[setup] {N_CARRIERS} carriers loaded in {time.perf_counter() - start:.1f} s")
    bench_gate(staff)
    from bench.gate import bench_gate_at_scale  # 1b. the gate at 1,000,000 carriers and grants

    bench_gate_at_scale()
    bench_audit()
    from bench.audit import (
        bench_audit_verify,  # 2b. verifying the chain; the scheduled check at 1x, 10x history
    )

    bench_audit_verify()
    from bench.append import bench_append  # 2c. appending: 8 writers vs chaining off vs 1 writer

    bench_append()
    from bench.checks import bench_checks  # 3. the scheduled checks (alerts), BENCH_CHECK_CARRIERS

    bench_checks()
    from bench.registers import bench_registers  # 4. a 10,000-row register: chunked vs naive PDF

    bench_registers()
    from bench.passwords import bench_passwords  # 5. one password check: Argon2id against PBKDF2

    bench_passwords()
    # 6. the main pages' server time on the demo data and at BENCH_PAGES_CARRIERS more carriers
    # (bench/pages.py, in its own scratch database with the demo data)
    import subprocess

    subprocess.run([sys.executable, str(ROOT / "bench" / "pages.py")], check=False)


if __name__ == "__main__":
    main()
