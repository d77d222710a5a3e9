"""One state machine for a carrier's life: transition() allows exactly ALLOWED_MOVES and writes
the audit event; the database refuses any other change of status (PostgreSQL trigger)."""

from collections import deque

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from audit.models import AuditEvent
from audit.selectors import verify_chain
from audit.services import record
from carriers import services
from carriers.models import ALLOWED_MOVES, INITIAL_STATUSES, Carrier, Status, StatusMove
from common.errors import Conflict
from tests.factories import register

pytestmark = pytest.mark.django_db

STATUSES = list(Status.values)


def path_to(status: str) -> list[str]:
    """The shortest chain of allowed moves from in_custody (where registration leaves a carrier)."""
    start = Status.IN_CUSTODY.value
    seen, queue = {start: []}, deque([start])
    while queue:
        here = queue.popleft()
        for there in ALLOWED_MOVES[here]:
            if there not in seen:
                seen[there] = [*seen[here], there]
                queue.append(there)
    return seen[status]


def clone_as(carrier: Carrier, status: str) -> Carrier:
    """A new carrier row with `carrier`'s data, inserted straight into the table with `status`."""
    carrier = Carrier.objects.get(pk=carrier.pk)
    carrier.pk = carrier.id = None
    carrier._state.adding = True
    carrier.registry_number = f"{carrier.registry_number}-{status}"
    carrier.status = status
    carrier.status_event = None
    carrier.save(force_insert=True)
    return carrier


@pytest.fixture
def carrier(org):
    return register(org.secretary, container=org.safe)


@pytest.fixture
def carrier_in(org, carrier):
    """A carrier in a given status, reached through transition() (registered: inserted so)."""

    def make(status: str) -> Carrier:
        if status == Status.REGISTERED:
            return clone_as(carrier, Status.REGISTERED)
        fresh = register(org.secretary, container=org.safe)
        for step in path_to(status):
            fresh = services.transition(carrier=fresh, to_status=step, actor=org.secretary, reason="setup")
        assert fresh.status == status
        return fresh

    return make


def last_status_event(carrier) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            action="carrier.status_changed", target_type="carriers.carrier", target_id=str(carrier.pk)
        ).order_by("-seq").first()
    )


def status_error(sql: str, params) -> str:
    with pytest.raises(IntegrityError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


# --- transition() --------------------------------------------------------------------------------


def test_every_status_is_covered():
    assert set(ALLOWED_MOVES) == set(STATUSES)
    for targets in ALLOWED_MOVES.values():
        assert set(targets) <= set(STATUSES)
    assert set(INITIAL_STATUSES) == {Status.REGISTERED, Status.IN_CUSTODY}
    # every status but the initial one is reachable from in_custody
    for status in STATUSES:
        if status != Status.REGISTERED:
            assert path_to(status) is not None


@pytest.mark.parametrize("from_status", STATUSES)
def test_transition_allows_exactly_the_allowed_moves(org, carrier_in, from_status):
    subject = carrier_in(from_status)
    start_event = Carrier.objects.get(pk=subject.pk).status_event_id
    for to_status in STATUSES:
        before = AuditEvent.objects.count()
        if to_status in ALLOWED_MOVES[from_status]:
            savepoint = transaction.savepoint()
            moved = services.transition(carrier=subject, to_status=to_status, actor=org.clerk, reason="check")
            stored = Carrier.objects.get(pk=subject.pk)
            assert moved.status == stored.status == to_status
            event = AuditEvent.objects.get(seq=stored.status_event_id)
            assert AuditEvent.objects.count() == before + 1
            assert event.action == "carrier.status_changed"
            assert event.details["from"] == from_status and event.details["to"] == to_status
            assert event.actor_id == org.clerk.pk
            transaction.savepoint_rollback(savepoint)
        else:
            with pytest.raises(Conflict) as exc:
                services.transition(carrier=subject, to_status=to_status, actor=org.clerk, reason="check")
            assert exc.value.code == "bad_transition"
            assert AuditEvent.objects.count() == before
            stored = Carrier.objects.get(pk=subject.pk)
            assert stored.status == from_status
            assert stored.status_event_id == start_event
    assert verify_chain().ok


def test_refusal_message_names_both_statuses(org, carrier):
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.transition(carrier=carrier, to_status=Status.DESTROYED, actor=org.secretary)
    assert "In custody" in str(exc.value) and "Destroyed" in str(exc.value)


def test_unknown_status_refused(org, carrier, audit_count):
    before = audit_count()
    with pytest.raises(Conflict):
        services.transition(carrier=carrier, to_status="vanished", actor=org.secretary)
    assert audit_count() == before
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY


def test_transition_writes_status_changed_event(org, carrier):
    before = AuditEvent.objects.count()
    moved = services.transition(
        carrier=carrier, to_status=Status.ON_LOAN, actor=org.clerk, reason="borrowed", details={"loan": 7}
    )
    assert AuditEvent.objects.count() == before + 1
    stored = Carrier.objects.get(pk=carrier.pk)
    assert stored.status == moved.status == Status.ON_LOAN
    event = stored.status_event
    assert event == last_status_event(carrier)
    assert event.action == "carrier.status_changed"
    assert event.target_type == "carriers.carrier" and event.target_id == str(carrier.pk)
    assert event.actor_id == org.clerk.pk
    assert event.details == {"from": "in_custody", "to": "on_loan", "reason": "borrowed", "loan": 7}
    assert verify_chain().ok


def test_caller_details_cannot_overwrite_from_and_to(org, carrier):
    """A handover may well describe its own "from"/"to" (people): the event still records the
    status move the database checks."""
    moved = services.transition(
        carrier=carrier, to_status=Status.IN_TRANSIT, actor=org.secretary,
        details={"from": "secretary", "to": "clerk"},
    )
    event = Carrier.objects.get(pk=moved.pk).status_event
    assert moved.status == Status.IN_TRANSIT
    assert event.details["from"] == "in_custody" and event.details["to"] == "in_transit"


def test_transition_uses_the_stored_status_not_a_stale_object(org, carrier):
    stale = Carrier.objects.get(pk=carrier.pk)
    services.transition(carrier=carrier, to_status=Status.PENDING_DESTRUCTION, actor=org.secretary)
    # the stale object still says in_custody; the row says pending_destruction
    moved = services.transition(carrier=stale, to_status=Status.DESTROYED, actor=org.secretary)
    assert moved.status == Status.DESTROYED
    with pytest.raises(Conflict):
        services.transition(carrier=stale, to_status=Status.ARCHIVED, actor=org.secretary)


def test_a_round_trip_and_back(org, carrier):
    for status in (Status.ON_LOAN, Status.IN_CUSTODY, Status.IN_MEETING, Status.IN_CUSTODY, Status.ARCHIVED):
        carrier = services.transition(carrier=carrier, to_status=status, actor=org.secretary)
    events = AuditEvent.objects.filter(action="carrier.status_changed", target_id=str(carrier.pk)).order_by("seq")
    assert [(e.details["from"], e.details["to"]) for e in events] == [
        ("in_custody", "on_loan"), ("on_loan", "in_custody"), ("in_custody", "in_meeting"),
        ("in_meeting", "in_custody"), ("in_custody", "archived"),
    ]
    assert Carrier.objects.get(pk=carrier.pk).status_event_id == events.last().seq


# --- the table in the database --------------------------------------------------------------------


def test_statusmove_table_equals_allowed_moves():
    in_db = list(StatusMove.objects.values_list("from_status", "to_status"))
    assert len(in_db) == len(set(in_db))
    assert set(in_db) == {(src, dst) for src, targets in ALLOWED_MOVES.items() for dst in targets}


# --- the database backstop (PostgreSQL) -------------------------------------------------------------


def test_runs_on_postgresql(db_vendor):
    assert db_vendor == "postgresql"


def test_trigger_is_enable_always():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'carriers_carrier' AND t.tgname = 'carriers_status_guard'"
        )
        assert cursor.fetchone() == ("A",)


def test_raw_update_to_a_forbidden_status_refused(carrier, audit_count):
    before = audit_count()
    message = status_error("UPDATE carriers_carrier SET status = 'destroyed' WHERE id = %s", [carrier.pk])
    assert "not an allowed move" in message
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY
    assert audit_count() == before


def test_forbidden_move_refused_even_with_a_matching_event(org, carrier):
    """Someone records an event for the forbidden move: the move table still refuses it."""
    with pytest.raises(IntegrityError, match="not an allowed move"), transaction.atomic():
        event = record(
            actor=org.secretary, action="carrier.status_changed", target=carrier,
            details={"from": "in_custody", "to": "destroyed"},
        )
        Carrier.objects.filter(pk=carrier.pk).update(status=Status.DESTROYED, status_event=event)
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY


def test_allowed_move_without_event_refused(carrier):
    with pytest.raises(IntegrityError, match="needs its own audit event"), transaction.atomic():
        Carrier.objects.filter(pk=carrier.pk).update(status=Status.ARCHIVED)
    message = status_error(
        "UPDATE carriers_carrier SET status = 'archived', status_event_id = NULL WHERE id = %s", [carrier.pk]
    )
    assert "needs its own audit event" in message
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY


def test_save_of_a_changed_status_refused(carrier):
    """Model.save() with a new status but the old event: the same refusal."""
    stored = Carrier.objects.get(pk=carrier.pk)
    stored.status = Status.ARCHIVED
    with pytest.raises(IntegrityError, match="needs its own audit event"), transaction.atomic():
        stored.save()
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY


def test_reusing_an_old_status_event_refused(org, carrier):
    services.transition(carrier=carrier, to_status=Status.ON_LOAN, actor=org.secretary)
    first = last_status_event(carrier)
    services.transition(carrier=carrier, to_status=Status.IN_CUSTODY, actor=org.secretary)
    second = last_status_event(carrier)
    assert second.seq > first.seq
    # the old in_custody -> on_loan event, replayed after the carrier came back
    message = status_error(
        "UPDATE carriers_carrier SET status = 'on_loan', status_event_id = %s WHERE id = %s", [first.seq, carrier.pk]
    )
    assert "needs its own audit event" in message
    # keeping the current event (on_loan -> in_custody) for another move
    message = status_error("UPDATE carriers_carrier SET status = 'on_loan' WHERE id = %s", [carrier.pk])
    assert "needs its own audit event" in message
    stored = Carrier.objects.get(pk=carrier.pk)
    assert stored.status == Status.IN_CUSTODY and stored.status_event_id == second.seq


def test_event_of_another_carrier_or_action_refused(org, carrier):
    other = register(org.secretary, container=org.safe)
    with transaction.atomic():
        foreign = record(
            actor=org.secretary, action="carrier.status_changed", target=other,
            details={"from": "in_custody", "to": "archived"},
        )
        wrong_action = record(
            actor=org.secretary, action="carrier.updated", target=carrier,
            details={"from": "in_custody", "to": "archived"},
        )
        wrong_direction = record(
            actor=org.secretary, action="carrier.status_changed", target=carrier,
            details={"from": "archived", "to": "in_custody"},
        )
    for event in (foreign, wrong_action, wrong_direction):
        message = status_error(
            "UPDATE carriers_carrier SET status = 'archived', status_event_id = %s WHERE id = %s",
            [event.seq, carrier.pk],
        )
        assert "needs its own audit event" in message, event.action
    assert Carrier.objects.get(pk=carrier.pk).status == Status.IN_CUSTODY


def test_insert_in_a_non_initial_status_refused(carrier):
    for status in STATUSES:
        if status in INITIAL_STATUSES:
            continue
        with pytest.raises(IntegrityError, match="cannot start as"), transaction.atomic():
            clone_as(carrier, status)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM carriers_carrier")
        assert cursor.fetchone()[0] == 1
    # a raw INSERT fares no better
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'carriers_carrier' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        columns = [row[0] for row in cursor.fetchall()]
    replaced = {"status": "'destroyed'", "registry_number": "registry_number || '-raw'", "status_event_id": "NULL"}
    select = ", ".join(replaced.get(c, c) for c in columns)
    message = status_error(
        f"INSERT INTO carriers_carrier ({', '.join(columns)}) SELECT {select} FROM carriers_carrier WHERE id = %s",
        [carrier.pk],
    )
    assert "cannot start as destroyed" in message


def test_insert_in_an_initial_status_allowed(carrier):
    for status in INITIAL_STATUSES:
        assert clone_as(carrier, status).status == status


def test_other_columns_update_freely(carrier):
    Carrier.objects.filter(pk=carrier.pk).update(title="新标题")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE carriers_carrier SET status = status, document_number = 'X-1' WHERE id = %s", [carrier.pk])
    stored = Carrier.objects.get(pk=carrier.pk)
    assert stored.title == "新标题" and stored.document_number == "X-1" and stored.status == Status.IN_CUSTODY


def test_backstop_holds_in_replica_mode_for_the_app_role(carrier):
    """The application role cannot switch triggers off for its session."""
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    message = status_error("UPDATE carriers_carrier SET status = 'destroyed' WHERE id = %s", [carrier.pk])
    assert "not an allowed move" in message


def test_proper_transition_passes_the_backstop(org, carrier):
    """The path to destroyed, step by step through transition(): every step passes the trigger."""
    for status in (Status.PENDING_DESTRUCTION, Status.DESTROYED):
        carrier = services.transition(carrier=carrier, to_status=status, actor=org.secretary, reason="R7")
    stored = Carrier.objects.get(pk=carrier.pk)
    assert stored.status == Status.DESTROYED
    event = stored.status_event
    assert event.action == "carrier.status_changed"
    assert event.details["from"] == "pending_destruction" and event.details["to"] == "destroyed"
    assert event.details["reason"] == "R7"
    assert verify_chain().ok
