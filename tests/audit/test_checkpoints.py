"""Signed checkpoints: written to the trail, the append-only file and (when configured) syslog; a
rewrite by the owner that recomputes every later hash passes plain verification but is caught by
the checkpoints kept outside; proofs from the events table verify offline and fail when tampered."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit import checkpoints
from audit.chain import canonical_json, event_body, keyed_hash, sha256_hex
from audit.models import AuditEvent, ChainLink
from audit.selectors import verify_chain
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "signing.pem"))
    monkeypatch.setenv("AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.jsonl"))
    monkeypatch.delenv("AUDIT_SYSLOG_HOST", raising=False)
    call_command("make_audit_key", stdout=StringIO())
    return tmp_path


def append(n, actor=None):
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(record(actor=actor, action="test.event", details={"i": i}))
    return out




def run(command, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_make_audit_key_refuses_to_replace_a_key(keys):
    from django.core.management.base import CommandError

    before = (keys / "signing.pem").read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("make_audit_key", stdout=StringIO())
    assert (keys / "signing.pem").read_bytes() == before
    assert (keys / "signing.pem").stat().st_mode & 0o777 == 0o600
    assert b"PUBLIC KEY" in (keys / "signing.pem.pub").read_bytes()


def test_a_checkpoint_is_signed_and_written_to_the_trail_and_the_file(keys, django_capture_on_commit_callbacks):
    events = append(5)
    with django_capture_on_commit_callbacks(execute=True):
        cp = checkpoints.make(reason="test")
    link = ChainLink.objects.get(event_id=events[-1].seq)  # the chain's head is its last link
    assert cp.seq == link.pos == events[-1].seq and cp.head == link.hash
    public = checkpoints.load_public_key(keys / "signing.pem.pub")
    assert cp.verify_signature(public)
    event = AuditEvent.objects.get(seq=cp.seq + 1)
    assert event.action == "audit.checkpoint" and event.details["root"] == cp.root
    lines = (keys / "checkpoints.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["head"] == cp.head
    # a second checkpoint builds on the first one's frontier and gives the same root as from scratch
    append(3)
    with django_capture_on_commit_callbacks(execute=True):
        cp2 = checkpoints.make(reason="test")
    from audit import merkle

    leaves = [bytes.fromhex(h) for h in ChainLink.objects.filter(pos__lte=cp2.seq).order_by("pos")
              .values_list("hash", flat=True)]
    assert cp2.root == merkle.root_of(leaves).hex()
    code, out, _err = run("verify_audit", "--checkpoints", str(keys / "checkpoints.jsonl"))
    assert code == 0 and "2 checkpoints hold" in out


def test_a_forged_or_foreign_checkpoint_is_refused(keys, django_capture_on_commit_callbacks):
    append(3)
    with django_capture_on_commit_callbacks(execute=True):
        cp = checkpoints.make(reason="test")
    forged = checkpoints.Checkpoint(cp.seq, cp.head, "00" * 32, cp.at, cp.key_id, cp.signature)
    assert not forged.verify_signature(checkpoints.load_public_key(keys / "signing.pem.pub"))
    other = keys / "other.pem"
    call_command("make_audit_key", "--path", str(other), stdout=StringIO())
    code, _out, err = run("verify_audit", "--checkpoints", str(keys / "checkpoints.jsonl"),
                          "--public-key", str(other) + ".pub")
    assert code == 1 and "signature does not verify" in err
    code, _out, err = run("verify_audit", "--checkpoints", str(keys / "missing.jsonl"))
    assert code == 2 and "ERROR" in err


@pytest.fixture
def tamper():
    def run_sql(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)

    assert connection.vendor == "postgresql"
    return run_sql


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_a_rewrite_that_recomputes_every_later_hash_is_caught_by_the_checkpoints(
        org, keys, tamper, django_capture_on_commit_callbacks):
    events = append(6, actor=org.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        cp = checkpoints.make(reason="test")
    append(2, actor=org.secretary)
    victim = events[2].seq
    # the owner changes one event and recomputes its hash (and keyed hash: assume the key leaked) and
    # every later link of the chain (audit_chainlink, decision 0022)
    row = AuditEvent.objects.get(seq=victim)
    details = {"i": 999}
    body = event_body(seq=row.seq, at=row.at, actor_id=row.actor_id, actor_name=row.actor_name,
                      action=row.action, target_type=row.target_type, target_id=row.target_id,
                      target_label=row.target_label, details=details)
    canonical = canonical_json(body)
    tamper("UPDATE audit_auditevent SET details = %s::jsonb, hash = %s, mac = %s WHERE seq = %s",
           [json.dumps(details), sha256_hex(canonical), keyed_hash(canonical.encode("utf-8")), victim])
    links = list(ChainLink.objects.filter(pos__gte=ChainLink.objects.get(event_id=victim).pos).order_by("pos"))
    prev = links[0].prev_hash
    for link in links:
        event_hash = AuditEvent.objects.values_list("hash", flat=True).get(seq=link.event_id)
        new_hash = sha256_hex(prev + event_hash)
        tamper("ALTER TABLE audit_chainlink DISABLE TRIGGER USER")
        tamper("UPDATE audit_chainlink SET prev_hash = %s, hash = %s WHERE pos = %s", [prev, new_hash, link.pos])
        prev = new_hash
    assert verify_chain().ok
    code, out, _err = run("verify_audit")
    assert code == 0 and out.startswith("OK")
    code, _out, err = run("verify_audit", "--checkpoints", str(keys / "checkpoints.jsonl"))
    assert code == 1 and f"BROKEN at checkpoint {cp.seq}" in err and "rewritten" in err
    # the printed checkpoint (its QR text) says the same
    code, _out, err = run("verify_proof", cp.qr_text())
    assert code == 1 and "no longer contains" in err


def test_qr_text_of_a_checkpoint_verifies_while_the_trail_holds(keys, django_capture_on_commit_callbacks):
    append(4)
    with django_capture_on_commit_callbacks(execute=True):
        cp = checkpoints.make(reason="test")
    code, out, _err = run("verify_proof", cp.qr_text(), "--public-key", str(keys / "signing.pem.pub"))
    assert code == 0 and "still contains" in out
    bad = cp.qr_text().replace(cp.head, "f" * 64)
    code, _out, err = run("verify_proof", bad)
    assert code == 1 and "signature" in err
    code, _out, err = run("verify_proof", "RACP1;nonsense")
    assert code == 2


def test_inclusion_and_consistency_proofs_from_the_trail(keys, tmp_path, django_capture_on_commit_callbacks):
    events = append(7)
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoints.make(reason="test")
    append(6)
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoints.make(reason="test")
    public = checkpoints.load_public_key(keys / "signing.pem.pub")
    for seq in (1, events[3].seq, first.seq, second.seq):
        proof = checkpoints.inclusion_proof(seq=seq, checkpoint=second)
        assert checkpoints.verify_proof_document(proof, public)[0], seq
    proof = checkpoints.inclusion_proof(seq=events[3].seq, checkpoint=first)
    path = tmp_path / "inclusion.json"
    path.write_text(json.dumps(proof))
    code, out, _err = run("verify_proof", str(path))
    assert code == 0 and out.startswith("OK")
    tampered = {**proof, "leaf": "ab" * 32}
    assert not checkpoints.verify_proof_document(tampered, public)[0]
    path.write_text(json.dumps(tampered))
    code, _out, err = run("verify_proof", str(path))
    assert code == 1 and "does not verify" in err
    consistency = checkpoints.consistency_proof(old=first, new=second)
    assert checkpoints.verify_proof_document(consistency, public)[0]
    broken = {**consistency, "path": consistency["path"][:-1]}
    assert not checkpoints.verify_proof_document(broken, public)[0]
    with pytest.raises(LookupError):
        checkpoints.inclusion_proof(seq=second.seq + 1, checkpoint=first)


def test_a_document_reuses_a_recent_checkpoint_unless_events_came_since(keys, django_capture_on_commit_callbacks):
    append(2)
    with django_capture_on_commit_callbacks(execute=True):
        cp = checkpoints.for_document()
        assert checkpoints.for_document() == cp
        append(1)
        later = checkpoints.for_document()
    assert later.seq > cp.seq


def test_the_api_gives_proofs_of_events_and_signatures(org, keys, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from audit.models import Signature
    from audit.services import reauthenticate, sign
    from tests.registers.test_exports import api_as

    credential = reauthenticate(signer=org.secretary, password=org.password)
    signature = sign(signer=org.secretary, credential=credential, meaning=Signature.Meaning.APPROVED,
                     target=org.safe, content={"what": "approved"})
    append(3)
    client = api_as(org.auditor)
    url = reverse("api:audit-proof-inclusion")
    # no checkpoint yet
    assert client.get(url, {"seq": 1}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoints.make(reason="test")
    append(2)
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoints.make(reason="test")
    public = checkpoints.load_public_key(keys / "signing.pem.pub")
    body = client.get(url, {"signature": signature.pk}).json()
    assert body["seq"] == signature.event.seq and body["checkpoint"]["seq"] == second.seq
    assert checkpoints.verify_proof_document(body, public)[0]
    body = client.get(url, {"seq": 2, "checkpoint": first.seq}).json()
    assert body["size"] == first.seq and checkpoints.verify_proof_document(body, public)[0]
    # bad input: a clear status, never 500
    assert client.get(url).status_code == 400
    assert client.get(url, {"seq": "x"}).status_code == 400
    assert client.get(url, {"seq": 10**9}).status_code == 404
    assert client.get(url, {"seq": second.seq + 1, "checkpoint": first.seq}).status_code == 409
    assert client.get(url, {"seq": 1, "checkpoint": 3}).status_code == 404
    consistency = client.get(reverse("api:audit-proof-consistency"), {"old": first.seq}).json()
    assert consistency["new"]["seq"] == second.seq and checkpoints.verify_proof_document(consistency, public)[0]
    assert client.get(reverse("api:audit-proof-consistency"), {"old": second.seq, "new": first.seq}).status_code == 409
    listing = client.get(reverse("api:audit-checkpoints")).json()
    assert [c["seq"] for c in listing["checkpoints"]] == [second.seq, first.seq]
    assert "PUBLIC KEY" in listing["public_key"] and listing["checkpoints"][0]["qr_text"].startswith("RACP1;")
    assert api_as(org.staff_core).get(url, {"seq": 1}).status_code == 403
