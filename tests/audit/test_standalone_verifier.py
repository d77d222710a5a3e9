"""tools/verify_audit_proof.py runs without Django (only the standard library and `cryptography`):
it checks an inclusion proof, a consistency proof and a printed checkpoint's QR text offline, and
refuses tampered ones with exit status 1 (2 for unreadable input)."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from audit import checkpoints
from audit.services import record

pytestmark = pytest.mark.django_db

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_proof.py"
# Django made unimportable: the tool must not need it
NO_DJANGO = ("import runpy, sys; sys.modules['django'] = None; sys.argv = sys.argv[1:]; "
             "runpy.run_path(sys.argv[0], run_name='__main__')")


def tool(*args, stdin=None):
    result = subprocess.run([sys.executable, "-I", "-c", NO_DJANGO, str(TOOL), *args], capture_output=True,
                            text=True, input=stdin, timeout=60, cwd="/")
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def trail(tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "signing.pem"))
    monkeypatch.setenv("AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.jsonl"))
    call_command("make_audit_key", stdout=StringIO())
    for i in range(9):
        with transaction.atomic():
            record(actor=None, action="test.event", details={"i": i})
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoints.make(reason="test")
    for i in range(4):
        with transaction.atomic():
            record(actor=None, action="test.event", details={"j": i})
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoints.make(reason="test")
    return tmp_path, first, second


def test_the_tool_does_not_import_django():
    code, _out, err = tool("--help")
    assert code == 0, err


def test_inclusion_proof_verifies_and_tampered_fails(trail):
    tmp, first, second = trail
    pub = str(tmp / "signing.pem.pub")
    proof = checkpoints.inclusion_proof(seq=3, checkpoint=second)
    (tmp / "p.json").write_text(json.dumps(proof))
    code, out, err = tool("--public-key", pub, str(tmp / "p.json"))
    assert code == 0 and out.startswith("OK event 3"), err
    proof["path"][0] = "00" * 32
    code, _out, err = tool("--public-key", pub, "-", stdin=json.dumps(proof))
    assert code == 1 and "does not verify" in err


def test_qr_text_with_a_consistency_proof(trail):
    tmp, first, second = trail
    pub = str(tmp / "signing.pem.pub")
    code, out, _err = tool("--public-key", pub, first.qr_text())
    assert code == 0 and "signed by this key" in out
    (tmp / "c.json").write_text(json.dumps(checkpoints.consistency_proof(old=first, new=second)))
    code, out, err = tool("--public-key", pub, first.qr_text(), "--consistency", str(tmp / "c.json"))
    assert code == 0 and f"checkpoint {second.seq} extends checkpoint {first.seq}" in out, err
    code, _out, err = tool("--public-key", pub, second.qr_text(), "--consistency", str(tmp / "c.json"))
    assert code == 1 and "does not start at this checkpoint" in err
    code, out, _err = tool("--public-key", pub, "--checkpoints", str(tmp / "checkpoints.jsonl"))
    assert code == 0 and "2 checkpoints" in out


def test_a_wrong_key_and_bad_input(trail, tmp_path):
    tmp, first, _second = trail
    call_command("make_audit_key", "--path", str(tmp / "other.pem"), stdout=StringIO())
    code, _out, err = tool("--public-key", str(tmp / "other.pem.pub"), first.qr_text())
    assert code == 1 and "signature does not verify" in err
    code, _out, err = tool("--public-key", str(tmp / "nothing.pub"), first.qr_text())
    assert code == 2 and "ERROR" in err
    code, _out, err = tool("--public-key", str(tmp / "signing.pem.pub"), "-", stdin="{not json")
    assert code == 2
