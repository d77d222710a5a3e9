"""Register fixtures: a unit with one of everything the stage registers show (a produced request
with its approval signature, intermediate materials, a dispatch received and signed), the
export directory under tmp_path, and helpers to read PDFs."""

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from common.levels import Level
from personnel import roles
from tests.factories import PersonFactory
from tests.factories import register as register_carrier

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_EXPORT_DIR": str(tmp_path / "exports")}


@pytest.fixture
def stages(org):
    """Production: a Secret request for 2 copies approved by the head of Research and run, a draft
    kept and a proof to destroy; transmission: a dispatch of two Secret carriers to unit X, received
    and signed; and an auditor cleared to Confidential only."""
    from django.utils import timezone

    from approvals import services as approvals
    from carriers.production import services as production
    from carriers.transmission import services as transmission

    today = timezone.localdate()
    place = production.create_place(
        actor=org.secretary, name_zh="印制室", name_en="Print room", approval_reference="保密〔2026〕1号",
        max_level=Level.TOP_SECRET, valid_from=today.replace(year=today.year - 1),
        valid_until=today.replace(year=today.year + 1),
    )
    request = production.submit_production_request(
        actor=org.staff_core, title="年度科研计划", kind="paper", level=Level.SECRET, secrecy_years=10, copies=2,
        purpose="下发执行", place=place, scope_departments=[org.res], scope_people=[], scope_units=[org.other_unit],
    )
    approvals.decide(actor=org.head_res, request_id=request.approval_id, outcome="approve", password=org.password)
    run = production.run_production(actor=org.secretary, password=org.password, request_id=request.pk,
                                    container=org.cabinet)
    draft = production.register_intermediate(actor=org.secretary, password=org.password, run_id=run.pk,
                                             intermediate_kind="draft", disposition="keep", description="初稿")
    proof = production.register_intermediate(actor=org.secretary, password=org.password, run_id=run.pk,
                                             intermediate_kind="proof", disposition="destroy", description="校样")
    outbound = [
        register_carrier(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                         scope_units=[org.other_unit], title=f"发往乙单位的文件{i}")
        for i in (1, 2)
    ]
    sent = transmission.dispatch(actor=org.secretary, password=org.password, recipient=org.other_secretary,
                                 carriers=outbound, declared_count=2, channel="confidential_courier")
    transmission.receive(actor=org.other_secretary, password=org.password, dispatch_id=sent.pk, counted_count=2,
                         container=org.other_safe)
    request.refresh_from_db()
    sent.refresh_from_db()
    low_auditor = PersonFactory(
        user__username="auditor_low", department=org.sec, unit=org.unit, secrecy_post="general",
        roles=[roles.AUDITOR], full_name="审计员丙",
    ).user
    return SimpleNamespace(request=request, run=run, draft=draft, proof=proof, outbound=outbound, dispatch=sent,
                           low_auditor=low_auditor)


def pdf_text(pdf: bytes | Path, tmp_path, name="register") -> str:
    path = Path(pdf) if isinstance(pdf, Path) else tmp_path / f"{name}.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def first_page_png(pdf: bytes | Path, tmp_path, name: str) -> Path:
    """Page 1 as a PNG in test-results/ (to look at), 50 dpi."""
    RESULTS.mkdir(exist_ok=True)
    source = Path(pdf) if isinstance(pdf, Path) else tmp_path / f"{name}.pdf"
    if not isinstance(pdf, Path):
        source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(RESULTS / name)], check=True, timeout=60)
    return RESULTS / f"{name}.png"


def ink_ratio(pdf: Path, page: int = 1) -> float:
    """Share of a page's pixels that are not near-white (the page rendered grey at 30 dpi)."""
    out = subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True, timeout=60).stdout
    assert out[:2] == b"P5"
    fields, pos = [], 2
    while len(fields) < 3:  # width, height, maxval, separated by whitespace
        while out[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not out[pos:pos + 1].isspace():
            pos += 1
        fields.append(int(out[start:pos]))
    pixels = out[pos + 1:pos + 1 + fields[0] * fields[1]]
    return sum(1 for value in pixels if value < 200) / max(1, len(pixels))
