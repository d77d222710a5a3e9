"""A typed client generated from the served schema (openapi-python-client, pinned in [dev]) works
against the server without hand fixes: it is generated into a temporary folder for this test (not
committed), and talks to the Django application in-process through httpx's WSGI transport. Every
call below goes through the generated functions and models: an integrating system registers a
carrier, hands it over, lends it, asks for a copy and exports a register."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.test import APIClient

from audit.selectors import verify_chain
from common.levels import Level
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("typed-client")
    with django_db_blocker.unblock():
        schema = APIClient().get("/api/schema/?format=json")
    (folder / "schema.json").write_bytes(schema.content)
    tool = Path(sys.executable).with_name("openapi-python-client")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(tool), "generate", "--path", str(folder / "schema.json"), "--meta", "none",
         "--output-path", str(folder / "registry_client")],
        capture_output=True, text=True, timeout=300, env=env, cwd=folder,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation and model generated
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("registry_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "registry_client" or m.startswith("registry_client.")]:
            del sys.modules[name]


@pytest.fixture
def in_test_transaction():
    """The WSGI application is called in-process, inside the test's transaction: like Django's own
    test client, it must not close the connection at the start or the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Api:
    """The generated package: `api.op("v1_carriers_create")` is its module for that operation,
    `api.m.X` its model X."""

    def __init__(self, package):
        self.package = package
        self.m = importlib.import_module("registry_client.models")
        self.transport = httpx.WSGITransport(app=get_wsgi_application())

    def op(self, operation_id: str):
        return importlib.import_module(f"registry_client.api.v1.{operation_id}")

    def anonymous(self):
        return self.package.Client(base_url="http://testserver", httpx_args={"transport": self.transport})

    def login(self, username: str, password: str):
        token = self.op("v1_auth_token_create").sync(
            client=self.anonymous(), body=self.m.TokenRequestRequest(username=username, password=password))
        assert isinstance(token, self.m.TokenResponse), token
        return self.package.AuthenticatedClient(base_url="http://testserver", token=token.token, prefix="Token",
                                                httpx_args={"transport": self.transport})


def ok(response, status: int):
    """A generated `sync_detailed` answer: the expected status, parsed into the generated model."""
    assert response.status_code == status, response.content
    assert response.parsed is not None and not isinstance(response.parsed, dict), response.parsed
    return response.parsed


def test_the_generated_client_logs_in_and_reads_carriers_without_hand_fixes(generated, org, in_test_transaction):
    paper = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, title="alpha report", kind="paper")
    api = Api(generated)
    client = api.login("secretary", org.password)
    page = api.op("v1_carriers_list").sync(client=client)
    assert [row.id for row in page.results] == [paper.pk]
    carrier = api.op("v1_carriers_retrieve").sync(client=client, id=paper.pk)
    assert carrier.title == "alpha report"
    assert carrier.medium.value == ""  # the blank medium of a paper carrier parses (it did not)
    missing = api.op("v1_carriers_retrieve").sync_detailed(client=client, id=2**62)
    assert missing.status_code == 404 and json.loads(missing.content)["code"] == "not_found"


def test_register_hand_over_lend_copy_and_export_through_the_generated_client(generated, org, in_test_transaction):
    api, m = Api(generated), None
    m = api.m
    office, clerk, borrower = (api.login(name, org.password) for name in ("secretary", "clerk", "staff_core"))

    # the office registers a secret paper document (signed with its password), retried with the same key
    body = m.CarrierRegisterRequest(
        kind=m.CarrierKindEnum("paper"), title="typed-client report", originator="Research Division",
        level=m.RelatedLevelEnum("SECRET"), container=org.cabinet.pk, password=org.password,
        secrecy_years=10, scope_departments=[org.res.pk],
    )
    first = api.op("v1_carriers_create").sync_detailed(client=office, body=body, idempotency_key="typed-1")
    carrier = ok(first, 201)
    again = api.op("v1_carriers_create").sync_detailed(client=office, body=body, idempotency_key="typed-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replay"] == "true"
    assert ok(again, 201).id == carrier.id
    assert carrier.level.value == "SECRET" and carrier.holder.username == "secretary"

    # handed over to the clerk: started and signed by the giver, counted and signed by the taker
    handover = ok(api.op("v1_handovers_create").sync_detailed(client=office, body=m.HandoverStartRequest(
        taker=org.clerk.pk, carriers=[carrier.id], declared_count=1, password=org.password)), 201)
    short = api.op("v1_handovers_accept_create").sync_detailed(
        client=clerk, id=handover.id, body=m.HandoverAcceptRequest(counted_count=2, password=org.password))
    assert short.status_code == 400, short.content  # a miscount is refused, readably
    accepted = ok(api.op("v1_handovers_accept_create").sync_detailed(
        client=clerk, id=handover.id, body=m.HandoverAcceptRequest(counted_count=1, password=org.password)), 200)
    assert accepted.status.value == "completed"
    assert api.op("v1_carriers_retrieve").sync(client=office, id=carrier.id).holder.username == "clerk"

    # borrowed: staff_core asks, the clerk (holder) lends, the borrower counts and signs
    loan = ok(api.op("v1_loans_create").sync_detailed(client=borrower, body=m.LoanCreateRequest(
        carrier=carrier.id, purpose="project research")), 201)
    assert loan.status.value == "requested"
    lent = ok(api.op("v1_loans_lend_create").sync_detailed(
        client=clerk, id=loan.id, body=m.LoanLendRequest(password=org.password)), 200)
    assert lent.status.value == "lending"
    on_loan = ok(api.op("v1_loans_accept_create").sync_detailed(
        client=borrower, id=loan.id, body=m.LoanCountSignRequest(counted_count=1, password=org.password)), 200)
    assert on_loan.status.value == "on_loan"
    assert api.op("v1_carriers_retrieve").sync(client=borrower, id=carrier.id).holder.username == "staff_core"

    # a copy asked for
    copy = ok(api.op("v1_copy_requests_create").sync_detailed(client=borrower, body=m.CopyRequestCreateRequest(
        source=carrier.id, copies=2, purpose="a second working copy")), 201)
    assert api.op("v1_copy_requests_retrieve").sync(client=borrower, id=copy.id).id == copy.id

    # a register exported: the job is made (the worker is tested in tests/registers) and read back
    registers = api.op("v1_register_exports_registers_list").sync(client=office)
    assert "carrier-ledger" in [row.name for row in registers]
    job = ok(api.op("v1_register_exports_create").sync_detailed(client=office, body=m.RegisterExportCreateRequest(
        register="carrier-ledger", format_=m.RegisterExportCreateFormatEnum("csv"), lang=m.LangEnum("en"))), 202)
    read = api.op("v1_register_exports_retrieve").sync(client=office, id=job.id)
    assert read.id == job.id and read.register == "carrier-ledger" and read.status.value == "queued"
    assert verify_chain().ok
