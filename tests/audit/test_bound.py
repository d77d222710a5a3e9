"""The present bound to the trail (issue 16, item 5): a change of a carrier's holder, container,
level, period or marking is refused by the database unless the same transaction appended an audit
event naming that carrier. The check runs at commit (deferred); SET CONSTRAINTS ... IMMEDIATE runs
it at once, as a commit would."""

import pytest
from django.db import connection, transaction

from audit.services import record
from tests.factories import register

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the binding is a PostgreSQL trigger"),
]


def commit_checks():
    """What COMMIT would do: run the deferred check now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS carriers_bound_to_trail IMMEDIATE")


@pytest.fixture
def carrier(org):
    return register(org.secretary, container=org.safe)


# The refusals need an event-free transaction, which pytest's own transaction (holding the
# registration's event) is not: they run on a scratch database in test_bound_live.py.


def test_an_event_naming_the_carrier_lets_the_change_through(org, carrier):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE carriers_carrier SET holder_id = %s WHERE id = %s", [org.clerk.pk, carrier.pk])
        record(actor=org.secretary, action="test.moved", target=carrier)
        commit_checks()
    carrier.refresh_from_db()
    assert carrier.holder_id == org.clerk.pk


def test_an_event_listing_the_carrier_counts_too(org, carrier):
    """A handover's event targets the handover and names its carriers (audit_auditeventcarrier)."""
    with transaction.atomic():
        record(actor=org.secretary, action="test.moved", target=org.safe, carriers=[carrier.pk])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE carriers_carrier SET holder_id = %s WHERE id = %s", [org.clerk.pk, carrier.pk])
        commit_checks()


def test_the_event_txid_is_stamped_by_the_database(org, carrier):
    with transaction.atomic():
        event = record(actor=None, action="test.txid")
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid, txid_current() FROM audit_auditevent WHERE seq = %s", [event.seq])
            stamped, current = cursor.fetchone()
    assert stamped == current


def test_other_columns_need_no_event(org, carrier):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE carriers_carrier SET updated_at = now() WHERE id = %s", [carrier.pk])
        commit_checks()
