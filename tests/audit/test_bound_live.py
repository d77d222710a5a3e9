"""On a scratch database with committed data, as the application role (issue 16, items 2 and 5):
- a raw UPDATE of a carrier's holder, level or container (or period, marking) with no audit event of
  the same transaction is refused at commit;
- an event appended without the audit key (correctly chained, made-up content) fails verification,
  which names its sequence number, and so does one keyed with a wrong key;
- verification split into ranges over worker processes agrees with the single-process one."""

import json
from datetime import UTC, datetime

import psycopg
import pytest

from audit.chain import canonical_json, event_body, keyed_hash, sha256_hex
from tests.live import manage, scratch_database

ASSIGNMENTS = [
    "holder_id = %(other)s",
    "level = CASE WHEN level = 1 THEN 2 ELSE 1 END",
    "container_id = NULL",
    "expires_on = DATE '2099-01-01'",
    "secrecy_years = 30",
    "marking_en = 'forged'",
]
PARALLEL = {"AUDIT_VERIFY_WORKERS": "2", "AUDIT_VERIFY_PARALLEL_FROM": "10"}


def forge(conn, *, mac: str) -> int:
    """Append an event the way someone with the application role's rights could: the chain computed
    correctly, but no audit key."""
    seq, prev = conn.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1").fetchone()
    at = datetime.now(UTC)
    body = event_body(seq=seq + 1, at=at, actor_id=None, actor_name="system", action="carrier.destroyed",
                      target_type="", target_id="", target_label="forged", details={"forged": True})
    canonical = canonical_json(body)
    conn.execute(
        "INSERT INTO audit_auditevent (seq, at, actor_id, actor_name, action, target_type, target_id, target_label,"
        " details, prev_hash, hash, mac) VALUES (%s, %s, NULL, 'system', 'carrier.destroyed', '', '', 'forged',"
        " %s::jsonb, %s, %s, %s)",
        [seq + 1, at, json.dumps({"forged": True}), prev, sha256_hex(prev + canonical),
         mac.replace("<real>", keyed_hash(canonical.encode(), key=b"w" * 32))],
    )
    conn.commit()
    return seq + 1


@pytest.mark.live
def test_present_bound_and_events_keyed():
    with scratch_database(seed_demo=True) as url:
        with psycopg.connect(url) as conn:
            carrier_id, holder_id, level, container_id = conn.execute(
                "SELECT id, holder_id, level, container_id FROM carriers_carrier "
                "WHERE container_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
            other = conn.execute("SELECT id FROM auth_user WHERE id <> %s ORDER BY id LIMIT 1", [holder_id]).fetchone()[0]
            for assignment in ASSIGNMENTS:
                conn.execute(f"UPDATE carriers_carrier SET {assignment} WHERE id = %(id)s",
                             {"id": carrier_id, "other": other})
                with pytest.raises(psycopg.errors.CheckViolation, match="needs its own audit event"):
                    conn.commit()
                conn.rollback()
            assert conn.execute("SELECT holder_id, level, container_id FROM carriers_carrier WHERE id = %s",
                                [carrier_id]).fetchone() == (holder_id, level, container_id)

            whole = manage(url, "verify_audit", check=False, timeout=120)
            split = manage(url, "verify_audit", check=False, timeout=120, **PARALLEL)
            assert whole.returncode == split.returncode == 0, whole.stderr + split.stderr
            assert whole.stdout == split.stdout and whole.stdout.startswith("OK ")

            forged = forge(conn, mac="")
            for env in ({}, PARALLEL):
                done = manage(url, "verify_audit", check=False, timeout=120, **env)
                assert done.returncode == 1
                assert f"BROKEN at sequence {forged}: keyed hash does not match" in done.stderr
    with scratch_database() as url:  # a wrong key is no better than none
        manage(url, "shell", "-c", "from django.db import transaction\nfrom audit.services import record\n"
               "with transaction.atomic(): record(actor=None, action='test.first')")
        with psycopg.connect(url) as conn:
            forged = forge(conn, mac="<real>")
        done = manage(url, "verify_audit", check=False, timeout=120)
        assert done.returncode == 1 and f"BROKEN at sequence {forged}: keyed" in done.stderr
