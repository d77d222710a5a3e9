"""The API contract checked by a client no one on the team wrote (issue 17, item 3): schemathesis
over every operation of the OpenAPI schema, with every check, as three roles of the demo (the
secrecy office, a department head, an ordinary staff member), 0 failures allowed.

Every check means schemathesis's whole set: no 5xx; status codes, content types, headers and bodies
as the schema documents them (response schema conformance); schema-violating requests refused
(negative data rejection); schema-valid reads accepted (positive data acceptance, with the one
allowance for writes in schemathesis.toml); authentication not ignored (each operation is called
again without and with a forged token).

It runs in process: schemathesis's WSGI transport calls Django's WSGI handler, so a request costs
what the application does (about 10 ms) instead of a new PostgreSQL connection per request of a
live server. The demo is seeded once per xdist worker in a transaction rolled back at the end, and
each operation's examples run in a savepoint of their own, so an operation (a DELETE, a departure)
changes nothing the next one sees. Each test item is one operation as one role: the two workers
share them out.

Budget (measured on this 2-core machine: docs/api.md): 25 fuzzed examples per operation for every
role (CONTRACT_EXAMPLES), plus the schema's own examples; the coverage phase (boundary and negative
values of every parameter, several times the requests) for the secrecy office, who may call the
most operations. `make contract` runs every phase for every role (CONTRACT_PHASES) and the same
roles over HTTP against live servers with the stateful phase (test_contract_fuzz.py)."""

import json
import os
import tomllib
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from tests.leak_oracle import openapi_schema

from .roles import EXCLUDED, PASSWORD, ROLES

HERE = Path(__file__).resolve().parent
ALL_PHASES = ("examples", "coverage", "fuzzing")
# the phases each role runs in make test (the coverage phase: the secrecy office)
PHASES = {"secretary": ALL_PHASES, "head_res": ("examples", "fuzzing"), "staff_core": ("examples", "fuzzing")}
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "25"))
SEED = int(os.environ.get("CONTRACT_SEED", "2026"))


def contract_config(phases, *, examples: int = EXAMPLES, seed: int = SEED) -> SchemathesisConfig:
    """schemathesis.toml (the allowance for writes) with the run's seed, budget and phases."""
    data = tomllib.loads((HERE / "schemathesis.toml").read_text())
    data["seed"] = seed
    data["generation"] = {"max-examples": examples}
    # the stateful phase (chains of calls through the schema's links) has no place in a test per
    # operation: test_contract_fuzz.py runs it over HTTP (make contract)
    data["phases"] = {phase: {"enabled": phase in phases} for phase in ALL_PHASES} | {"stateful": {"enabled": False}}
    return SchemathesisConfig.from_dict(data)


def phases_for(role: str) -> tuple[str, ...]:
    wanted = os.environ.get("CONTRACT_PHASES")  # make contract: "examples,coverage,fuzzing,stateful"
    return tuple(wanted.split(",")) if wanted else PHASES[role]


class InProcess:
    """The WSGI application for schemathesis's transport: Django's own handler, built once."""

    def __init__(self):
        self.handler = None

    def __call__(self, environ, start_response):
        if self.handler is None:
            from django.core.handlers.wsgi import WSGIHandler

            self.handler = WSGIHandler()
        return self.handler(environ, start_response)


APPLICATION = InProcess()


def schema_for(role: str):
    # the generator's schema is the served one (tests/api_contract/test_contract.py checks it);
    # made here, at collection, without a request or the database
    raw = json.loads(json.dumps(openapi_schema(), default=str))
    loaded = schemathesis.openapi.from_dict(raw, config=contract_config(phases_for(role)))
    loaded.app = APPLICATION
    return loaded.exclude(path_regex=EXCLUDED)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The demo seeded in this worker's test database, in a transaction rolled back at the end, and a
    token per role (obtained as a client does, with the password)."""
    from common import demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.seed()
            client = Client()
            found = {}
            for role in ROLES:
                answer = client.post("/api/v1/auth/token/", {"username": role, "password": PASSWORD},
                                     content_type="application/json")
                assert answer.status_code == 200, answer.content
                found[role] = answer.json()["token"]
            # Django closes a connection at the start and end of each request when it is not in
            # autocommit (as here, inside the module's transaction): not while the contract runs
            # (django.test.Client does the same for its own requests)
            request_started.disconnect(close_old_connections)
            request_finished.disconnect(close_old_connections)
            yield found
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def contract_test(role: str):
    # `db` wraps each operation's examples in a savepoint rolled back after them; schemathesis's
    # examples of one operation share it, as requests to one server would
    @schema_for(role).parametrize()
    @hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
    def test(case, tokens, db):
        case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"})

    return test


test_as_the_secrecy_office = contract_test("secretary")
test_as_a_department_head = contract_test("head_res")
test_as_a_staff_member = contract_test("staff_core")


# --- the run above can fail: the same configuration against a toy application that breaks its schema


TOY_SCHEMA = {
    "openapi": "3.0.3",
    "info": {"title": "toy", "version": "1"},
    "paths": {"/things/": {
        "get": {"responses": {"200": {"description": "a count", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}}}}}},
        "post": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": {"type": "string", "maxLength": 5}},
                "required": ["name"], "additionalProperties": False}}}},
            "responses": {"201": {"description": "made"}, "400": {"description": "refused"}},
        },
    }},
}


def toy_application(environ, start_response):
    """Answers a count that is not a number, and takes any body, even one its schema refuses."""
    environ["wsgi.input"].read()
    if environ["REQUEST_METHOD"] == "GET":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"count": "many"}']
    start_response("201 Created", [("Content-Type", "application/json")])
    return [b"{}"]


def failures_against_the_toy(method: str, mode) -> str:
    toy = schemathesis.openapi.from_dict(json.loads(json.dumps(TOY_SCHEMA)), config=contract_config(ALL_PHASES))
    toy.app = toy_application
    operation = toy["/things/"][method]

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=EXAMPLES, database=None, derandomize=True)
    def run(case):
        case.call_and_validate()

    with pytest.raises(FailureGroup) as raised:
        run()
    return " ".join(failure.title for failure in raised.value.exceptions)


def test_the_contract_run_fails_on_a_body_its_schema_does_not_allow():
    from schemathesis import GenerationMode

    assert "Response violates schema" in failures_against_the_toy("GET", GenerationMode.POSITIVE)


def test_the_contract_run_fails_on_a_schema_violating_request_accepted():
    from schemathesis import GenerationMode

    assert "Schema-violating request accepted" in failures_against_the_toy("POST", GenerationMode.NEGATIVE)
