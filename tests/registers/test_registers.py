"""Registers (issue 8, first slice): the carrier ledger and the audit-trail extract, defined once,
rendered to PDF (WeasyPrint, local CJK font only) and CSV, through the access gate, audited."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.selectors import verify_chain
from carriers.selectors import visible_carriers
from common.levels import Level
from personnel import roles
from registers import selectors, services
from registers.definitions import AUDIT_EXTRACT, CARRIER_LEDGER
from registers.rendering import LocalOnlyFetcher, RefusedURL, cjk_font_file
from tests.factories import PersonFactory, api_token, register

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"


@pytest.fixture
def ledger(org):
    """Three carriers of the unit, one per level, and an auditor cleared to Secret only."""
    carriers = {
        "top": register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密工程总体方案"),
        "secret": register(org.secretary, container=org.cabinet, level=Level.SECRET, title="机密会议纪要"),
        "conf": register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, title="秘密通知"),
    }
    secret_auditor = PersonFactory(
        user__username="auditor_secret", department=org.sec, unit=org.unit, secrecy_post="important",
        roles=[roles.AUDITOR], full_name="审计员乙",
    ).user
    return carriers, secret_auditor


def _text(pdf: bytes, tmp_path, name="register") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _png(pdf: bytes, tmp_path, name: str) -> Path:
    """Page 1 as a PNG in test-results/ (to look at), 50 dpi."""
    RESULTS.mkdir(exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(source), str(RESULTS / name)],
        check=True, timeout=30,
    )
    return RESULTS / f"{name}.png"


def _export(user, name, fmt="pdf", language="zh-hans", **params):
    return services.export_register(actor=user, name=name, params=params, fmt=fmt, language=language)


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


# --- rows through the gate ------------------------------------------------------------------------


def test_ledger_rows_are_exactly_the_visible_carriers(org, ledger):
    carriers, secret_auditor = ledger
    for user, top in ((org.auditor, Level.TOP_SECRET), (secret_auditor, Level.SECRET)):
        extract = CARRIER_LEDGER.draw(user=user, params={})
        assert {c.pk for c in extract.rows} == set(visible_carriers(user=user).values_list("pk", flat=True))
        assert extract.level == top
    rows = CARRIER_LEDGER.draw(user=secret_auditor, params={}).rows
    assert carriers["top"] not in rows and {carriers["secret"], carriers["conf"]} <= set(rows)
    assert all(c.level <= Level.SECRET for c in rows)


def test_ledger_filters_level_status_kind_unit_and_period(org, ledger):
    carriers, _auditor = ledger
    draw = lambda **p: CARRIER_LEDGER.draw(user=org.auditor, params=p)  # noqa: E731
    assert draw(level="CONFIDENTIAL").rows == [carriers["conf"]]
    assert draw(level="CONFIDENTIAL").level == Level.CONFIDENTIAL
    assert draw(unit=str(org.other_unit.pk)).rows == []
    assert len(draw(unit=str(org.unit.pk), kind="paper").rows) == 3
    today = timezone.localdate(carriers["top"].registered_at)  # the period is in the user's time zone, not UTC
    assert len(draw(date_from=today.isoformat(), date_to=today.isoformat()).rows) == 3
    empty = draw(date_from="2001-01-01", date_to="2001-12-31")
    assert empty.rows == [] and empty.level is None
    assert draw(level="SECRET").filters == {"level": "SECRET"}


def test_audit_extract_only_visible_events_and_its_level(org, ledger):
    carriers, secret_auditor = ledger
    events = AUDIT_EXTRACT.draw(user=secret_auditor, params={})
    assert events.rows and [e.seq for e in events.rows] == sorted(e.seq for e in events.rows)
    about = {e.target_id for e in events.rows if e.target_type == "carriers.carrier"}
    assert str(carriers["top"].pk) not in about and str(carriers["secret"].pk) in about
    assert events.level == Level.SECRET
    assert AUDIT_EXTRACT.draw(user=org.auditor, params={}).level == Level.TOP_SECRET


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_has_bom_headers_and_the_rows(org, ledger):
    carriers, secret_auditor = ledger
    result = _export(secret_auditor, "carrier-ledger", fmt="csv")
    assert result.content.startswith("\ufeff".encode())
    text = result.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "登记编号,密级标志,标题,类别,份号,状态,持有人,存放位置,定密依据,登记时间"
    assert len(lines) == 1 + 2 == result.rows + 1
    assert carriers["secret"].registry_number in text and "机密会议纪要" in text and carriers["secret"].marking_zh in text
    assert "绝密工程总体方案" not in text
    english = _export(secret_auditor, "carrier-ledger", fmt="csv", language="en").content.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Registry number,Marking,Title,Kind,Copy,Status,Holder")
    assert carriers["secret"].marking_en in english


# --- PDF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "marking", "page_text"), [
    ("zh-hans", "机密★", "第 1 页 / 共 1 页"), ("en", "Secret★", "Page 1 of 1"),
])
def test_ledger_pdf_marking_pages_chain_head_and_rows(org, ledger, tmp_path, language, marking, page_text):
    carriers, secret_auditor = ledger
    head = verify_chain()
    result = _export(secret_auditor, "carrier-ledger", language=language)
    assert result.content.startswith(b"%PDF")
    text = _text(result.content, tmp_path)
    assert text.count(marking) >= 3  # on the page's header and footer, and above the title
    assert "绝密" not in text and "Top Secret" not in text
    assert page_text.replace(" ", "") in text.replace(" ", "")  # pdftotext drops the spaces between CJK
    assert head.head in text.replace("\n", "").replace(" ", "")
    for carrier in (carriers["secret"], carriers["conf"]):
        assert carrier.registry_number in text
    assert ("涉密载体台账" if language == "zh-hans" else "Register of classified carriers") in text
    assert "审计员乙" in text  # who exported it
    png = _png(result.content, tmp_path, f"registers-ledger-{language}")
    assert png.stat().st_size > 5000


def test_page_numbers_count_every_page(org, ledger, tmp_path):
    for n in range(25):
        register(org.secretary, container=org.cabinet, title=f"分页测试文件{n:02d}")
    result = _export(org.auditor, "audit-trail", language="zh-hans")
    pages = _pages(result.content, tmp_path)
    assert pages >= 2
    text = _text(result.content, tmp_path)
    squeezed = text.replace(" ", "")  # pdftotext drops the spaces between CJK characters
    for page in range(1, pages + 1):
        assert f"第{page}页/共{pages}页" in squeezed
    assert "绝密★" in text  # the top-secret carrier's events are in this auditor's extract
    _png(result.content, tmp_path, "registers-audit-zh")
    english = _export(org.auditor, "audit-trail", language="en").content
    assert f"Page {pages} of {pages}" in _text(english, tmp_path)
    _png(english, tmp_path, "registers-audit-en")


def test_empty_register_renders_without_marking(org, ledger, tmp_path):
    result = _export(org.auditor, "carrier-ledger", language="en", date_from="2001-01-01", date_to="2001-01-02")
    text = _text(result.content, tmp_path)
    assert result.rows == 0 and "No rows in this register" in text and "★" not in text


def test_fetcher_refuses_anything_but_allowed_local_files(tmp_path):
    font = cjk_font_file()
    fetcher = LocalOnlyFetcher([font.parent])
    assert fetcher.fetch(font.as_uri()).read(4) in (b"ttcf", b"OTTO", b"\x00\x01\x00\x00")
    for url in ("http://example.com/x.css", "https://example.com/font.woff", "ftp://example.com/a",
                "data:text/css,body{}", "file://remote-host/etc/hosts", (tmp_path / "x").as_uri(), "file:///etc/passwd"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_a_pdf_that_asks_for_a_remote_resource_is_not_rendered():
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    font = cjk_font_file()
    html = '<link rel="stylesheet" href="http://192.0.2.1/x.css"><img src="https://192.0.2.1/a.png"><p>x</p>'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, base_url=font.parent.as_uri() + "/", url_fetcher=LocalOnlyFetcher([font.parent])).write_pdf()


# --- views, API, permissions, audit ---------------------------------------------------------------


def test_registers_page_and_nav_for_auditors_only(client, org, ledger):
    client.force_login(org.auditor)
    page = client.get(reverse("registers:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("registers:export", args=["carrier-ledger", "pdf"]) in html
    assert reverse("registers:export", args=["audit-trail", "csv"]) in html
    assert f'href="{reverse("registers:index")}"' in html
    client.force_login(org.staff_core)
    assert client.get(reverse("registers:index")).status_code == 403
    assert f'href="{reverse("registers:index")}"' not in client.get(reverse("carriers:list")).content.decode()


@pytest.mark.parametrize("username", ["staff_core", "head_res", "superuser"])
def test_others_are_refused(client, org, ledger, username, audit_count):
    user = getattr(org, username)
    before = audit_count()
    client.force_login(user)
    assert client.get(reverse("registers:export", args=["carrier-ledger", "pdf"])).status_code == 403
    assert client.get(reverse("registers:export", args=["no-such-register", "csv"])).status_code == 403
    assert api_as(user).get("/api/v1/registers/carrier-ledger/?format=csv").status_code == 403
    assert audit_count() == before


def test_html_download_and_api(client, org, ledger):
    client.force_login(org.secretary)
    response = client.get(reverse("registers:export", args=["carrier-ledger", "csv"]), {"level": "SECRET", "lang": "en"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="carrier-ledger-' in response["Content-Disposition"]
    api = api_as(org.auditor)
    response = api.get("/api/v1/registers/audit-trail/", {"format": "csv", "lang": "zh-hans"})
    assert response.status_code == 200 and response.content.decode("utf-8-sig").startswith("序号,时间,操作人,操作,对象,哈希")
    response = api.get("/api/v1/registers/carrier-ledger/", {"format": "pdf", "level": "CONFIDENTIAL"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert api.get("/api/v1/registers/no-such-register/?format=pdf").status_code == 404


BAD = [
    {"level": "BOGUS"}, {"status": "melted"}, {"kind": "scroll"}, {"unit": "abc"}, {"unit": "99999999999999999999"},
    {"date_from": "2026-13-01"}, {"date_from": "2026-05-01", "date_to": "2026-04-01"}, {"lang": "fr"},
    {"format": "xls"},
]


@pytest.mark.parametrize("params", BAD, ids=[next(iter(p.items()))[1] for p in BAD])
def test_bad_filters_answer_400_and_record_nothing(client, org, ledger, params, audit_count):
    before = audit_count()
    response = api_as(org.auditor).get("/api/v1/registers/carrier-ledger/", {"format": "pdf", **params})
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    if "format" not in params:
        client.force_login(org.auditor)
        html = client.get(reverse("registers:export", args=["carrier-ledger", "csv"]), params)
        assert html.status_code == 400 and b'role="alert"' in html.content
    assert audit_count() == before


def test_export_is_audited_with_filters_rows_and_chain_head(org, ledger):
    _carriers, secret_auditor = ledger
    head = verify_chain()
    result = _export(secret_auditor, "carrier-ledger", fmt="csv", level="SECRET")
    event = AuditEvent.objects.order_by("-seq").first()
    from audit.chain import flush_links
    from audit.models import ChainLink

    flush_links()  # linked at commit (decision 0022); this test's transaction never commits
    assert event.seq == head.count + 1 and ChainLink.objects.get(event_id=event.seq).prev_hash == head.head
    assert event.action == "register.exported" and event.actor_id == secret_auditor.pk
    assert event.details["register"] == "carrier-ledger" and event.details["format"] == "csv"
    assert event.details["filters"] == {"level": "SECRET"}
    assert event.details["rows"] == result.rows == 1
    assert event.details["chain_head"] == head.head and event.details["chain_count"] == head.count
    assert verify_chain().ok


def test_unknown_register_is_404_for_auditors(org):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.register_get(user=org.auditor, name="nope")


def test_font_is_a_local_cjk_file():
    font = cjk_font_file()
    assert font.is_file() and "CJK" in font.name
    assert shutil.which("pdftoppm") and shutil.which("pdftotext")
