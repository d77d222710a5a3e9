"""The copying registers (registers contract): PDF and CSV in both languages, with the copies, the
approvers' and the registration signatures; extracts and compilations with their sources."""

import subprocess

import pytest

from registers import services

from .conftest import approve_compilation, approved_copy, ask_compilation, execute, extract, make


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_copying_register(org, licence, src, tmp_path, language):
    from carriers.copying import selectors

    request = approved_copy(org, src.secret, copies=2)
    execute(org, request)
    copies = list(selectors.copies_of(user=org.secretary, request=request))
    pdf = services.export_register(actor=org.auditor, name="copying", params={}, fmt="pdf", language=language)
    csv = services.export_register(actor=org.auditor, name="copying", params={}, fmt="csv",
                                   language=language).content.decode("utf-8-sig")
    text = pdf_text(pdf.content, tmp_path)
    assert pdf.rows == 1
    for document in (text.replace(" ", ""), csv.replace(" ", "")):
        assert src.secret.registry_number in document
        assert all(c.registry_number in document for c in copies)
        assert "head_res-name" in document and "secretary-name" in document
    if language == "en":
        assert "Register of copying" in text and "Approved" in csv and "Registered" in csv
    else:
        assert "涉密载体复制登记簿" in text and "原件" in csv


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_extracts_and_compilations_register(org, src, tmp_path, language):
    summary = extract(org, [src.secret, src.conditional]).carrier
    compiled = make(org, approve_compilation(org, ask_compilation(org, [src.secret, src.later]))).carrier
    pdf = services.export_register(actor=org.auditor, name="extracts-compilations", params={}, fmt="pdf",
                                   language=language)
    csv = services.export_register(actor=org.auditor, name="extracts-compilations", params={}, fmt="csv",
                                   language=language).content.decode("utf-8-sig")
    text = pdf_text(pdf.content, tmp_path)
    assert pdf.rows == 2
    for document in (text.replace(" ", ""), csv.replace(" ", "")):
        for number in (summary.registry_number, compiled.registry_number, src.secret.registry_number,
                       src.later.registry_number):
            assert number in document
        assert "unit_head-name" in document and "secretary-name" in document
    assert "项目验收后解密" in csv
    if language == "en":
        assert "Register of extracts and compilations" in text and "Compilation" in csv
    else:
        assert "涉密载体摘录、汇编登记簿" in text and "汇编" in csv


def test_only_what_the_reader_may_see_and_the_filters(org, src):
    extract(org, [src.secret])
    assert services.export_register(actor=org.other_secretary, name="extracts-compilations", params={},
                                    fmt="csv", language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="extracts-compilations", params={"kind": "compilation"},
                                    fmt="csv", language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="extracts-compilations",
                                    params={"date_from": "2001-01-01", "date_to": "2001-12-31"}, fmt="csv",
                                    language="en").rows == 0
    assert services.export_register(actor=org.auditor, name="extracts-compilations", params={"kind": "extract"},
                                    fmt="csv", language="en").rows == 1
