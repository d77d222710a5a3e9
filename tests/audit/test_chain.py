"""The hash chain: every event hashed on its own, linked at commit to the one committed before it
(audit_chainlink, decision 0022); verify_chain() and `manage.py verify_audit` recompute every event
and link and name the first broken sequence number."""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.chain import flush_links
from audit.models import GENESIS_HASH, AuditEvent, ChainLink
from audit.selectors import verify_chain
from audit.services import record

pytestmark = pytest.mark.django_db


def independent_hash(row: dict) -> str:
    """SHA-256(prev_hash || canonical JSON of the event), computed here without audit.chain
    (prev_hash is empty on events written since the links: SHA-256 of the canonical event)."""
    body = {
        "seq": row["seq"],
        "at": row["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": row["actor_id"],
        "actor_name": row["actor_name"],
        "action": row["action"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "target_label": row["target_label"],
        "details": row["details"],
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((row["prev_hash"] + canonical).encode("utf-8")).hexdigest()


def append(n: int, *, actor=None, action="test.event", **details) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(record(actor=actor, action=action, details={"i": i, **details}))
    return events


def head() -> tuple[int, str]:
    """(position, hash) of the chain's last link (this test's events linked first: they would be
    at commit)."""
    flush_links()
    last = ChainLink.objects.order_by("-pos").values_list("pos", "hash").first()
    return last if last else (0, GENESIS_HASH)


def link_of(event) -> ChainLink:
    flush_links()
    return ChainLink.objects.get(event_id=event.seq)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def tamper():
    """Run SQL against the audit table with its append-only triggers switched off. Only the
    table owner can do this, and only inside this test's transaction (rolled back afterwards)."""

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_change")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_no_truncate")

    assert connection.vendor == "postgresql"
    return run


def run_verify_audit() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# --- linking ---------------------------------------------------------------------------------


def test_record_links_events_in_sequence(org):
    start_pos, start_hash = head()
    events = append(5, actor=org.secretary, note="链")
    seqs = [e.seq for e in events]
    assert seqs == sorted(set(seqs))
    rows = list(
        AuditEvent.objects.filter(seq__in=seqs).order_by("seq").values(
            "seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id",
            "target_label", "details", "prev_hash", "hash",
        )
    )
    assert len(rows) == 5
    flush_links()  # the links are made at commit; this test's transaction never commits
    links = list(ChainLink.objects.filter(pos__gt=start_pos).order_by("pos"))
    assert [link.pos for link in links] == list(range(start_pos + 1, start_pos + 6))
    assert [link.event_id for link in links] == seqs
    prev = start_hash
    for row, link in zip(rows, links, strict=True):
        assert row["prev_hash"] == ""  # the event is hashed alone; its link chains it
        assert len(row["hash"]) == 64
        assert row["hash"] == independent_hash(row)
        assert link.prev_hash == prev
        assert link.hash == sha256(prev + row["hash"])
        prev = link.hash
    assert rows[0]["actor_id"] == org.secretary.pk
    assert rows[0]["actor_name"] == "secretary-name (secretary)"
    assert rows[-1]["details"] == {"i": 4, "note": "链"}


def test_first_event_links_to_genesis():
    with transaction.atomic():
        event = record(actor=None, action="test.first")
    assert event.actor_name == "system"
    first = ChainLink.objects.get(pos=1) if head()[0] else None
    assert first is not None and first.event_id == event.seq  # the trail was empty (no migration writes events)
    stored = AuditEvent.objects.values().get(seq=first.event_id)
    assert stored["action"] == "test.first"
    assert first.prev_hash == GENESIS_HASH == "0" * 64
    assert stored["hash"] == independent_hash(stored)
    assert first.hash == sha256(GENESIS_HASH + stored["hash"])


def test_record_target_is_described(org):
    with transaction.atomic():
        event = record(actor=org.clerk, action="test.target", target=org.safe)
    event.refresh_from_db()
    assert event.target_type == "carriers.container"
    assert event.target_id == str(org.safe.pk)
    assert event.target_label == str(org.safe)


def test_details_round_trip_through_the_database(org):
    """What the service hashed is what the database gives back: dates, decimals, Chinese text,
    nested data and numbers all survive the JSON column unchanged."""
    details = {
        "date": date(2026, 3, 1),
        "when": datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "decimal": Decimal("12.50"),
        "text": "绝密★30年 \"quoted\" \\ back",
        "nested": {"b": [1, 2, {"z": None, "a": True}], "a": ()},
        "ints": [0, -1, 2**40],
        "floats": [0.1, 0.30000000000000004, 1.0, 2.5e-7, 1e20, -0.0, 123456789.125],
        "empty": {},
        "by_id": {3: "three", 10: "ten"},
    }
    with transaction.atomic():
        event = record(actor=org.secretary, action="test.types", details=details)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.details["date"] == "2026-03-01"
    assert stored.details["decimal"] == "12.50"
    assert stored.details["by_id"] == {"3": "three", "10": "ten"}
    assert stored.hash == event.hash
    report = verify_chain()
    assert report.ok, report
    assert report.head == link_of(event).hash


def test_long_names_are_recorded(org):
    """actor_name holds the full name and the username; the longest of both still fits."""
    from personnel.models import Person

    user = org.staff_core
    user.username = "u" * 150
    user.save()
    Person.objects.filter(user=user).update(full_name="名" * 100)
    user.refresh_from_db()
    with transaction.atomic():
        event = record(actor=user, action="test.long_name")
    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.actor_name == event.actor_name
    assert stored.actor_name.startswith("名" * 10)
    assert verify_chain().ok


def test_record_outside_a_transaction_raises(org):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        # pytest-django wraps the test in a transaction; step out of it the way autocommit code would be.
        with _autocommit():
            record(actor=org.secretary, action="test.outside")
    assert AuditEvent.objects.count() == before


class _autocommit:
    """Pretend to be code running outside any atomic block (as a plain autocommit caller is)."""

    def __enter__(self):
        self.saved = connection.in_atomic_block
        connection.in_atomic_block = False

    def __exit__(self, *exc):
        connection.in_atomic_block = self.saved
        return False


# --- verification ----------------------------------------------------------------------------


def test_verify_chain_ok_on_good_chain(org):
    events = append(4, actor=org.secretary)
    report = verify_chain()
    assert report.ok
    assert report.broken_seq is None
    assert report.count == AuditEvent.objects.count()
    assert report.head == link_of(events[-1]).hash


def test_verify_chain_small_chunks(org):
    events = append(7)
    report = verify_chain(chunk_size=2)
    assert report.ok and report.count == AuditEvent.objects.count() and report.head == link_of(events[-1]).hash


def test_verify_chain_ok_on_empty_trail():
    assert not AuditEvent.objects.exists()
    report = verify_chain()
    assert report.ok and report.count == 0 and report.head == GENESIS_HASH


def test_verify_audit_command_ok(org):
    events = append(3)
    code, out, err = run_verify_audit()
    count = AuditEvent.objects.count()
    assert code == 0, err
    assert out.strip() == f"OK {count} events, head {link_of(events[-1]).hash}"
    assert err == ""


# --- tampering ---------------------------------------------------------------------------------


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_changed_details_are_found(org, tamper):
    events = append(5, actor=org.secretary)
    victim = events[2]
    tamper(
        "UPDATE audit_auditevent SET details = %s::jsonb WHERE seq = %s",
        [json.dumps({"i": 99}), victim.seq],
    )
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == victim.seq
    assert report.count == link_of(victim).pos - 1
    assert report.head == link_of(events[1]).hash
    assert "hash" in report.reason
    code, out, err = run_verify_audit()
    assert code == 1
    assert f"BROKEN at sequence {victim.seq}" in err
    assert out == ""


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_changed_actor_name_is_found(org, tamper):
    events = append(4, actor=org.secretary)
    victim = events[1]
    tamper("UPDATE audit_auditevent SET actor_name = 'someone else' WHERE seq = %s", [victim.seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq
    code, _out, err = run_verify_audit()
    assert code == 1 and f"BROKEN at sequence {victim.seq}:" in err


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_rehashed_event_breaks_the_next_link(org, tamper):
    """A forger who recomputes the altered event's own hash is found at that event by its keyed hash
    (the key is not in the database); one who also holds the key still breaks the link after it."""
    from audit.chain import event_hash, event_mac

    events = append(4, actor=org.secretary)
    victim = AuditEvent.objects.get(seq=events[1].seq)
    victim.details = {"i": 1000}
    new_hash = event_hash(victim)
    tamper(
        "UPDATE audit_auditevent SET details = %s::jsonb, hash = %s WHERE seq = %s",
        [json.dumps({"i": 1000}), new_hash, victim.seq],
    )
    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq
    assert "keyed hash" in report.reason
    tamper("UPDATE audit_auditevent SET mac = %s WHERE seq = %s", [event_mac(victim), victim.seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq
    assert "link" in report.reason
    # the owner recomputes the victim's link too: the next link no longer points at it
    link = link_of(victim)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_chainlink DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_chainlink SET hash = %s WHERE pos = %s",
                       [sha256(link.prev_hash + new_hash), link.pos])
        cursor.execute("ALTER TABLE audit_chainlink ENABLE ALWAYS TRIGGER audit_chainlink_no_change")
    report = verify_chain()
    assert not report.ok and report.broken_seq == events[2].seq
    assert "previous-hash" in report.reason


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_deleted_middle_event_is_found(org, tamper):
    events = append(5)
    victim = events[2]
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [victim.seq])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == victim.seq
    assert "gap" in report.reason
    code, _out, err = run_verify_audit()
    assert code == 1 and f"BROKEN at sequence {victim.seq}:" in err


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_changed_first_event_is_found(org, tamper):
    events = append(3)
    first = AuditEvent.objects.get(seq=ChainLink.objects.get(pos=1).event_id) if head()[0] else None
    tamper("UPDATE audit_auditevent SET action = 'test.forged' WHERE seq = %s", [first.seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == first.seq and report.count == 0
    assert events  # the rest of the chain is untouched


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_changed_last_event_is_found(org, tamper):
    events = append(3)
    last = events[-1]
    tamper("UPDATE audit_auditevent SET target_label = 'forged' WHERE seq = %s", [last.seq])
    report = verify_chain()
    assert not report.ok and report.broken_seq == last.seq


@pytest.mark.as_owner  # the triggers stop even the owner (the app role holds no UPDATE at all)
def test_tampering_is_impossible_with_triggers_on(org):
    """The helper above had to switch the triggers off: with them on, the same UPDATE fails."""
    events = append(2)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'x' WHERE seq = %s", [events[0].seq])
    assert verify_chain().ok


def test_normalised_numbers_match_what_jsonb_returns():
    """normalise() predicts the JSON column's answer for every kind of float."""
    import random

    from audit.chain import canonical_json, normalise

    rng = random.Random(20260301)
    values = [0.0, -0.0, 1.0, -1.5, 0.1, 1e15, 1e16, 1.5e16, 1e20, -2.5e22, 1e300, 5e-324, 1e-4, 9.99e-5,
              1.2345e-05, 123456789.125, 2**53 + 0.0]
    values += [rng.uniform(-1e6, 1e6) for _ in range(50)]
    values += [rng.random() * 10 ** rng.randint(-30, 30) * rng.choice((1, -1)) for _ in range(200)]
    payload = {f"v{i}": v for i, v in enumerate(values)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT (%s::jsonb)::text", [canonical_json(payload)])
        from_db = json.loads(cursor.fetchone()[0])
    assert canonical_json(normalise(payload)) == canonical_json(from_db)


def test_a_chain_head_recorded_with_an_export_must_stay_in_the_chain(org):
    """Issue 16, item 5: an export records the head it printed (chain_head, chain_count); the full
    verification checks that the link at that position still carries it."""
    append(3)
    pos, head_hash = head()
    with transaction.atomic():
        record(actor=org.auditor, action="register.exported", details={"chain_head": head_hash, "chain_count": pos})
    assert verify_chain().ok
    with transaction.atomic():
        wrong = record(actor=org.auditor, action="register.exported",
                       details={"chain_head": "ab" * 32, "chain_count": pos})
    report = verify_chain()
    assert not report.ok and report.broken_seq == wrong.seq and "export" in report.reason
