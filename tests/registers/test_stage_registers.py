"""Every register renders in both languages; its extracted text holds the expected rows, the
register's marking and the signatures (printed name, time, meaning); page 1 of each becomes a PNG
that is not blank."""

import pytest
from django.utils import timezone, translation

from audit.models import Signature
from registers import services
from registers.base import signature_text
from registers.definitions import REGISTERS

from .conftest import first_page_png, ink_ratio, pdf_text

MARKING = {"zh-hans": "机密★", "en": "Secret★"}
PAGE_ONE = {"zh-hans": "第 1 页", "en": "Page 1 of"}


def _flat(text: str) -> str:
    """Text without any whitespace (pdftotext drops or adds spaces around Chinese characters)."""
    return "".join(str(text).split())


def _sig(signature, language) -> list[str]:
    """The parts of a signature cell (a narrow cell wraps, and pdftotext interleaves wrapped cells):
    printed name, date, time, meaning."""
    with translation.override(language):
        text = signature_text(signature)
    name, when, meaning = text.split(" · ")
    return [name, *when.split(" "), meaning]


def _expected(name, stages, org, language) -> list[str]:
    request, dispatch = stages.request, stages.dispatch
    if name == "production":
        approval = Signature.objects.get(target_type="approvals.approvalrequest", target_id=str(request.approval_id),
                                         meaning="approved")
        copies = list(request.run.carriers.filter(intermediate_kind="").values_list("registry_number", flat=True))
        return [f"#{request.pk}", "年度科研计划", approval.printed_name, *_sig(approval, language), *copies]
    if name == "intermediate-materials":
        registered = Signature.objects.get(target_type="carriers.carrier", target_id=str(stages.draft.pk))
        return [stages.draft.registry_number, stages.proof.registry_number, "初稿", "校样",
                *_sig(registered, language)]
    if name == "dispatch-receipt":
        handover = dispatch.handover
        return [dispatch.number, dispatch.receipt_number, *_sig(handover.giver_signature, language),
                *_sig(handover.taker_signature, language), *[c.registry_number for c in stages.outbound]]
    if name == "approvals":
        approval = Signature.objects.get(target_type="approvals.approvalrequest", target_id=str(request.approval_id),
                                         meaning="approved")
        return [f"#{request.approval_id}", "年度科研计划", *_sig(approval, language)]
    if name == "signatures":
        return [org.secretary.person.full_name, org.head_res.person.full_name,
                "holds" if language == "en" else ""]
    if name == "carrier-ledger":
        return [stages.draft.registry_number, *[c.registry_number for c in stages.outbound]]
    if name == "audit-trail":
        return [stages.draft.registry_number, stages.dispatch.number]
    raise AssertionError(f"no expectation for register {name}")


def test_every_discovered_register_has_an_expectation():
    assert {"carrier-ledger", "audit-trail", "production", "intermediate-materials", "dispatch-receipt",
            "approvals", "signatures"} <= set(REGISTERS)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["production", "intermediate-materials", "dispatch-receipt", "approvals",
                                  "signatures", "carrier-ledger", "audit-trail"])
def test_register_pdf_rows_marking_signatures_and_a_page_that_is_not_blank(org, stages, tmp_path, name, language):
    export = services.export_register(actor=org.auditor, name=name, params={}, fmt="pdf", language=language)
    assert export.rows >= 1
    text = _flat(pdf_text(export.content, tmp_path, name))
    register = REGISTERS[name]
    assert _flat(register.title(language)) in text
    assert _flat(MARKING[language]) in text  # every row here is Secret: the register's own marking
    assert _flat(PAGE_ONE[language]) in text
    for expected in _expected(name, stages, org, language):
        if expected:
            assert _flat(expected) in text, (name, language, expected)
    png = first_page_png(export.content, tmp_path, f"register-{name}-{language}")
    assert png.stat().st_size > 2000
    source = tmp_path / f"{name}.pdf"
    assert ink_ratio(source) > 0.01, "page 1 is blank"


@pytest.mark.parametrize("name", ["production", "intermediate-materials", "dispatch-receipt", "approvals",
                                  "signatures"])
def test_stage_register_csv(org, stages, name):
    export = services.export_register(actor=org.auditor, name=name, params={}, fmt="csv", language="en")
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[0] == REGISTERS[name].headers("en")[0]
    assert len(text.splitlines()) == export.rows + 1 or export.rows >= 1


def test_stage_register_filters(org, stages):
    today = timezone.localdate().isoformat()
    production = REGISTERS["production"].draw(user=org.auditor, params={"status": "produced", "kind": "paper",
                                                                        "level": "SECRET", "date_from": today})
    assert [row.pk for row in production.rows] == [stages.request.pk]
    assert not REGISTERS["production"].draw(user=org.auditor, params={"status": "rejected"}).rows
    assert not REGISTERS["production"].draw(user=org.auditor, params={"department": str(org.gen.pk)}).rows
    materials = REGISTERS["intermediate-materials"].draw(user=org.auditor, params={"kind": "proof"})
    assert [row.pk for row in materials.rows] == [stages.proof.pk]
    dispatches = REGISTERS["dispatch-receipt"].draw(user=org.auditor, params={"unit": str(org.unit.pk),
                                                                            "kind": "confidential_courier"})
    assert [row.pk for row in dispatches.rows] == [stages.dispatch.pk]
    assert not REGISTERS["dispatch-receipt"].draw(user=org.auditor, params={"kind": "hand_delivery"}).rows
    approvals = REGISTERS["approvals"].draw(user=org.auditor, params={"kind": "production", "status": "approved"})
    assert [row.pk for row in approvals.rows] == [stages.request.approval_id]
    signatures = REGISTERS["signatures"].draw(user=org.auditor, params={"kind": "approved"})
    assert {s.meaning for s in signatures.rows} == {"approved"}


def test_stage_registers_read_through_the_gate(org, stages):
    """An auditor cleared to Confidential sees none of the Secret rows; one of another unit sees
    none of unit U's."""
    for name in ("production", "intermediate-materials", "approvals"):
        assert not REGISTERS[name].draw(user=stages.low_auditor, params={}).rows, name
    assert not REGISTERS["dispatch-receipt"].draw(user=stages.low_auditor, params={}).rows


def test_stage_registers_one_query_set_not_one_per_row(org, stages, django_assert_max_num_queries):
    for name in ("production", "intermediate-materials", "dispatch-receipt", "approvals", "signatures"):
        register = REGISTERS[name]
        with django_assert_max_num_queries(12):
            extract = register.draw(user=org.auditor, params={})
            with translation.override("en"):
                register.cells(extract)


@pytest.mark.parametrize("params", [{"level": "COSMIC"}, {"unit": "abc"}, {"date_from": "2026-13-01"},
                                    {"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                                    {"date_from": "2026-05-02", "date_to": "2026-05-01"}, {"kind": "bogus"}])
@pytest.mark.parametrize("name", ["production", "intermediate-materials", "dispatch-receipt", "approvals"])
def test_stage_register_bad_filters_are_400(org, name, params):
    from common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.export_register(actor=org.auditor, name=name, params=params, fmt="pdf", language="en")
