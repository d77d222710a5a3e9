"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data (R4):
from a carrier's lineage the secrecy office registers an extract, sees the inherited level and
period before submitting, is refused a lower level with the reason, then registers and signs it; a
staff member previews and submits a copy request. Screenshots go to test-results/."""

import pytest

from tests.browser.conftest import browser  # noqa: F401  (the shared Chromium fixture)
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser
PASSWORD = "Registry-Demo-2026"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def test_extract_with_preview_and_copy_request(browser, site):  # noqa: F811
    with session(browser, site, "secretary") as page:
        follow(page, page.locator(".mainnav a", has_text="Copying"))
        assert page.locator("h1").inner_text() == "Copying, extracts and compilations"
        follow(page, page.locator("#copy-requests tbody tr", has_text="中试技术方案").locator("a").first)
        follow(page, page.locator("dd a").first)  # the original
        source = page.locator("h1").inner_text().split()[0]
        lineage = page.locator("#lineage-descendants").inner_text()
        assert "copy" in lineage and "extract" in lineage  # the demo's copies and extract
        follow(page, page.locator("#lineage a", has_text="Register an extract"))
        assert page.locator("#id_sources").input_value() == source
        page.fill("#id_title", "中试方案摘要（浏览器）")
        page.fill("#id_purpose", "汇报")
        page.select_option("#id_level", "1")  # Confidential: below the Secret source
        with page.expect_navigation():
            page.get_by_role("button", name="Show the level and period").click()
        assert page.locator("#inherited-level").inner_text() == "Secret"
        assert "may not be lower" in page.locator("#field-level").inner_text()
        assert page.get_by_role("button", name="Register and sign").count() == 0
        shot(page, "copying-extract-refused-en")
        page.select_option("#id_level", "")
        with page.expect_navigation():
            page.get_by_role("button", name="Check again").click()
        assert "Secret" in page.locator("#result-marking").inner_text()
        safe = page.locator("#id_container option", has_text="SAFE-01").get_attribute("value")
        page.select_option("#id_container", safe)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Register and sign").click()
        assert page.locator("#derivation-status").inner_text() == "Made"
        follow(page, page.locator("#derived-carrier"))
        assert source in page.locator("#lineage-ancestors").inner_text()
        assert "Secret" in page.locator("h1 .marking").inner_text()
        shot(page, "copying-extract-made-en")

    with session(browser, site, "staff_important") as page:
        follow(page, page.locator(".mainnav a", has_text="Copying"))
        follow(page, page.locator("nav.tabs a", has_text="Request copies"))
        page.fill("#id_source", source)
        page.fill("#id_copies", "2")
        page.fill("#id_purpose", "小组研读")
        with page.expect_navigation():
            page.get_by_role("button", name="Show what the copies will be").click()
        assert page.locator("#preview-level").inner_text() == "Secret"
        shot(page, "copying-request-preview-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert page.locator("#copy-status").inner_text() == "Waiting for approval"
