"""Every register the project defines (the built-in ones and those each stage's registers.py adds)
renders in both languages for an auditor: its title and "page 1" in the extracted PDF text, a
CSV with its headers, and page 1 turned into a PNG that is not blank. The stages' own tests check
their rows and signatures; this one makes sure no register is left out or broken."""

import pytest

from registers import services
from registers.definitions import REGISTERS

from .conftest import first_page_png, ink_ratio, pdf_text

PAGE_ONE = {"zh-hans": "第 1 页", "en": "Page 1 of"}
ALL = sorted(REGISTERS)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_every_stage_has_its_register():
    assert {
        "carrier-ledger", "audit-trail", "production", "intermediate-materials", "dispatch-receipt",
        "reading-sessions", "circulations", "loans", "copying", "extracts-compilations", "carrying-out",
        "storage", "retentions", "inventories", "destruction", "declassification-reviews",
        "meeting-distribution", "approvals", "signatures",
    } <= set(ALL), ALL


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ALL)
def test_register_renders_in_both_languages(org, tmp_path, name, language):
    export = services.export_register(actor=org.auditor, name=name, params={}, fmt="pdf", language=language)
    text = _flat(pdf_text(export.content, tmp_path, name))
    assert _flat(REGISTERS[name].title(language)) in text
    assert _flat(PAGE_ONE[language]) in text
    png = first_page_png(export.content, tmp_path, f"every-register-{name}-{language}")
    assert png.stat().st_size > 1000
    assert ink_ratio(tmp_path / f"{name}.pdf") > 0.005, f"{name} ({language}): page 1 is blank"
    csv = services.export_register(actor=org.auditor, name=name, params={}, fmt="csv", language=language)
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(",")[0] == REGISTERS[name].headers(language)[0]
