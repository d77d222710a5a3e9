"""The leak oracle (issue 13, item 4): nothing names a carrier to anyone who cannot open it.

On the demo organisation, with custody changes of Top Secret carriers staged on top (a handover
accepted and one waiting, a loan, a meeting distribution, a dispatch to another unit, a departure
waiting for its recall, a departed person, alerts), each reader of tests/leak_oracle.py READERS
reads every GET operation of the OpenAPI schema and every page reachable from "/" (CSV and PDF
registers included). A carrier is openable by a reader iff GET /api/v1/carriers/{id}/ answers 200
for them; any response carrying the registry number or the title of a carrier its reader cannot
open is a leak, reported with the reader, the URL, the carrier (id, level, number) and the string.

The data is made once for the module, in one transaction rolled back at the end. Then focused
regression tests for the paths issue 13 names."""

import os
import re
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from common.levels import Level
from tests.leak_oracle import (
    API_ALLOW_LIST,
    PASSWORD,
    READERS,
    REFERENCE_READERS,
    CarrierFacts,
    Matcher,
    Reader,
    build_world,
    carrier_facts,
    get_operations,
    openapi_schema,
)

pytestmark = [pytest.mark.xdist_group("leak")]

# a runaway query fails its request instead of the suite's time; generous, because the full suite
# runs this crawl beside browsers and PDF renderers at a load of 10-20 on two cores (a 503 here says
# what the database answered: common/outage.py logs it, the Reader reports it)
STATEMENT_TIMEOUT_MS = 60_000


def _fresh_statistics() -> None:
    """VACUUM ANALYZE the worker's database as the owner of its tables, before the world is staged.

    Every earlier test of this worker rolled back, so its tables hold only dead pages, and an
    (auto)ANALYZE of them records zero rows on many pages: the planner then reckons the staged
    world (uncommitted, so no ANALYZE can count it) at one row a table, and chooses nested loops
    that run the gate's subqueries once per row. The signatures register took over two minutes so
    in CI (0.4 s with this). Vacuumed to no pages, a table is sized by its pages and row width,
    as a running registry's statistics would size it. (The application role cannot ANALYZE: only
    the tables' owner may.)"""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    from tests import db_roles

    name = connection.settings_dict["NAME"]
    owner = db_roles.owner_database_url() or os.environ["DATABASE_URL"]
    with psycopg.connect(urlunparse(urlparse(owner)._replace(path=f"/{name}")), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo plus the staged Top Secret custody changes, made once, rolled back at the end."""
    made = None
    with django_db_blocker.unblock():
        _fresh_statistics()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with connection.cursor() as cursor:  # a runaway query fails its request instead of the suite's time
                cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            made = build_world()
            yield made
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    export = made.staged.get("export") if made else None
    if export is not None and export.result_path:  # the background export's file outlives the rollback
        from registers.services import export_dir

        (export_dir() / export.result_path).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def crawl(world, django_db_blocker):
    """crawl(username) -> that reader's Report, read once (the reference readers first, so that
    every other reader also asks for what they found)."""
    with django_db_blocker.unblock():
        matcher = Matcher(carrier_facts())
    schema = openapi_schema()
    reports = {}

    def run(username):
        if username not in reports:
            reference = [] if username in REFERENCE_READERS else [run(r) for r in REFERENCE_READERS]
            reports[username] = Reader(world, username, matcher, schema).run(reference)
        return reports[username]

    started = time.monotonic()
    yield run
    print(f"\nleak oracle: {len(reports)} readers in {time.monotonic() - started:.0f} s; staging "
          + ", ".join(f"{k} {v:.1f} s" for k, v in world.timings.items()))
    for report in reports.values():
        print("  " + report.summary())


def described(report) -> str:
    lines = [f"{len(report.leaks)} leak(s) for {report.reader} ({READERS[report.reader]}):"]
    seen = set()
    for leak in report.leaks:
        key = (leak.url, leak.carrier.id, leak.kind)
        if key not in seen:
            seen.add(key)
            lines.append("  " + leak.line())
    carriers = {leak.carrier.id for leak in report.leaks}
    lines.append(f"  ({len(carriers)} carriers, {len({leak.url for leak in report.leaks})} URLs; {report.summary()})")
    return "\n".join(lines)


# --- the oracle over everything -------------------------------------------------------------------------


@pytest.mark.parametrize("reader", list(READERS))
def test_nothing_names_a_carrier_its_reader_cannot_open(reader, crawl, db):
    report = crawl(reader)
    if report.slow:  # read again after the statement timeout (tests/leak_oracle.py): said, not failed
        print(f"{reader}: slow once, read again: {report.slow}")
    assert not report.server_errors, f"{reader}: answers 5xx: {report.server_errors}"
    assert not report.leaks, described(report)


def test_the_crawl_reads_every_get_operation_and_the_staged_rows(crawl, world, db):
    """Not vacuous: the Top Secret secrecy office reads every GET operation of the schema (or its
    allow-listed reason), many pages, and meets every staged probe carrier by number and title."""
    report = crawl("secretary")
    requested = set()
    for url in report.requested:
        requested.add(url.split("?")[0])
    for path in get_operations(openapi_schema()):
        if path in API_ALLOW_LIST:
            continue
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
        assert any(re.match(pattern, url) for url in requested), f"never read: {path}"
    assert len(report.pages) > 60, report.summary()
    for name, carrier in world.probes.items():
        assert {carrier.registry_number, carrier.title} <= report.met, f"the {name} probe never met"


def test_the_oracle_tells_a_leak_from_what_the_reader_may_see(world, db):
    """A text naming a Top Secret probe is a leak for the reader without clearance, by number and
    by title, and none for the Top Secret secrecy office; the reader's own words echoed are not."""
    matcher = Matcher(carrier_facts())
    probe = world.probes["handover_done"]
    text = f"row: {probe.registry_number} 《{probe.title}》"
    none = Reader(world, "staff_none", matcher, {})
    none.inspect("/somewhere/", 200, text)
    assert [(leak.kind, leak.carrier.id) for leak in none.report.leaks] == [
        ("registry number", probe.pk), ("title", probe.pk)]
    assert "LEAKPROBE-A" in described(none.report)
    none.inspect(f"/audit/?carrier={probe.registry_number}", 200, f"<input value={probe.registry_number}>")
    assert len(none.report.leaks) == 2
    office = Reader(world, "secretary", matcher, {})
    office.inspect("/somewhere/", 200, text)
    assert office.report.leaks == []


def test_matcher_sees_numbers_with_boundaries_and_titles():
    a = CarrierFacts(1, Level.TOP_SECRET, "DEMO-2026-000012", "绝密甲方案全文")
    b = CarrierFacts(2, Level.SECRET, "DEMO-2026-0000123", "绝密甲方案全文（修订）")
    matcher = Matcher([a, b])

    def found(text):
        return sorted((kind, s) for kind, s, _c, _at in matcher.find(text))

    assert found("x DEMO-2026-0000123 y") == [("registry number", "DEMO-2026-0000123")]
    assert found("XDEMO-2026-000012") == []
    assert found("DEMO-2026-000012, DEMO-2026-0000124") == [("registry number", "DEMO-2026-000012")]
    assert found("《绝密甲方案全文（修订）》") == [("title", "绝密甲方案全文（修订）")]
    assert found("绝密甲方案全文。") == [("title", "绝密甲方案全文")]


# --- focused regressions (issue 13, "What is wrong today") -------------------------------------------------


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def top_secret_strings(world) -> dict[str, str]:
    strings = {}
    for carrier in world.probes.values():
        strings[carrier.registry_number] = f"#{carrier.pk} {carrier.registry_number}"
        strings[carrier.title] = f"#{carrier.pk} {carrier.registry_number} (title)"
    return strings


def named(world, text: str) -> list[str]:
    return sorted(label for s, label in top_secret_strings(world).items() if s in text)


@pytest.mark.parametrize("username", ["clerk", "auditor"])
def test_secret_office_and_auditor_see_no_top_secret_handover(username, world, db):
    """GET /api/v1/handovers/, /api/v1/handovers/{id}/ and the handover.started audit events name
    no Top Secret carrier to a Secret-cleared secrecy-office clerk or auditor; the handover of a
    carrier they cannot open answers 404 like a missing one."""
    client = client_for(world.users[username])
    for name in ("handover_done", "handover_open"):
        assert client.get(f"/api/v1/carriers/{world.probes[name].pk}/").status_code == 404
    listing = client.get("/api/v1/handovers/?page_size=500")
    assert listing.status_code == 200
    assert named(world, listing.content.decode()) == [], "GET /api/v1/handovers/"
    missing = client.get("/api/v1/handovers/999999999/")
    for name in ("handover_done", "handover_open"):
        detail = client.get(f"/api/v1/handovers/{world.staged[name].pk}/")
        assert (detail.status_code, detail.content) == (404, missing.content), f"GET /api/v1/handovers/{{{name}}}/"
    events = client.get("/api/v1/audit/events/?action=handover.started&page_size=1000")
    assert events.status_code == 200
    assert named(world, events.content.decode()) == [], "GET /api/v1/audit/events/?action=handover.started"
    assert "LEAKPROBE 交接备注" not in events.content.decode()


def test_secret_reader_sees_no_top_secret_carrier_in_a_recall_list(world, db):
    """The secrecy file (API) and the person's page list the carriers a person holds: a
    Secret-cleared reader of the same unit's secrecy office sees none of the Top Secret ones."""
    recalled = world.staged["recall_departure"].person
    probe = world.probes["recall"]
    client = client_for(world.users["clerk"])
    assert client.get(f"/api/v1/carriers/{probe.pk}/").status_code == 404
    for url in (f"/api/v1/people/{recalled.user_id}/secrecy-file/", f"/personnel/{recalled.user_id}/",
                f"/api/v1/departures/{world.staged['recall_departure'].pk}/",
                f"/personnel/departures/{world.staged['recall_departure'].pk}/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        text = response.content.decode()
        assert probe.registry_number not in text and probe.title not in text, f"GET {url} names {probe.registry_number}"


def test_departed_person_cannot_log_in_nor_get_a_token(world, db):
    client = Client(raise_request_exception=False)
    page = client.post("/login/", {"username": "leaver", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in client.session, "the login page let a departed person in"
    assert client.get("/").status_code in (302, 401, 403)
    token = client.post("/api/v1/auth/token/", {"username": "leaver", "password": PASSWORD},
                        content_type="application/json")
    assert token.status_code in (400, 401, 403) and "token" not in token.json(), token.content


def test_token_and_session_from_before_the_departure_no_longer_work(world, db):
    api = Client(raise_request_exception=False)
    for url in ("/api/v1/people/", "/api/v1/containers/", "/api/v1/carriers/"):
        response = api.get(url, HTTP_AUTHORIZATION=f"Token {world.tokens['leaver']}")
        assert response.status_code == 401, f"old token: GET {url} answers {response.status_code}"
    browser = Client(raise_request_exception=False)
    browser.cookies[settings.SESSION_COOKIE_NAME] = world.leaver_session
    assert browser.get("/api/v1/people/").status_code in (401, 403), "old session: GET /api/v1/people/"
    home = browser.get("/")
    assert home.status_code == 302 and "/login/" in home["Location"], "old session: GET /"
