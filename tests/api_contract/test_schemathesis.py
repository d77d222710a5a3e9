"""A client no one on the team wrote: schemathesis drives every operation of the OpenAPI schema
against a live server on PostgreSQL (as the secrecy office, with a real token) and checks that
nothing answers 500."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.live import live_server, scratch_database

pytestmark = [pytest.mark.live]


def test_no_operation_answers_500():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        request = urllib.request.Request(
            f"{base}/api/v1/auth/token/", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"username": "secretary", "password": "Registry-Demo-2026"}).encode(),
        )
        with urllib.request.urlopen(request) as resp:
            token = json.load(resp)["token"]
        cli = Path(sys.executable).with_name("schemathesis")
        result = subprocess.run(
            [str(cli), "run", f"{base}/api/schema/", "-H", f"Authorization: Token {token}",
             "--checks", "not_a_server_error", "--max-examples", os.environ.get("FUZZ_EXAMPLES", "8"),
             "--seed", "2026", "--no-color",
             # these would end the fuzzer's own token (logging out everywhere, revoking a token whose
             # id it guesses): every later operation would only see 401; tests/accounts covers them
             "--exclude-path-regex", r"^/api/v1/auth/(logout-everywhere/|tokens/\{id\}/)$"],
            # every operation, as one user: about 10 minutes on a quiet 2-core machine
            capture_output=True, text=True, timeout=1800,
        )
        summary = result.stdout[-3000:]
        assert result.returncode == 0, summary
        # the counts under "Test cases:" ("13976 generated, 13976 passed", or "... found 3 unique
        # failures, 2 errored"), not the whole summary: its warnings may say "Authentication failed"
        # for the operations a token may not call
        lines = summary.splitlines()
        heads = [i for i, line in enumerate(lines) if line.strip() == "Test cases:"]
        assert heads and heads[-1] + 1 < len(lines), summary
        counts = lines[heads[-1] + 1]
        assert re.search(r"\d+ generated, \d+ passed", counts), summary
        assert not re.search(r"unique failure|errored", counts), summary
