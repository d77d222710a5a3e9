"""The paper witness of a destruction (issue 16, item 6): once its carriers are destroyed, the
request's record prints as an A4 PDF in the reader's language: the request, its approval, method
and route, the carriers destroyed that the reader may open (the others counted, never named), the
destroyer's and supervisor's signatures (or the facility's handover and certificate), and the
signed audit checkpoint it was drawn from. Refused before destruction (409); another unit's
reader: 404; printing is audited."""

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from carriers.destruction import services
from common.errors import Conflict
from common.levels import Level
from tests.factories import api_token, register

from .conftest import approve_all, execute, submit

pytestmark = pytest.mark.django_db
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
REQUESTS = "/api/v1/destruction-requests/"


def pdf_text(content: bytes, tmp_path, name="record") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def destroyed(org, head_sec):
    """Two Secret papers shredded in house by the clerk, supervised by staff_important, who may
    open only the one whose scope names them."""
    hidden = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="不可知文件")
    shown = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_people=[org.staff_important],
                     title="可知文件")
    request = approve_all(org, submit(org, [hidden, shown], reason="已过保存期限"), head_sec)
    execute(org, request, actor=org.clerk, destroyer=org.clerk, supervisor=org.staff_important)
    request.refresh_from_db()
    return request, hidden, shown


def test_the_record_names_only_what_the_reader_may_open(org, destroyed, tmp_path):
    request, hidden, shown = destroyed
    record = services.print_destruction_record(actor=org.staff_important, request_id=request.pk, language="en")
    assert record.content.startswith(b"%PDF-")
    text = pdf_text(record.content, tmp_path)
    assert f"Destruction record #{request.pk}" in text and "Secret★" in text
    assert "Shredding" in text and "In house" in text and "已过保存期限" in text and "secretary-name" in text
    assert shown.registry_number in text and "可知文件" in text
    assert hidden.registry_number not in text and "不可知文件" not in text
    assert "1 more carrier is not visible to you." in text
    # the approval's decisions and both signatures on the spot
    assert "head_sec-name" in text and "Approved" in text
    assert "clerk-name" in text and "Destroyed beyond recovery" in text
    assert "staff_important-name" in text and "Supervised the destruction on the spot" in text
    # the witness
    assert f"Signed checkpoint of the audit trail: {record.checkpoint_seq} events" in text
    assert f"RACP1;{record.checkpoint_seq};" in text.replace("\n", "").replace(" ", "")
    event = AuditEvent.objects.get(action="destruction.record_printed")
    assert event.actor_id == org.staff_important.pk and event.target_id == str(request.pk)
    assert event.details["checkpoint"] == record.checkpoint_seq and event.details["hidden_carriers"] == 1
    # the secrecy office sees both
    full = pdf_text(services.print_destruction_record(actor=org.secretary, request_id=request.pk,
                                                      language="en").content, tmp_path, "full")
    assert hidden.registry_number in full and shown.registry_number in full and "not visible" not in full


def test_the_record_in_chinese(org, destroyed, tmp_path):
    request, _hidden, shown = destroyed
    record = services.print_destruction_record(actor=org.secretary, request_id=request.pk, language="zh-hans")
    text = pdf_text(record.content, tmp_path, "zh")
    assert f"销毁记录 #{request.pk}" in text and "机密★" in text and shown.registry_number in text
    assert "审计" in text
    RESULTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "zh.pdf"),
                    str(RESULTS / "destruction-record-zh")], check=True)


def test_refused_before_destruction_and_hidden_from_another_unit(org, papers, head_sec, destroyed, audit_count):
    request, _hidden, _shown = destroyed
    approved = approve_all(org, submit(org, papers), head_sec)
    before = audit_count()
    with pytest.raises(Conflict):
        services.print_destruction_record(actor=org.secretary, request_id=approved.pk, language="en")
    response = api_as(org.secretary).get(f"{REQUESTS}{approved.pk}/record/")
    assert response.status_code == 409 and "not destroyed yet" in response.json()["detail"]
    page = page_as(org.secretary).get(f"/destruction/{approved.pk}/record.pdf")
    assert page.status_code == 409 and "not destroyed yet" in page.content.decode()
    assert "Print the record (PDF)" not in page_as(org.secretary).get(f"/destruction/{approved.pk}/").content.decode()
    assert api_as(org.other_secretary).get(f"{REQUESTS}{request.pk}/record/").status_code == 404
    assert page_as(org.other_secretary).get(f"/destruction/{request.pk}/record.pdf").status_code == 404
    assert api_as(org.secretary).get(f"{REQUESTS}999999/record/").status_code == 404
    assert audit_count() == before


def test_the_api_and_the_page_give_the_pdf(org, destroyed):
    request, _hidden, _shown = destroyed
    response = api_as(org.secretary).get(f"{REQUESTS}{request.pk}/record/?lang=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    detail = page_as(org.secretary).get(f"/destruction/{request.pk}/").content.decode()
    link = f"/destruction/{request.pk}/record.pdf"
    assert link in detail and "Print the record (PDF)" in detail
    assert page_as(org.secretary).get(link).content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="destruction.record_printed", target_id=str(request.pk)).count() == 2
    schema = api_as(org.secretary).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/destruction-requests/{id}/record/"]["get"]
    assert operation["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert {"404", "409"} <= set(operation["responses"])


def test_a_facility_destruction_prints_the_handover_and_the_certificate(org, papers, facilities, head_sec, tmp_path):
    request = approve_all(org, submit(org, papers, method="pulping", route="facility", facility=facilities.good),
                          head_sec)
    services.hand_over_to_facility(actor=org.secretary, request_id=request.pk, courier=org.clerk, declared_count=3,
                                   password=org.password)
    services.receive_for_facility(actor=org.clerk, request_id=request.pk, counted_count=3, password=org.password)
    services.record_certificate(actor=org.clerk, request_id=request.pk, number="XH-0001",
                                issued_on=timezone.localdate(), received_by="张接收",
                                carriers=[c.registry_number for c in papers], password=org.password)
    text = pdf_text(services.print_destruction_record(actor=org.secretary, request_id=request.pk,
                                                      language="en").content, tmp_path)
    assert "定点销毁中心" in text and "XH-2026-01" in text and "XH-0001" in text and "张接收" in text
    assert "Pulping" in text and all(c.registry_number in text for c in papers)
