"""The paper witness of an inventory check (issue 16, item 6): once closed, its record prints as an
A4 PDF in the reader's language with its facts, counts, the lines the reader may see (the others
counted, never named), both signatures, the incidents it opened, and the signed audit checkpoint
it was drawn from (text and QR code). Refused while open (409); another unit's reader: 404;
printing is audited."""

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from carriers.storage import services
from common.errors import Conflict
from common.levels import Level
from incidents.models import Incident
from tests.factories import api_token, register

pytestmark = pytest.mark.django_db
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


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
def closed(org, kept):
    """A cabinet inventory: one found, one misplaced, one missing (a loss incident), an unexpected
    number not in the registry, and another unit's carrier seen here (the secretary may not open it)."""
    missing, misplaced, found, _top = kept
    stranger = register(org.other_secretary, container=org.other_safe, level=Level.SECRET, copy_number="000001",
                        copies_total=1, title="乙单位文件")
    inventory = services.open_inventory(actor=org.secretary, scope="container", container=org.cabinet,
                                        note="季度清查")
    for number, where in ((found.registry_number, org.cabinet), (misplaced.registry_number, org.room),
                          ("U-1999-999999", org.cabinet), (stranger.registry_number, org.cabinet)):
        services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number=number, container=where)
    services.close_inventory(actor=org.secretary, password=org.password, inventory_id=inventory.pk,
                             second_signer=org.clerk, second_password=org.password, remedial_measures="封存现场")
    return inventory, {"missing": missing, "misplaced": misplaced, "found": found, "stranger": stranger}


def test_the_record_prints_the_facts_the_lines_and_the_witness(org, closed, tmp_path):
    inventory, carriers = closed
    before = AuditEvent.objects.filter(action="inventory.record_printed").count()
    record = services.print_inventory_record(actor=org.secretary, inventory_id=inventory.pk, language="en")
    assert record.content.startswith(b"%PDF-") and record.content_type == "application/pdf"
    text = pdf_text(record.content, tmp_path)
    assert f"Inventory check record #{inventory.pk}" in text and "Secret★" in text
    assert "CAB" in text and "secretary-name" in text and "季度清查" in text and "封存现场" in text
    assert "Expected 3" in text and "Found 1" in text and "Misplaced 1" in text and "Missing 1" in text
    assert "Unexpected 2" in text
    for key in ("missing", "misplaced", "found"):
        assert carriers[key].registry_number in text
    assert "U-1999-999999" in text
    # another unit's carrier: counted, never named
    assert carriers["stranger"].registry_number not in text and "乙单位文件" not in text
    assert "1 more line names a carrier that is not visible to you." in text
    # both signers with their times and meaning
    assert "secretary-name" in text and "clerk-name" in text and "Checked" in text
    # the loss incident names the secretary as the last holder: routed to the head of the unit and
    # hidden from the secretary, so their record does not name it; the clerk's does
    incident = Incident.objects.get(source=f"inventory:{inventory.pk}")
    assert incident.routed_to_head and incident.number not in text
    head_text = pdf_text(services.print_inventory_record(actor=org.clerk, inventory_id=inventory.pk,
                                                         language="en").content, tmp_path, "head")
    assert incident.number in head_text and carriers["missing"].registry_number in head_text
    # the witness: the checkpoint it was drawn from, as text (and QR code)
    assert f"Signed checkpoint of the audit trail: {record.checkpoint_seq} events" in text
    assert f"RACP1;{record.checkpoint_seq};" in text.replace("\n", "").replace(" ", "")
    assert b"<svg" not in record.content  # the QR code is drawn, not embedded as markup
    # audited in the same transaction, naming the checkpoint printed
    event = AuditEvent.objects.filter(action="inventory.record_printed", actor=org.secretary).get()
    assert AuditEvent.objects.filter(action="inventory.record_printed").count() == before + 2
    assert event.target_id == str(inventory.pk) and event.details["checkpoint"] == record.checkpoint_seq
    assert event.details["hidden_lines"] == 1 and event.details["language"] == "en"


def test_the_record_in_chinese(org, closed, tmp_path):
    inventory, carriers = closed
    record = services.print_inventory_record(actor=org.secretary, inventory_id=inventory.pk, language="zh-hans")
    text = pdf_text(record.content, tmp_path, "zh")
    assert f"清查记录 #{inventory.pk}" in text and "机密★" in text and carriers["found"].registry_number in text
    assert "审计" in text and carriers["stranger"].registry_number not in text
    RESULTS.mkdir(exist_ok=True)
    source = tmp_path / "zh.pdf"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(RESULTS / "inventory-record-zh")], check=True)


def test_refused_while_open_and_hidden_from_another_unit(org, kept, closed, audit_count):
    inventory, _carriers = closed
    still_open = services.open_inventory(actor=org.secretary, scope="container", container=org.safe)
    before = audit_count()
    with pytest.raises(Conflict):
        services.print_inventory_record(actor=org.secretary, inventory_id=still_open.pk, language="en")
    response = api_as(org.secretary).get(f"/api/v1/inventories/{still_open.pk}/record/")
    assert response.status_code == 409 and "still open" in response.json()["detail"]
    page = page_as(org.secretary).get(f"/storage/inventories/{still_open.pk}/record.pdf")
    assert page.status_code == 409 and "still open" in page.content.decode()
    # another unit's reader: as if it did not exist
    assert api_as(org.other_secretary).get(f"/api/v1/inventories/{inventory.pk}/record/").status_code == 404
    assert page_as(org.other_secretary).get(f"/storage/inventories/{inventory.pk}/record.pdf").status_code == 404
    assert api_as(org.secretary).get("/api/v1/inventories/999999/record/").status_code == 404
    assert api_as(org.secretary).get(f"/api/v1/inventories/{inventory.pk}/record/?lang=fr").status_code == 400
    assert audit_count() == before


def test_the_api_and_the_page_give_the_pdf(org, closed):
    inventory, _carriers = closed
    response = api_as(org.secretary).get(f"/api/v1/inventories/{inventory.pk}/record/?lang=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and "attachment" in response["Content-Disposition"]
    detail = page_as(org.secretary).get(f"/storage/inventories/{inventory.pk}/")
    link = f"/storage/inventories/{inventory.pk}/record.pdf"
    assert link in detail.content.decode() and "Print the record (PDF)" in detail.content.decode()
    response = page_as(org.secretary).get(link)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="inventory.record_printed", target_id=str(inventory.pk)).count() == 2


def test_the_schema_documents_the_record(org):
    schema = api_as(org.secretary).get("/api/schema/?format=json")
    assert schema.status_code == 200, schema.content[:300]
    operation = schema.json()["paths"]["/api/v1/inventories/{id}/record/"]["get"]
    assert operation["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert {"404", "409"} <= set(operation["responses"])
