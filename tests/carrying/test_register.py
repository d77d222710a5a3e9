"""The carrying-out register (registers contract): PDF and CSV in both languages, with the
carriers, the person carrying, the approvers' and both handovers' signatures."""

import subprocess

import pytest

from registers import services

from .conftest import carried_out, checked_in


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pdf_and_csv(org, out, tmp_path, language):
    back = checked_in(org, carried_out(org, out[:2], scope="abroad"))
    still_out = carried_out(org, out[2:])
    pdf = services.export_register(actor=org.auditor, name="carrying-out", params={}, fmt="pdf", language=language)
    text = pdf_text(pdf.content, tmp_path)
    csv = services.export_register(actor=org.auditor, name="carrying-out", params={}, fmt="csv",
                                   language=language).content.decode("utf-8-sig")
    assert pdf.rows == 2
    assert back.number in csv and still_out.number in csv
    for document in (text.replace(" ", ""), csv.replace(" ", "")):
        assert all(c.registry_number in document for c in out)
        # approvers (department head, secrecy office, unit head), holder and person carrying
        for name in ("head_res-name", "unit_head-name", "secretary-name", "staff_core-name"):
            assert name in document
    if language == "en":
        assert "Register of carrying out" in text and "Abroad (out of the country)" in csv
        assert "Handed over" in csv and "Received" in csv and "Approved" in csv
    else:
        assert "涉密载体携带外出登记簿" in text and "携带人" in csv


def test_only_what_the_reader_may_see_and_the_period(org, out):
    carried_out(org, out[:1])
    assert services.export_register(actor=org.other_secretary, name="carrying-out", params={}, fmt="csv",
                                    language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="carrying-out",
                                    params={"date_from": "2001-01-01", "date_to": "2001-12-31"}, fmt="csv",
                                    language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="carrying-out", params={"kind": "domestic"},
                                    fmt="csv", language="en").rows == 1
