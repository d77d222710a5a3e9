"""Benchmark of the scheduled checks (alerts.services.run_checks) on a large registry.

    BENCH_CHECK_CARRIERS=1000000 .venv/bin/python bench/checks.py   (DATABASE_URL -> PostgreSQL)

Builds BENCH_CHECK_CARRIERS carriers with generate_series, 1% of them due (0.5% secrecy period
ended, 0.5% ending within the window; the other checks run over their own empty tables), then times one full run of every check and counts its queries; measures a
naive per-carrier Python loop (load each carrier, decide in Python, get_or_create its alert) on
a sample and extrapolates it to the whole registry; and shows that a second run creates nothing."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_CHECK_CARRIERS", "1000000"))
NAIVE_SAMPLE = int(os.environ.get("BENCH_CHECK_NAIVE_SAMPLE", "5000"))


def build(n: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from carriers import services as carrier_services
    from carriers.models import Container
    from personnel import roles
    from personnel import services as personnel_services

    today = timezone.localdate()
    with transaction.atomic():
        unit = personnel_services.create_unit(actor=None, code="C", name_zh="检查单位", name_en="Check unit")
        dept = personnel_services.create_unit(actor=None, code="C-1", name_zh="一处", name_en="Division 1", parent=unit)
        clerk = personnel_services.create_person(
            actor=None, username="cclerk", password="Bench-Pass-2026", full_name="登记员", employee_number="C1", unit=unit,
            department=dept, secrecy_post="core", roles=[roles.SECRECY_OFFICE],
        ).user
        safe = carrier_services.create_container(
            actor=clerk, code="CS1", name_zh="保险柜", name_en="Safe", kind=Container.Kind.COMBINATION_SAFE,
            unit=unit, max_level=3,
        )
    with connection.cursor() as cur:
        # g % 1000 in 0..4: ended; 5..9: ending within 30 days; others: ends in 2036
        cur.execute(
            """
            INSERT INTO carriers_carrier (registry_number, unit_id, kind, medium, is_coded_telegram, title,
                document_number, originator, level, secrecy_years, declassification_condition, period_start,
                expires_on, marking_zh, marking_en, copy_number, copies_total, holder_id, container_id, status,
                registered_by_id, registered_at, updated_at, intermediate_kind, disposition)
            SELECT 'C-2026-' || lpad(g::text, 7, '0'), %(unit)s, 'paper', '', false, 'Check document ' || g,
                   '', 'Originator', 1 + g %% 3, 10, '', DATE '2016-01-01',
                   CASE WHEN g %% 1000 < 5 THEN %(today)s::date - 1 - (g %% 50)
                        WHEN g %% 1000 < 10 THEN %(today)s::date + (g %% 30)
                        ELSE DATE '2036-01-01' END,
                   '秘密★10年', 'Confidential★10 years', '', 1, %(clerk)s, %(safe)s, 'in_custody', %(clerk)s,
                   now(), now(), '', ''
            FROM generate_series(1, %(n)s) g
            """,
            {"unit": unit.pk, "clerk": clerk.pk, "safe": safe.pk, "n": n, "today": today},
        )
        cur.execute("ANALYZE carriers_carrier")
    return unit, clerk


def naive_loop(sample_ids, today, window):
    """Per carrier: load it, decide in Python, get_or_create the alert (what a loop would do)."""
    from datetime import timedelta

    from django.utils import timezone

    from alerts.models import Alert
    from carriers.models import Carrier

    now = timezone.now()
    created = 0
    for pk in sample_ids:
        c = Carrier.objects.get(pk=pk)
        if c.status in ("declassified", "destroyed") or c.expires_on is None:
            continue
        kind = None
        if c.expires_on < today:
            kind = "naive_ended"
        elif c.expires_on <= today + timedelta(days=window):
            kind = "naive_expiring"
        for k in ("naive_ended", "naive_expiring"):
            if k != kind:
                Alert.objects.filter(kind=k, target_type="carriers.carrier", target_id=c.pk,
                                     status__in=["open", "acknowledged"]).update(status="resolved", resolved_at=now)
        if kind:
            _, was_created = Alert.objects.get_or_create(
                kind=kind, target_type="carriers.carrier", target_id=c.pk, status="open",
                defaults=dict(target_label=c.registry_number, unit_id=c.unit_id, level=c.level, due_on=c.expires_on,
                              responsible_id=c.holder_id, opened_at=now, last_seen_at=now),
            )
            created += was_created
    return created


def bench_checks() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from alerts import services
    from alerts.models import Alert
    from carriers.models import Carrier

    start = time.perf_counter()
    build(N)
    print(f"[checks] {N} carriers loaded in {time.perf_counter() - start:.1f} s")
    today = timezone.localdate()
    window = settings.REGISTRY.get("SECRECY_EXPIRY_WINDOW_DAYS", 90)

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        first = services.run_checks()
        t_run = time.perf_counter() - start
    created = sum(r.get("created", 0) for r in first.values())
    overdue = Carrier.objects.filter(expires_on__lte=today.replace(year=today.year + 1)).count()
    print(f"[checks] first full run: {t_run:.2f} s, {len(ctx.captured_queries)} queries, {created} alerts created "
          f"({overdue} carriers due = {100 * overdue / N:.2f}%); per kind: "
          + ", ".join(f"{k}={v.get('created', v)}" for k, v in first.items()))

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        second = services.run_checks()
        t_second = time.perf_counter() - start
    created2 = sum(r.get("created", 0) for r in second.values())
    resolved2 = sum(r.get("resolved", 0) for r in second.values())
    print(f"[checks] second full run: {t_second:.2f} s, {len(ctx.captured_queries)} queries, "
          f"{created2} created, {resolved2} resolved")
    assert created2 == 0 and resolved2 == 0

    ids = list(Carrier.objects.order_by("pk").values_list("pk", flat=True)[:NAIVE_SAMPLE])
    start = time.perf_counter()
    naive_created = naive_loop(ids, today, window)
    t_sample = time.perf_counter() - start
    t_naive = t_sample * N / len(ids)
    Alert.objects.filter(kind__startswith="naive_").delete()
    print(f"[checks] naive per-carrier loop: {t_sample:.2f} s for {len(ids)} carriers ({naive_created} alerts), "
          f"extrapolated to {N}: {t_naive:.0f} s (measured on a sample of {len(ids)}, extrapolated linearly)")
    print(f"[checks] ratio naive/set-based = {t_naive / t_run:.0f}x; target: run < 60 s, ratio >= 20x")


def main() -> None:
    # run standalone: a scratch database like bench/run.py
    from bench.run import scratch_django_database

    with scratch_django_database():
        bench_checks()

if __name__ == "__main__":
    main()
