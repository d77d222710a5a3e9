"""The use stage's registers (registers contract): reading sessions, circulation and borrowing, as
PDF and CSV in both languages, with their rows and signatures; only what the reader may see."""

import subprocess

import pytest

from carriers.use import services
from registers import services as registers


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def export(org, name, language, tmp_path, params=None):
    pdf = registers.export_register(actor=org.auditor, name=name, params=params or {}, fmt="pdf", language=language)
    csv = registers.export_register(actor=org.auditor, name=name, params=params or {}, fmt="csv", language=language)
    return pdf.rows, pdf_text(pdf.content, tmp_path).replace(" ", ""), csv.content.decode("utf-8-sig").replace(" ", "")


@pytest.fixture
def used(org, docs, room, flow):
    """A reading session, a completed circulation and a returned loan, all of Unit U."""
    services.record_session(actor=org.secretary, carrier=docs[0], reader=org.staff_important, place=room,
                            rules_told=True, purpose="审阅")
    circulation = services.start_circulation(actor=org.secretary, carrier=docs[1],
                                             readers=[org.staff_core, org.head_res])
    for reader in (org.staff_core, org.head_res):
        services.sign_circulation(actor=reader, password=org.password, circulation_id=circulation.pk)
    loan = flow.on_loan(docs[2])
    flow.give_back(loan)
    flow.take_back(loan)
    return docs


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_three_registers(org, used, tmp_path, language):
    rows, text, csv = export(org, "reading-sessions", language, tmp_path)
    assert rows == 1
    for document in (text, csv):
        assert used[0].registry_number in document and "staff_important-name" in document
    rows, text, csv = export(org, "circulations", language, tmp_path)
    assert rows == 1
    for document in (text, csv):
        assert used[1].registry_number in document
        assert "staff_core-name" in document and "head_res-name" in document
    rows, text, csv = export(org, "loans", language, tmp_path)
    assert rows == 1
    for document in (text, csv):
        assert used[2].registry_number in document and "staff_core-name" in document
        assert "secretary-name" in document
    if language == "en":
        assert "Registerofborrowing" in text and "Handedover" in csv and "Receivedandcounted" in csv
        assert "Returned" in csv
    else:
        assert "涉密载体借阅登记簿" in text and "借阅人" in csv


def test_only_what_the_reader_may_see_and_filters(org, used):
    for name in ("reading-sessions", "circulations", "loans"):
        assert registers.export_register(actor=org.other_secretary, name=name, params={}, fmt="csv",
                                         language="en").rows == 0
        assert registers.export_register(actor=org.auditor, name=name,
                                         params={"date_from": "2001-01-01", "date_to": "2001-12-31"}, fmt="csv",
                                         language="en").rows == 0
    assert registers.export_register(actor=org.auditor, name="loans", params={"status": "on_loan"}, fmt="csv",
                                     language="en").rows == 0
    assert registers.export_register(actor=org.auditor, name="loans", params={"status": "returned"}, fmt="csv",
                                     language="en").rows == 1
