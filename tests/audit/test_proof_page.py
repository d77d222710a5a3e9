"""The auditor's workspace page for proofs (issue 16, item 4): an inclusion proof of an event or a
signature against a checkpoint and a consistency proof between two checkpoints, shown and
downloaded as JSON that the standalone verifier (no Django) accepts; through the gate (events one
may not see answer like missing ones), bad input a clear status, never a 500."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from audit import checkpoints
from audit.models import AuditEvent, Signature
from audit.services import reauthenticate, record, sign

pytestmark = pytest.mark.django_db

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_proof.py"
NO_DJANGO = ("import runpy, sys; sys.modules['django'] = None; sys.argv = sys.argv[1:]; "
             "runpy.run_path(sys.argv[0], run_name='__main__')")


def tool(*args):
    result = subprocess.run([sys.executable, "-I", "-c", NO_DJANGO, str(TOOL), *args], capture_output=True,
                            text=True, timeout=60, cwd="/")
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "signing.pem"))
    monkeypatch.setenv("AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.jsonl"))
    monkeypatch.delenv("AUDIT_SYSLOG_HOST", raising=False)
    call_command("make_audit_key", stdout=StringIO())
    return tmp_path


def test_the_proof_page_gives_proofs_the_standalone_verifier_accepts(org, keys, client,
                                                                     django_capture_on_commit_callbacks):
    credential = reauthenticate(signer=org.secretary, password=org.password)
    signature = sign(signer=org.secretary, credential=credential, meaning=Signature.Meaning.APPROVED,
                     target=org.safe, content={"what": "approved"})
    with transaction.atomic():
        event = record(actor=None, action="test.event", details={"i": 1})
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoints.make(reason="test")
    with transaction.atomic():
        record(actor=None, action="test.event", details={"i": 2})
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoints.make(reason="test")
    client.force_login(org.auditor)
    url = reverse("audit:proofs")

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"<td>{second.seq}</td>" in text and f"<td>{first.seq}</td>" in text

    shown = client.get(url, {"kind": "inclusion", "signature": signature.pk})
    assert shown.status_code == 200 and 'id="proof-download"' in shown.content.decode()
    download = client.get(url, {"kind": "inclusion", "signature": signature.pk, "download": "1"})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    proof = json.loads(download.content)
    assert proof["seq"] == signature.event.seq and proof["checkpoint"]["seq"] == second.seq
    key = client.get(reverse("audit:public-key"))
    assert key.status_code == 200 and b"PUBLIC KEY" in key.content
    (keys / "downloaded.pub").write_bytes(key.content)
    (keys / "inclusion.json").write_bytes(download.content)
    code, out = tool("--public-key", str(keys / "downloaded.pub"), str(keys / "inclusion.json"))
    assert code == 0, out
    proof["leaf"] = "0" * 64  # tampered: the verifier refuses it
    (keys / "tampered.json").write_text(json.dumps(proof))
    code, out = tool("--public-key", str(keys / "downloaded.pub"), str(keys / "tampered.json"))
    assert code == 1, out

    old_cp = client.get(url, {"kind": "inclusion", "seq": event.seq, "checkpoint": first.seq, "download": "1"})
    assert json.loads(old_cp.content)["size"] == first.seq
    consistency = client.get(url, {"kind": "consistency", "old": first.seq, "download": "1"})
    assert consistency.status_code == 200
    (keys / "consistency.json").write_bytes(consistency.content)
    code, out = tool("--public-key", str(keys / "downloaded.pub"), str(keys / "consistency.json"))
    assert code == 0, out

    # bad input: a message and a status, never a 500
    missing = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() + 10**6
    assert client.get(url, {"kind": "inclusion", "seq": missing}).status_code == 404
    assert client.get(url, {"kind": "inclusion", "seq": "x"}).status_code == 400
    assert client.get(url, {"kind": "inclusion"}).status_code == 400
    assert client.get(url, {"kind": "inclusion", "seq": 1, "signature": signature.pk}).status_code == 400
    assert client.get(url, {"kind": "consistency", "old": second.seq, "new": first.seq}).status_code == 409
    assert client.get(url, {"kind": "inclusion", "seq": 1, "checkpoint": 10**9}).status_code == 404
    with transaction.atomic():
        later = record(actor=None, action="test.event", details={"i": 3})
    refused = client.get(url, {"kind": "inclusion", "seq": later.seq, "checkpoint": first.seq})
    assert refused.status_code == 409 and "No checkpoint covers" in refused.content.decode()


def test_the_proof_page_is_only_for_the_trails_readers(org, keys, client):
    client.force_login(org.staff_core)
    assert client.get(reverse("audit:proofs")).status_code == 403
    assert client.get(reverse("audit:public-key")).status_code == 403
