"""An export's progress moves as it works (issue 18, item 8): the job reports drawing the rows,
checking the chain and making the cells, then each chunk rendered (its HTML, then its PDF in a
worker process), the page numbers and the join; a CSV reports each chunk of rows written. The bar
never jumps from 1 % to 100 %."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from common.levels import Level
from registers import rendering, services
from registers.models import JobStatus
from tests.factories import register


def _context():
    chain = SimpleNamespace(count=1, head="ab" * 32, ok=True, broken_seq=None)
    return {"lang": "en", "title": "Register", "marking": "Secret", "headers": ["No.", "Title"],
            "widths": ["30%", "70%"], "column_css": ["", ""], "unit": "Unit U", "period": (None, None),
            "filters": [], "chain": chain, "drawn_at": timezone.now(), "exported_by": "auditor"}


def test_a_chunked_pdf_reports_every_chunk(tmp_path):
    rows = [[f"ROW-{i:03d}", f"Title {i}"] for i in range(8)]
    seen = []
    rendering.render_register_pdf(_context(), rows, tmp_path / "r.pdf", chunk_rows=2, workers=1, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0
    inside = [f for f in seen if 0 < f < 1]
    # 4 chunks: 4 HTML steps, 4 PDF steps, the page numbers
    assert len(set(inside)) >= 9, seen
    assert max(b - a for a, b in zip([0.0, *seen], seen, strict=False)) <= 0.2, seen


def test_a_csv_reports_each_chunk_of_rows():
    seen = []
    data = rendering.render_csv(["a", "b"], [[str(i), "x"] for i in range(10)], progress=seen.append, chunk_rows=3)
    assert seen == [0.3, 0.6, 0.9, 1.0]
    assert data.decode("utf-8-sig").count("\r\n") == 11


@pytest.fixture
def carriers(org):
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"机密文件{i}") for i in range(5)]


def test_the_job_reports_its_phases_then_its_chunks(org, carriers, monkeypatch, settings,
                                                     django_capture_on_commit_callbacks):
    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_CHUNK_ROWS": 2}
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_export(actor=org.auditor, name="carrier-ledger", params={"level": "SECRET"},
                                      fmt="csv", language="en")
    seen = []
    original = services._set_progress
    monkeypatch.setattr(services, "_set_progress", lambda pk, token, f: (seen.append(round(f, 3)), original(pk, token, f)))
    job = services.run_export(export_id=job.pk)
    assert job.status == JobStatus.DONE and job.progress == 100
    assert seen[:3] == [services.DRAWN, services.CHAIN_CHECKED, services.CELLS_MADE]
    assert len(seen) >= 3 + 3 and seen == sorted(seen) and seen[-1] == 1.0  # 5 rows in chunks of 2: 3 more


def test_filter_errors_name_the_field_by_its_label(client, org):
    """No raw codes in messages (issue 18, item 6): a bad filter says which field by its label."""
    from django.urls import reverse

    client.force_login(org.auditor)
    response = client.post(reverse("registers:start", kwargs={"name": "carrier-ledger"}),
                           {"level": "NOT_A_LEVEL", "lang": "en"})
    html = response.content.decode()
    assert response.status_code == 400
    errors = html[html.index('class="errors"'):].split("</div>")[0]
    assert "<p>Classification level: " in errors and "<p>level:" not in errors and "__all__" not in errors
    response = client.post(reverse("registers:start", kwargs={"name": "production"}),
                           {"date_from": "2026-05-02", "date_to": "2026-05-01", "lang": "en"})
    errors = response.content.decode().split('class="errors"')[1].split("</div>")[0]
    assert "ends before it starts" in errors and "__all__" not in errors and "<p>date_to:" not in errors
