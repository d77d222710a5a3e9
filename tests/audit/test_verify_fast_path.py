"""Verification's quick path (issue 16, item 2): the canonical bytes are first made by orjson and
taken only if they hash to the stored hash; any other event is judged on the bytes canonical_json()
makes. Events whose details orjson writes otherwise (floats such as 1e-07, integers beyond 64 bits,
non-ASCII and control characters) still verify, and a tampered one is still named, with its reason."""

import hashlib
import hmac
import json
import random

import orjson
import pytest
from django.db import connection, transaction

from audit.chain import canonical_json, fast_canonical_bytes, flush_links, iter_rows, keyed_hasher
from audit.models import ChainLink
from audit.selectors import _check_rows, verify_chain
from audit.services import record

pytestmark = pytest.mark.django_db

# values orjson writes otherwise than json.dumps, or cannot write at all, and some it writes alike
AWKWARD = {
    "small": 1e-07,  # json.dumps: 1e-07, orjson: 1e-7
    "tiny": 1.2345e-05,
    "huge": 1.5e300,
    "plain": 0.1,
    "big_float": 1e16,  # jsonb gives it back as an integer (audit.chain.normalise)
    "big_int": 2**70,  # orjson parses it as a float
    "negative_big_int": -(2**64) - 1,
    "u64": 2**64 - 1,
    "text": "基准 ü — \u2028\u2029 😀",
    "controls": "a\x02b\x01\x1f\x7f\n\t\r\b\f\"\\/",
    "exponent_like": "1e+5 e+",
    "nested": {"ß": [1, 2.5, None, True, {"é": "x", "e": "y"}], "": {}},
}


@pytest.fixture
def tamper():
    """SQL against the audit table with its append-only triggers off (as in test_chain.py): only the
    owner of the table can, inside this test's transaction (rolled back afterwards)."""

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_change")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_truncate")

    assert connection.vendor == "postgresql"
    return run


def append(details: dict, action: str = "test.fast_path"):
    with transaction.atomic():
        return record(actor=None, action=action, details=details)


def row_of(event) -> tuple:
    """The event's row as verification reads it (details as the column's JSON text)."""
    flush_links()
    pos = ChainLink.objects.get(event_id=event.seq).pos
    return next(iter_rows(first_seq=pos, last_seq=pos, details_as_text=True))


def test_awkward_details_verify():
    events = [append(AWKWARD), *(append({key: value}) for key, value in AWKWARD.items())]
    assert verify_chain().ok
    assert verify_chain(chunk_size=2).ok
    # the quick path really was left for some of them: its bytes differ (or it makes none)
    slow = 0
    for event in events:
        row = row_of(event)
        canonical = canonical_json({**_body(row), "details": json.loads(row[8])}).encode()
        fast = fast_canonical_bytes(row, details_as_text=True)
        assert fast is None or fast == canonical or hashlib.sha256(fast).hexdigest() != event.hash
        slow += fast != canonical
    assert slow >= 3


def _body(row) -> dict:
    keys = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_label")
    return dict(zip(keys, row[:8], strict=True))


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
@pytest.mark.parametrize("change", [
    {"small": 1.0000001e-07},
    {"big_int": 2**70 + 1},  # the same float to orjson: only the usual path tells them apart
    {"negative_big_int": -(2**64) - 2},
    {"text": "基准 ü — \u2028\u2029 😁"},
    {"controls": "a\x02b\x01\x1f\x7f\n\t\r\b\f\"\\/ "},
    {"nested": {"ß": [1, 2.5, None, True, {"é": "x", "e": "z"}], "": {}}},
])
def test_tampered_awkward_details_are_named(tamper, change):
    events = [append({"i": 0}), append(AWKWARD), append({"i": 2})]
    victim = events[1]
    forged = json.loads(canonical_json({**AWKWARD, **change}))
    tamper("UPDATE audit_auditevent SET details = %s::jsonb WHERE seq = %s", [json.dumps(forged), victim.seq])
    for chunk_size in (20000, 1):
        report = verify_chain(chunk_size=chunk_size)
        assert not report.ok
        assert report.broken_seq == victim.seq
        assert report.reason == "event content does not match its hash"


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_tampered_event_with_a_recomputed_hash_is_named_by_its_keyed_hash(tamper):
    from audit.chain import event_hash, normalise
    from audit.models import AuditEvent

    events = [append(AWKWARD), append({"i": 1})]
    victim = AuditEvent.objects.get(seq=events[0].seq)
    victim.details = normalise({**AWKWARD, "small": 2e-07})  # as the column gives it back
    tamper("UPDATE audit_auditevent SET details = %s::jsonb, hash = %s WHERE seq = %s",
           [json.dumps(victim.details), event_hash(victim), victim.seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq and "keyed hash" in report.reason


def test_a_big_integer_orjson_reads_as_the_float_the_hash_was_made_over_is_refused():
    """The case the 'e+' rule guards: the hash made over a float, the details holding an integer
    beyond 64 bits that orjson reads as that same float. json.loads reads the integer: the old check
    refused the event and so does this one."""
    key = b"k" * 32
    body = {"seq": 7, "at": "2026-01-01T00:00:00.000000+00:00", "actor_id": None, "actor_name": "system",
            "action": "x", "target_type": "", "target_id": "", "target_label": "", "details": {"n": 2.0**64}}
    canonical = canonical_json(body).encode()
    assert b"1.8446744073709552e+19" in canonical
    assert orjson.dumps(orjson.loads("18446744073709551616")) == b"1.8446744073709552e+19"
    digest = hashlib.sha256(canonical).hexdigest()
    row = (7, body["at"], None, "system", "x", "", "", "", '{"n": 18446744073709551616}', "", digest,
           hmac.new(key, canonical, hashlib.sha256).hexdigest(), 1, "0" * 64,
           hashlib.sha256(("0" * 64 + digest).encode()).hexdigest())
    assert fast_canonical_bytes(row, details_as_text=True) is None
    out = _check_rows([row], keyed_from=1, key=key, details_as_text=True)
    assert not out["ok"] and out["broken_seq"] == 7 and out["reason"] == "event content does not match its hash"
    # the same row with the float's own text verifies (on the quick path)
    good = (*row[:8], '{"n": 1.8446744073709552e+19}', *row[9:])
    assert fast_canonical_bytes(good, details_as_text=True) is None  # 'e+': the usual path
    assert _check_rows([good], keyed_from=1, key=key, details_as_text=True)["ok"]


@pytest.mark.parametrize("key", [b"", b"k" * 32, b"k" * 64, b"\xff" * 65, bytes(range(256))])
def test_keyed_hasher_is_hmac_sha256(key):
    mac = keyed_hasher(key)
    for data in (b"", b"x", "基准".encode() * 100):
        assert mac(data) == hmac.new(key, data, hashlib.sha256).hexdigest()


def test_orjson_reads_numbers_as_json_loads_does_but_beyond_64_bits():
    """What makes a match on the quick path the old check's match: orjson parses every number the
    database writes as json.loads does (the same double, the same integer), integers beyond 64 bits
    aside (floats of 2**63 and more, written with 'e+': those events take the usual path)."""
    rng = random.Random(20261206)
    values = [0.1, 1e-07, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740993, 2**63 - 1,
              -(2**63), 2**64 - 1, 2**64, -(2**63) - 1, 10**30, 123456789.125, 1e15, 1e16, 1e22]
    values += [rng.uniform(-1e6, 1e6) for _ in range(300)]
    values += [rng.random() * 10 ** rng.randint(-300, 300) * rng.choice((1, -1)) for _ in range(700)]
    values += [rng.getrandbits(rng.randint(1, 90)) * rng.choice((1, -1)) for _ in range(300)]
    with connection.cursor() as cursor:  # as the jsonb column writes them (plain notation)
        cursor.execute("SELECT (%s::jsonb)::text", [json.dumps(values)])
        text = cursor.fetchone()[0]
    parsed, ours = orjson.loads(text), json.loads(text)
    for a, b in zip(parsed, ours, strict=True):
        if isinstance(b, int) and not -(2**63) <= b < 2**64:
            assert isinstance(a, float) and abs(a) >= 2**63 and b"e+" in orjson.dumps(a)
        else:
            assert type(a) is type(b) and (a == b) and repr(a) == repr(b)


def test_a_check_that_stops_early_leaves_the_connection_usable():
    """The rows are fetched ahead by a thread on this connection: a check that stops at a break
    (here: after the first row, chunks of one row) waits for it, and the next query runs."""
    for i in range(5):
        append({"i": i})
    flush_links()
    rows = iter_rows(chunk_size=1, details_as_text=True)
    first = next(rows)
    rows.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_chainlink")
        assert cursor.fetchone()[0] >= 5
    assert first[12] == ChainLink.objects.order_by("pos").values_list("pos", flat=True).first()
    assert verify_chain(chunk_size=1).ok
