"""Background register exports: a job with progress, retry, download by the requester within
clearance, expiry; bad requests make no job; chunked rendering keeps page numbers right."""

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from personnel.models import Person
from registers import rendering, services
from registers.models import JobStatus, RegisterExport
from tests.factories import api_token, register

from .conftest import first_page_png, ink_ratio, pdf_text


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def carriers(org):
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"机密文件{i}") for i in range(3)]


def _pages_in_order(text: str, language="en") -> list[tuple[int, int]]:
    pattern = r"Page (\d+) of (\d+)" if language == "en" else r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页"
    return [(int(a), int(b)) for a, b in re.findall(pattern, text)]


# --- the job --------------------------------------------------------------------------------------


def test_export_job_runs_with_progress_and_is_audited(org, carriers, tmp_path, django_capture_on_commit_callbacks,
                                                      monkeypatch, settings):
    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_CHUNK_ROWS": 1}  # three chunks in worker processes
    started = []
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: started.append(export_id))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_export(actor=org.auditor, name="carrier-ledger", params={"level": "SECRET", "junk": "x"},
                                      fmt="pdf", language="en")
    assert started == [job.pk]  # queued once the transaction committed
    assert job.status == JobStatus.QUEUED and job.progress == 0 and job.rows == 3 and job.level == Level.SECRET
    assert job.filters == {"level": "SECRET"}
    seen = []
    original = services._set_progress
    monkeypatch.setattr(services, "_set_progress", lambda pk, token, f: (seen.append(f), original(pk, token, f)))
    job = services.run_export(export_id=job.pk)
    assert job.status == JobStatus.DONE and job.progress == 100 and job.pages >= 3
    assert seen == sorted(seen) and 0 < seen[0] < 1 and seen[-1] == 1.0
    path = services.export_dir() / job.result_path
    text = pdf_text(path, tmp_path)
    assert [c.registry_number in text for c in carriers] == [True, True, True]
    assert _pages_in_order(text) == [(n, job.pages) for n in range(1, job.pages + 1)]
    assert job.expires_at - job.finished_at == timedelta(hours=settings.REGISTRY["REGISTER_EXPORT_KEEP_HOURS"])
    actions = list(AuditEvent.objects.filter(details__export=job.pk).values_list("action", flat=True))
    assert actions == ["register.export_requested", "register.exported"]
    exported = AuditEvent.objects.get(action="register.exported", details__export=job.pk)
    assert exported.details["chain_head"] == job.chain_head and exported.details["rows"] == 3
    # run again (a redelivered task): nothing happens
    assert services.run_export(export_id=job.pk).status == JobStatus.DONE
    assert AuditEvent.objects.filter(details__export=job.pk).count() == 2


def test_download_only_by_the_requester_within_clearance(org, carriers, audit_count):
    job = services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="csv", language="en")
    with pytest.raises(Conflict):  # not run yet
        services.download_export(actor=org.auditor, export_id=job.pk)
    services.run_export(export_id=job.pk)
    result = services.download_export(actor=org.auditor, export_id=job.pk)
    assert result.path.read_bytes().decode("utf-8-sig").count("机密文件") == 3
    assert AuditEvent.objects.filter(action="register.export_downloaded", details__export=job.pk).count() == 1
    with pytest.raises(Exception) as other:  # the secretary is no requester: as missing as no job
        services.download_export(actor=org.secretary, export_id=job.pk)
    assert other.type.__name__ == "Http404"
    # the auditor's post changes: clearance now Confidential, below the register's level
    Person.objects.filter(user=org.auditor).update(secrecy_post="general")
    org.auditor.refresh_from_db()
    before = audit_count()
    with pytest.raises(Refused, match="clearance"):
        services.download_export(actor=org.auditor, export_id=job.pk)
    assert audit_count() == before


def test_above_clearance_unknown_register_and_bad_filters_make_no_job(org, carriers, audit_count):
    low = org.staff_general  # not an auditor at all
    before = audit_count()
    with pytest.raises(Refused):
        services.request_export(actor=low, name="carrier-ledger", params={}, fmt="pdf", language="en")
    clerk = org.clerk  # secrecy office, cleared to Secret
    with pytest.raises(Refused, match="cleared up to"):
        services.request_export(actor=clerk, name="carrier-ledger", params={"level": "TOP_SECRET"}, fmt="pdf",
                                language="en")
    with pytest.raises(Exception) as missing:
        services.request_export(actor=org.auditor, name="no-such-register", params={}, fmt="pdf", language="en")
    assert missing.type.__name__ == "Http404"
    for params in ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, {"date_from": "yesterday"},
                   {"level": "COSMIC"}, {"unit": "-4"}):
        with pytest.raises(ValidationFailed):
            services.request_export(actor=org.auditor, name="carrier-ledger", params=params, fmt="pdf", language="en")
    with pytest.raises(ValidationFailed):
        services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="docx", language="fr")
    assert RegisterExport.objects.count() == 0 and audit_count() == before


def test_a_failed_job_says_why_and_retry_works(org, carriers, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: None)
    job = services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="pdf", language="zh-hans")

    def broken(*args, **kwargs):
        raise rendering.RenderFailed("worker ran out of memory")

    monkeypatch.setattr(services, "render_register_pdf", broken)
    job = services.run_export(export_id=job.pk)
    assert job.status == JobStatus.FAILED and "out of memory" in job.error
    assert not list(services.export_dir().iterdir())
    assert AuditEvent.objects.filter(action="register.export_failed", details__export=job.pk).exists()
    with pytest.raises(Conflict):
        services.download_export(actor=org.auditor, export_id=job.pk)
    with pytest.raises(Exception) as not_theirs:
        services.retry_export(actor=org.secretary, export_id=job.pk)
    assert not_theirs.type.__name__ == "Http404"
    monkeypatch.undo()
    # the broker takes it (common/outbox.py marks the job handed over)
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: RegisterExport.objects.filter(
        pk=export_id).update(dispatched_at=timezone.now()))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.retry_export(actor=org.auditor, export_id=job.pk)
    job.refresh_from_db()  # handed over after commit
    assert job.status == JobStatus.QUEUED and job.error == "" and job.dispatched_at is not None
    with pytest.raises(Conflict):  # only a failed or stuck job is retried; this one is with the broker
        services.retry_export(actor=org.auditor, export_id=job.pk)
    job = services.run_export(export_id=job.pk)
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_expired_results_are_deleted(org, carriers):
    job = services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="csv", language="en")
    job = services.run_export(export_id=job.pk)
    path = services.export_dir() / job.result_path
    assert path.is_file()
    assert services.purge_expired_exports(now=job.expires_at - timedelta(seconds=1)) == 0
    assert services.purge_expired_exports(now=job.expires_at) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.EXPIRED and not path.exists()
    with pytest.raises(Conflict, match="expired"):
        services.download_export(actor=org.auditor, export_id=job.pk)


def test_embedded_mode_runs_the_job_in_a_thread(org, settings, monkeypatch):
    """Without a broker the job starts in a thread of this process (the web process in make run)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    calls = []
    threads = []
    import threading

    real_thread = threading.Thread

    def spy(*args, **kwargs):
        thread = real_thread(*args, **kwargs)
        threads.append(thread)
        return thread

    monkeypatch.setattr(services.threading, "Thread", spy)
    monkeypatch.setattr(services, "close_old_connections", lambda: None)
    services._start_in_background("registers.tasks.run_register_export", lambda **kw: calls.append(kw), export_id=7)
    threads[0].join(timeout=10)
    assert calls == [{"export_id": 7}]


# --- chunks and page numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_page_numbers_run_across_chunks(tmp_path, language):
    """A register of 90 rows in chunks of 20 (5 chunks, 2 worker processes): the joined PDF reads
    page 1 of N ... page N of N in order, every page has the marking and the chain head, every row
    is there once, and the first page is not blank."""
    rows = [[f"ROW-{i:04d}", f"机密文件第{i}号", "x" * (i % 7)] for i in range(90)]
    chain = SimpleNamespace(count=42, head="c0ffee" + "0" * 58, ok=True, broken_seq=None)
    context = {"lang": language, "title": "测试登记簿", "marking": "机密★", "headers": ["No.", "Title", "Pad"],
               "widths": ["20%", "60%", "20%"], "column_css": ["", "", ""], "unit": "甲单位", "period": (None, None),
               "filters": [], "chain": chain, "drawn_at": timezone.now(), "exported_by": "审计员"}
    out = tmp_path / "chunked.pdf"
    pages = rendering.render_register_pdf(context, rows, out, chunk_rows=20, workers=2)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {pages}" in info or re.search(rf"Pages:\s+{pages}\b", info)
    assert pages >= 5
    text = pdf_text(out, tmp_path)
    assert _pages_in_order(text, language) == [(n, pages) for n in range(1, pages + 1)]
    per_page = text.split("\f")[:pages]
    assert all("机密★" in page and "c0ffee" in page for page in per_page)
    assert [f"ROW-{i:04d}" in text for i in range(90)] == [True] * 90
    assert sum(text.count(f"ROW-{i:04d}") for i in range(90)) == 90
    assert ink_ratio(out) > 0.01
    first_page_png(out, tmp_path, f"register-chunked-{language}")


def test_a_failing_chunk_fails_the_render_with_its_reason(tmp_path, monkeypatch):
    rows = [[str(i)] for i in range(10)]
    chain = SimpleNamespace(count=1, head="0" * 64, ok=True, broken_seq=None)
    context = {"lang": "en", "title": "T", "marking": "", "headers": ["N"], "widths": [""], "column_css": [""],
               "unit": None, "period": (None, None), "filters": [], "chain": chain, "drawn_at": timezone.now(),
               "exported_by": "x"}
    real = rendering.render_to_string

    def with_remote_image(template, ctx):
        html = real(template, ctx)
        return html.replace("<body>", '<body><img src="https://example.invalid/x.png">') if ctx.get("not_first") else html

    monkeypatch.setattr(rendering, "render_to_string", with_remote_image)
    with pytest.raises(rendering.RenderFailed, match="refused to fetch"):
        rendering.render_register_pdf(context, rows, tmp_path / "x.pdf", chunk_rows=3, workers=2)
    assert not (tmp_path / "x.pdf").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith("register-")] == []  # scratch removed


# --- API and pages ----------------------------------------------------------------------------------


def test_api_create_status_download_retry(org, carriers, monkeypatch):
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: None)
    client = api_as(org.auditor)
    url = reverse("api:register-export-list")
    response = client.post(url, {"register": "carrier-ledger", "format": "pdf", "lang": "en",
                                 "filters": {"level": "SECRET"}}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    detail = reverse("api:register-export-detail", kwargs={"pk": job_id})
    assert response["Location"] == detail
    body = client.get(detail).json()
    assert body["status"] == "queued" and body["progress"] == 0 and body["download_url"] is None
    download = reverse("api:register-export-download", kwargs={"pk": job_id})
    assert client.get(download).status_code == 409
    services.run_export(export_id=job_id)
    body = client.get(detail).json()
    assert body["status"] == "done" and body["progress"] == 100 and body["download_url"] == download
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # someone else: 404 for status and download; the list shows only one's own
    other = api_as(org.secretary)
    assert other.get(detail).status_code == 404 and other.get(download).status_code == 404
    assert other.get(url).json()["results"] == [] if "results" in other.get(url).json() else other.get(url).json() == []
    # retry only when failed
    assert client.post(reverse("api:register-export-retry", kwargs={"pk": job_id})).status_code == 409
    names = [r["name"] for r in client.get(reverse("api:register-export-registers")).json()]
    assert {"carrier-ledger", "production", "dispatch-receipt", "approvals"} <= set(names)


@pytest.mark.parametrize("payload, code", [
    ({"register": "no-such", "format": "pdf"}, 404),
    ({"register": "carrier-ledger", "filters": {"date_from": "2026-02-30"}}, 400),
    ({"register": "carrier-ledger", "filters": {"date_from": "2026-05-02", "date_to": "2026-05-01"}}, 400),
    ({"register": "carrier-ledger", "filters": {"level": "COSMIC"}}, 400),
    ({"register": "carrier-ledger", "format": "docx"}, 400),
    ({"register": "carrier-ledger", "unknown": 1}, 400),
    ({"register": "carrier-ledger", "filters": {"level": "TOP_SECRET"}}, 403),
])
def test_api_bad_requests_make_no_job(org, carriers, payload, code, audit_count):
    before = audit_count()
    response = api_as(org.clerk).post(reverse("api:register-export-list"), payload, format="json")
    assert response.status_code == code, response.content
    assert RegisterExport.objects.count() == 0 and audit_count() == before
    if code == 403:
        assert "cleared up to" in response.json()["detail"]


def test_api_refuses_people_who_are_not_auditors(org):
    response = api_as(org.staff_core).post(reverse("api:register-export-list"), {"register": "carrier-ledger"},
                                           format="json")
    assert response.status_code == 403 and RegisterExport.objects.count() == 0


def test_page_starts_a_job_and_shows_progress_and_download(client, org, carriers, monkeypatch):
    monkeypatch.setattr(services, "_enqueue_export", lambda export_id: None)
    client.force_login(org.auditor)
    page = client.get(reverse("registers:index"))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("carrier-ledger", "production", "dispatch-receipt", "approvals", "signatures"):
        assert reverse("registers:start", kwargs={"name": name}) in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    response = client.post(reverse("registers:start", kwargs={"name": "carrier-ledger"}),
                           {"level": "SECRET", "lang": "en", "format": "pdf"})
    job = RegisterExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registers:job", kwargs={"pk": job.pk})
    page = client.get(response["Location"]).content.decode()
    status_url = reverse("registers:job-status", kwargs={"pk": job.pk})
    assert f'data-status-url="{status_url}"' in page
    assert "<progress" in page
    status = client.get(reverse("registers:job-status", kwargs={"pk": job.pk})).json()
    assert status["status"] == "queued" and status["download_url"] is None and not status["finished"]
    services.run_export(export_id=job.pk)
    status = client.get(reverse("registers:job-status", kwargs={"pk": job.pk})).json()
    assert status["progress"] == 100 and status["finished"] and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(org.secretary)
    assert client.get(reverse("registers:job-status", kwargs={"pk": job.pk})).status_code == 404


def test_page_bad_filter_is_400_with_the_message_and_no_job(client, org):
    client.force_login(org.auditor)
    response = client.post(reverse("registers:start", kwargs={"name": "production"}),
                           {"date_from": "2026-05-02", "date_to": "2026-05-01", "lang": "en"})
    assert response.status_code == 400 and "ends before it starts" in response.content.decode()
    assert client.post(reverse("registers:start", kwargs={"name": "nope"}), {}).status_code == 404
    client.force_login(org.clerk)
    response = client.post(reverse("registers:start", kwargs={"name": "carrier-ledger"}), {"level": "TOP_SECRET"})
    assert response.status_code == 403
    assert RegisterExport.objects.count() == 0


def test_sync_export_refuses_a_register_too_long_for_now(org, carriers, settings):
    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_SYNC_MAX_ROWS": 2}
    with pytest.raises(ValidationFailed) as too_long:
        services.export_register(actor=org.auditor, name="carrier-ledger", params={}, fmt="pdf", language="en")
    assert "in the background" in str(too_long.value.errors)


def test_static_script_polls_same_origin_only():
    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "app.js").read_text()
    assert "data-status-url" in script or "statusUrl" in script
    assert "http://" not in script and "https://" not in script


def test_a_job_left_running_by_a_dead_worker_runs_again_when_redelivered(org, carriers):
    job = services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="csv", language="en")
    RegisterExport.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(),
                                                    heartbeat_at=timezone.now(), run_token="a" * 32)
    with pytest.raises(services.Busy):  # a duplicate delivery while its worker beats: left alone
        services.run_export(export_id=job.pk)
    assert RegisterExport.objects.get(pk=job.pk).status == JobStatus.RUNNING
    RegisterExport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - services._stale_after()
                                                    - timedelta(seconds=1))
    job = services.run_export(export_id=job.pk)
    assert (job.status, job.reruns, job.run_token) == (JobStatus.DONE, 1, "")
    assert AuditEvent.objects.filter(action="register.export_rerun", details__export=job.pk).count() == 1
