"""Real Chromium against a live server in the embedded mode (no Redis: background jobs run in a
thread of the web process) on a scratch database with the demo data: the demo auditor exports the
carrier ledger in the background, in chunks of 3 rows, watches the progress bar reach 100% and
downloads the PDF, whose pages read "Page 1 of N" ... "Page N of N"; then verifies the audit chain
in the background and sees OK with the head hash. Nothing is fetched from outside; no script
errors. Screenshots go to test-results/."""

import re
import subprocess

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser  # noqa: F401 - the shared Chromium fixture
from tests.browser.test_register_flow import shot, switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    exports = tmp_path_factory.mktemp("exports")
    with scratch_database(seed_demo=True) as url, live_server(
        url, REDIS_URL="", CELERY_BROKER_URL="", CELERY_RESULT_BACKEND="", REGISTER_CHUNK_ROWS="3",
        REGISTER_EXPORT_DIR=str(exports),
    ) as base:
        yield base


def test_background_export_with_progress_and_download_then_verify_the_chain(browser, site, tmp_path):  # noqa: F811
    context = browser.new_context(base_url=site, locale="en-US", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    outside, script_errors = [], []
    page.on("request", lambda r: None if r.url.startswith((site, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    try:
        page.goto("/login/")
        if page.locator("html").get_attribute("lang") != "en":
            switch_language(page, "English")
        page.fill("#id_username", "auditor")
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()

        page.goto("/registers/")
        ledger = page.locator("#register-carrier-ledger")
        ledger.locator("select[name=lang]").select_option("en")
        with page.expect_navigation():
            ledger.get_by_role("button", name="Export in the background").click()
        assert re.search(r"/registers/exports/\d+/$", page.url)
        assert page.locator("progress[data-job=progress]").is_visible()
        shot(page, "register-export-progress")
        download_link = page.locator("a[data-job=download]")
        download_link.wait_for(state="visible", timeout=120_000)
        assert page.locator("progress[data-job=progress]").evaluate("p => p.value") == 100
        assert page.locator("[data-job=percent]").inner_text() == "100%"
        shot(page, "register-export-done")
        with page.expect_download() as info:
            download_link.click()
        pdf = tmp_path / "ledger.pdf"
        info.value.save_as(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        pages = [(int(a), int(b)) for a, b in re.findall(r"Page (\d+) of (\d+)", text)]
        assert len(pages) >= 2 and pages == [(n, len(pages)) for n in range(1, len(pages) + 1)]
        assert "Register of classified carriers" in text

        page.goto("/audit/")
        with page.expect_navigation():
            page.get_by_role("button", name="Verify the chain in the background").first.click()
        page.locator("#chain-result").wait_for(state="visible", timeout=60_000)
        assert page.locator("#chain-result").inner_text().startswith("OK")
        assert re.search(r"[0-9a-f]{64}", page.locator("main").inner_text())
        shot(page, "audit-verify-background")
    finally:
        context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"
