"""The access gate at scale (issue 13, item 7): the carrier list's first page of 50 and its count,
for a staff member and for the unit's secrecy office, at BENCH_GATE_CARRIERS carriers (default
1,000,000) and as many object grants, against

- the same page with no gate at all (same ordering, same index, same capped count): the goal is a
  p95 within 1.2x of it, in at most 10 queries;
- a like-for-like django-guardian version: get_objects_for_user() for the grants, joined with the
  same clearance and need-to-know the way a guardian user writes it (querysets OR-ed, DISTINCT).

    BENCH_GATE_CARRIERS=200000 .venv/bin/python bench/run.py      (DATABASE_URL on PostgreSQL)
"""

import os
import statistics
import time

N = int(os.environ.get("BENCH_GATE_CARRIERS", "1000000"))
GRANT_USERS = 1000
REPEAT = int(os.environ.get("BENCH_GATE_REPEAT", "20"))


def _p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _measure(fn, repeat=REPEAT):
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), _p95(samples)


def build():
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction

    from carriers import services as carrier_services
    from carriers.models import Container
    from personnel import roles
    from personnel import services as personnel_services

    with transaction.atomic():
        unit = personnel_services.create_unit(actor=None, code="G", name_zh="门禁单位", name_en="Gate unit")
        depts = [
            personnel_services.create_unit(actor=None, code=f"G-{i}", name_zh=f"处{i}", name_en=f"Division {i}", parent=unit)
            for i in range(10)
        ]
        office = personnel_services.create_person(
            actor=None, username="g_office", password="Bench-Pass-2026", full_name="保密办", employee_number="G1", unit=unit,
            department=depts[0], secrecy_post="core", roles=[roles.SECRECY_OFFICE],
        ).user
        staff = personnel_services.create_person(
            actor=None, username="g_staff", password="Bench-Pass-2026", full_name="职员", employee_number="G2", unit=unit,
            department=depts[3], secrecy_post="important", roles=[roles.STAFF],
        ).user
        safe = carrier_services.create_container(
            actor=office, code="GS1", name_zh="保险柜", name_en="Safe", kind=Container.Kind.COMBINATION_SAFE,
            unit=unit, max_level=3,
        )
    view_carrier = Permission.objects.get(codename="view_carrier", content_type__app_label="carriers")
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO carriers_carrier (registry_number, unit_id, kind, medium, is_coded_telegram, title,
                document_number, originator, level, secrecy_years, declassification_condition, period_start,
                expires_on, marking_zh, marking_en, copy_number, copies_total, holder_id, container_id, status,
                registered_by_id, registered_at, updated_at, intermediate_kind, disposition)
            SELECT 'G-2026-' || lpad(g::text, 7, '0'), %(unit)s, 'paper', '', false, 'Gate document ' || g,
                   '', 'Originator', 1 + g %% 3, 10, '', DATE '2026-01-01', DATE '2036-01-01', '秘密★10年',
                   'Confidential★10 years', '', 1, %(office)s, %(safe)s, 'in_custody', %(office)s,
                   now() - make_interval(secs => g), now(), '', ''
            FROM generate_series(1, %(n)s) g
            """,
            {"unit": unit.pk, "office": office.pk, "safe": safe.pk, "n": N},
        )
        # every carrier is scoped to one of the ten departments; the staff member's is one of them
        cur.execute(
            "INSERT INTO carriers_carrier_scope_departments (carrier_id, unit_id) "
            "SELECT c.id, (%(first)s + (c.id %% 10)) FROM carriers_carrier c",
            {"first": depts[0].pk},
        )
        # N object grants: GRANT_USERS users with N / GRANT_USERS grants each; the staff member
        # is one of them
        cur.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) SELECT '!', false, 'grantee' || g, '', '', '', false, true, now() "
            "FROM generate_series(1, %(k)s) g",
            {"k": GRANT_USERS - 1},
        )
        cur.execute(
            """
            INSERT INTO carriers_carrieruserobjectpermission (permission_id, user_id, content_object_id)
            SELECT %(perm)s, u.id, c.id
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM auth_user
                  WHERE username LIKE 'grantee%%' OR id = %(staff)s) u
            JOIN carriers_carrier c ON c.id %% %(k)s = u.k
            """,
            {"perm": view_carrier.pk, "staff": staff.pk, "k": GRANT_USERS},
        )
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM carriers_carrieruserobjectpermission")
        grants = cur.fetchone()[0]
    print(f"[gate] {N} carriers and {grants} object grants loaded in {time.perf_counter() - start:.1f} s")
    return staff, office


def _page(qs):
    """What the API's first page costs: the capped count and 50 rows with what they show."""
    from common.pagination import CappedPaginator

    page = CappedPaginator(qs, 50).page(1)
    rows = list(page.object_list.prefetch_related("scope_departments", "scope_people", "sources"))
    return page.paginator.count, rows


def guardian_queryset(user):
    """Like for like with django-guardian: its get_objects_for_user() for the grants, the rest of
    need-to-know and clearance as querysets OR-ed together (DISTINCT for the scope join)."""
    from guardian.shortcuts import get_objects_for_user

    from carriers.models import Carrier
    from common import access

    person = access.person_of(user)
    granted = get_objects_for_user(user, "carriers.view_carrier", Carrier, with_superuser=False, accept_global_perms=False)
    qs = granted | Carrier.objects.filter(holder=user) | Carrier.objects.filter(scope_people=user)
    qs = qs | Carrier.objects.filter(scope_departments=person.department_id)
    if access.is_unit_wide(user):
        qs = qs | Carrier.objects.filter(unit_id=person.unit_id) | Carrier.objects.filter(scope_units=person.unit_id)
        qs = qs | Carrier.objects.filter(holder__person__unit_id=person.unit_id)
    return qs.filter(level__lte=person.clearance).distinct().order_by("-registered_at", "-id")


def bench_gate_at_scale() -> None:
    import os as _os

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carriers.models import Carrier
    from carriers.selectors import carriers_for_api

    staff, office = build()
    load = _os.getloadavg()
    baseline = Carrier.objects.select_related("unit", "holder__person", "container", "originating_unit").order_by("-registered_at", "-id")
    t_base, p_base = _measure(lambda: _page(baseline))
    print(f"[gate] load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; repeat {REPEAT}")
    print(f"[gate] ungated baseline: first page + capped count: median {t_base * 1000:.1f} ms, p95 {p_base * 1000:.1f} ms")
    for name, user in (("staff", staff), ("secrecy office", office)):
        gated = carriers_for_api(user=user)
        with CaptureQueriesContext(connection) as ctx:
            count, _ = _page(gated)
        t_gate, p_gate = _measure(lambda gated=gated: _page(gated))
        t_guard, p_guard = _measure(lambda user=user: _page(guardian_queryset(user)), repeat=max(3, REPEAT // 4))
        print(
            f"[gate] {name}: count shown {count}; {len(ctx.captured_queries)} queries; gated median "
            f"{t_gate * 1000:.1f} ms, p95 {p_gate * 1000:.1f} ms; p95 gated/ungated = {p_gate / p_base:.2f} (goal <= 1.2); "
            f"guardian median {t_guard * 1000:.1f} ms, p95 {p_guard * 1000:.1f} ms; guardian/gated = {p_guard / p_gate:.1f}x (goal >= 5)"
        )
