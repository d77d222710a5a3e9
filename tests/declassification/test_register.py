"""The secrecy-period review register (registers contract): PDF and CSV in both languages, with
the carrier, the classification before and after and the approvers' signatures."""

import subprocess

import pytest

from registers import services

from .conftest import approve_all, propose


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pdf_and_csv(org, periods, tmp_path, language):
    approve_all(org, propose(org, periods.soon, outcome="extend", new_secrecy_years=15))
    approve_all(org, propose(org, periods.ended, outcome="declassify"))
    pdf = services.export_register(actor=org.auditor, name="declassification-reviews", params={}, fmt="pdf",
                                   language=language)
    text = pdf_text(pdf.content, tmp_path)
    csv = services.export_register(actor=org.auditor, name="declassification-reviews", params={}, fmt="csv",
                                   language=language).content.decode("utf-8-sig")
    assert pdf.rows == 2
    for document in (text.replace(" ", ""), csv.replace(" ", "")):
        assert periods.soon.registry_number in document and periods.ended.registry_number in document
        assert "head_res-name" in document and "secretary-name" in document  # the approvers' signatures
    assert "staff_core-name" in csv  # who proposed it
    if language == "en":
        assert "Register of secrecy-period reviews" in text.replace("\n", " ")
        assert "Secret★15 years" in csv and "Declassified" in csv and "Approved" in csv
    else:
        assert "保密期限审核" in text.replace(" ", "") and "机密★15年" in csv and "解密" in csv


def test_only_what_the_reader_may_see(org, periods):
    propose(org, periods.soon, outcome="declassify")
    assert services.export_register(actor=org.other_secretary, name="declassification-reviews", params={},
                                    fmt="csv", language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="declassification-reviews",
                                    params={"kind": "declassify"}, fmt="csv", language="en").rows == 1
