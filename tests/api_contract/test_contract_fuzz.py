"""A client no one on the team wrote: schemathesis drives every operation of the OpenAPI schema
with every check (--checks all: no 5xx, status codes, content types, headers and bodies as the
schema documents them, schema-violating requests refused, schema-valid reads accepted, auth not
ignored...) against live servers on one scratch PostgreSQL database seeded with the demo, as three
roles with real tokens: the secrecy office, a department head and an ordinary staff member.

It runs only when CONTRACT_EXAMPLES is set: `make contract` (25 examples per operation, every phase,
the stateful one included). Over HTTP it takes about 50 minutes on this 2-core machine, so make test
runs the same checks in process instead (tests/api_contract/test_schemathesis.py). Zero failures
allowed."""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.live import live_server, scratch_database

from .roles import EXCLUDED, PASSWORD, ROLES

pytestmark = [pytest.mark.live, pytest.mark.skipif(not os.environ.get("CONTRACT_EXAMPLES"),
                                                    reason="the full contract runs with make contract")]

HERE = Path(__file__).resolve().parent


def token_for(base: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
    )
    with urllib.request.urlopen(request) as resp:
        return json.load(resp)["token"]


def fetch_schema(base: str, into: Path) -> Path:
    """The served schema, fetched once (its first generation takes a while on a busy machine)."""
    with urllib.request.urlopen(f"{base}/api/schema/?format=json", timeout=300) as resp:
        into.write_bytes(resp.read())
    return into


def schemathesis_command(schema: Path, base: str, token: str, examples: int, seed: int) -> list[str]:
    cli = Path(sys.executable).with_name("schemathesis")
    command = [str(cli), "--config-file", str(HERE / "schemathesis.toml"), "run", str(schema), "--url", base,
               "-H", f"Authorization: Token {token}", "--checks", "all", "--max-examples", str(examples),
               "--seed", str(seed), "--no-color", "--exclude-path-regex", EXCLUDED,
               # a suite on 2 busy cores: a register rendered at once may take more than the default 10 s
               "--request-timeout", "60"]
    phases = os.environ.get("CONTRACT_PHASES")  # e.g. "coverage,fuzzing"
    if phases:
        command += ["--phases", phases]
    return command


def test_every_operation_keeps_its_contract_as_three_roles(tmp_path):
    examples = int(os.environ["CONTRACT_EXAMPLES"])
    seed = int(os.environ.get("CONTRACT_SEED", "2026"))
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database(seed_demo=True))
        # a server per role (the same database): the three runs go on side by side
        bases = [stack.enter_context(live_server(url)) for _ in ROLES]
        schema = fetch_schema(bases[0], tmp_path / "schema.json")
        runs = {}
        for role, base in zip(ROLES, bases, strict=True):
            runs[role] = (time.monotonic(), subprocess.Popen(
                schemathesis_command(schema, base, token_for(base, role), examples, seed),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        results = {}
        for role, (started, proc) in runs.items():
            output, _ = proc.communicate(timeout=3 * 3600)
            results[role] = (proc.returncode, time.monotonic() - started, output)
    report = "\n".join(f"{role}: exit {code}, {seconds:.0f} s" for role, (code, seconds, _) in results.items())
    print(report)
    for role, (code, _, output) in results.items():
        (tmp_path / f"schemathesis-{role}.txt").write_text(output)  # the whole run, failures first
        summary = f"(whole output: {tmp_path / f'schemathesis-{role}.txt'})\n" + output[-6000:]
        assert code == 0, f"as {role}:\n{summary}"
        assert " passed" in summary and "failed" not in summary.split("SUMMARY")[-1], f"as {role}:\n{summary}"
