"""The destruction register (registers contract): exported as PDF and CSV in both languages, its
rows are the destroyed carriers with who approved, who destroyed, who supervised (each signature
with printed name, time and meaning), the method and the time."""

import subprocess

import pytest

from registers import services

from .conftest import execute

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def destroyed(org, approved, papers):
    return execute(org, approved)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pdf_and_csv(org, destroyed, papers, head_sec, tmp_path, language):
    pdf = services.export_register(actor=org.auditor, name="destruction", params={}, fmt="pdf", language=language)
    text = pdf_text(pdf.content, tmp_path)
    csv = services.export_register(actor=org.auditor, name="destruction", params={}, fmt="csv",
                                   language=language).content.decode("utf-8-sig")
    assert pdf.rows == 3
    for document in (text, csv):
        assert all(c.registry_number in document for c in papers)
        assert "secretary-name" in document and "clerk-name" in document and "head_sec-name" in document
    if language == "en":
        assert "Register of destroyed classified carriers" in text and "Shredding" in csv
        assert "Destroyed beyond recovery" in csv and "Supervised the destruction" in csv and "Approved" in csv
    else:
        assert "涉密载体销毁登记" in text and "监销人" in csv


def test_only_what_the_reader_may_see(org, destroyed):
    other = services.export_register(actor=org.other_secretary, name="destruction", params={}, fmt="csv",
                                     language="en")
    assert other.rows == 0


def test_period_filter(org, destroyed):
    none = services.export_register(actor=org.auditor, name="destruction",
                                    params={"date_from": "2001-01-01", "date_to": "2001-12-31"}, fmt="csv",
                                    language="en")
    assert none.rows == 0


def test_a_batch_destroyed_at_a_facility(org, papers, facilities, head_sec):
    from django.utils import timezone

    from carriers.destruction import services as destruction

    from .conftest import approve_all, submit

    batch = approve_all(org, submit(org, papers, route="facility", facility=facilities.good, method="pulping"),
                        head_sec)
    destruction.hand_over_to_facility(actor=org.secretary, password=org.password, request_id=batch.pk,
                                      courier=org.clerk, declared_count=3)
    destruction.receive_for_facility(actor=org.clerk, password=org.password, request_id=batch.pk, counted_count=3)
    destruction.record_certificate(actor=org.clerk, password=org.password, request_id=batch.pk, number="XH-77",
                                   issued_on=timezone.localdate(), received_by="张接收",
                                   carriers=[c.registry_number for c in papers])
    csv = services.export_register(actor=org.auditor, name="destruction", params={}, fmt="csv",
                                   language="en").content.decode("utf-8-sig")
    assert "定点销毁中心" in csv and "XH-77" in csv and "张接收" in csv and "Pulping" in csv
    assert "clerk-name" in csv and "Received and counted" in csv
