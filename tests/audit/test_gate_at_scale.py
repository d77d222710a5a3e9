"""The gate's carrier checks at a large registry (issue 18, item 8): a row that names a carrier
(an audit event, its signature, a loan) is checked by a probe of that one carrier, or against the
set of every carrier the reader may open read once, never against that set read again for every
row asked about. A set the database cannot hash (a million ids: beyond work_mem) it rescans per
row: the audit trail's first page took 61 s at 1,000,000 carriers (bench/pages.py).

Here the registry holds a few thousand carriers and work_mem is at its minimum (64 kB). The measure
is the rows the executed plan reads from the carrier table (rows x loops of the carrier scans and
of anything that materialises them): at most one pass over the carriers plus a few per row shown.
A plan that reads the visible set again per event fails (a first version of the probe did: the
planner turned it into an anti-join rebuilt for each event, 36,072 rows for 12 events). No timing:
bench/pages.py measures the pages at 1,000,000 carriers."""

import json

import pytest
from django.db import connection

from audit.models import AuditEvent, Signature
from common import access
from common.levels import Level
from tests.factories import register

pytestmark = pytest.mark.django_db
BULK = 3000  # carriers the secrecy office may open, added in one INSERT


def _bulk_carriers(template, n):
    from carriers.models import Carrier

    columns = [f.column for f in Carrier._meta.concrete_fields if f.column != "id"]
    made = {"registry_number": "'Z-2026-' || lpad(g::text, 7, '0')", "title": "'Bulk ' || g"}
    values = ", ".join(made.get(col, f"c.{connection.ops.quote_name(col)}") for col in columns)
    names = ", ".join(connection.ops.quote_name(col) for col in columns)
    with connection.cursor() as cur:
        # the bound-columns trigger wants an event naming each changed carrier: these are inserts
        cur.execute(f"INSERT INTO carriers_carrier ({names}) SELECT {values} "  # noqa: S608
                    "FROM carriers_carrier c, generate_series(1, %s) g WHERE c.id = %s", [n, template.pk])
        cur.execute("ANALYZE carriers_carrier")
        cur.execute("SET LOCAL work_mem = '64kB'")


def _carrier_rows_read(queryset) -> int:
    """Rows read from carriers_carrier by the plan of this query, executed (EXPLAIN ANALYZE)."""
    plan = json.loads(queryset.explain(format="json", analyze=True))[0]["Plan"]

    def names_carrier(node):
        return node.get("Relation Name") == "carriers_carrier" or any(names_carrier(c) for c in node.get("Plans", []))

    def walk(node, counted_above):
        total = 0
        read = node.get("Actual Rows", 0) * node.get("Actual Loops", 0)
        scan = node.get("Relation Name") == "carriers_carrier"
        materialised = node.get("Node Type") == "Materialize" and names_carrier(node)
        if (scan or materialised) and not counted_above:
            total += read
        for child in node.get("Plans", []):
            total += walk(child, counted_above or materialised)
        return total

    return walk(plan, False)


def _one_pass() -> int:
    from carriers.models import Carrier

    return Carrier.objects.count()


@pytest.fixture
def large(org, db_vendor):
    if db_vendor != "postgresql":
        pytest.skip("the planner's work_mem is PostgreSQL's")
    carriers = [register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"memo {n}")
                for n in range(6)]
    _bulk_carriers(carriers[0], BULK)
    return carriers


def test_the_audit_trail_probes_each_named_carrier_instead_of_rescanning_every_visible_one(org, large):
    for reader in (org.secretary, org.auditor):
        page = access.restrict(AuditEvent.objects.order_by("-seq"), reader)[:50]
        shown = len(list(page))
        assert shown >= 12  # the registrations, their signatures and holders: each names a carrier
        read = _carrier_rows_read(page)
        assert read <= _one_pass() + 20 * shown, (reader.username, read, shown)


def test_signatures_probe_their_carriers_too(org, large):
    page = access.restrict(Signature.objects.order_by("-pk"), org.auditor)[:50]
    shown = len(list(page))
    assert shown >= 6
    assert _carrier_rows_read(page) <= _one_pass() + 20 * shown


def test_the_probe_still_hides_what_the_reader_may_not_open(org, large):
    """The same answers as before the change, at this scale: a Top Secret carrier's events are not
    shown to the Secret-cleared clerk of the secrecy office (who reads the trail); the secretary's
    clearance shows them."""
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="top")
    about_top = AuditEvent.objects.filter(target_type="carriers.carrier", target_id=str(top.pk))
    assert about_top.exists()
    assert access.person_of(org.clerk).clearance < Level.TOP_SECRET
    assert access.restrict(AuditEvent.objects.all(), org.clerk).exists()
    assert not access.restrict(about_top, org.clerk).exists()
    assert access.restrict(about_top, org.secretary).count() == about_top.count()
