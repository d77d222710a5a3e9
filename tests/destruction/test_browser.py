"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data (R7):
the secrecy office opens an approved in-house destruction request and its on-the-spot screen; the
destroyer and the supervisor each pick themselves and type their own password on the same screen.
The same person in both places and a wrong password are refused with the reason and change
nothing; then both sign, the carriers are destroyed and the signatures show with printed name,
time and meaning. Screenshots go to test-results/."""

import re

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser  # noqa: F401 (the shared Chromium fixture)
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import shot, switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser


def no_overflow(page):
    """Nothing of this page's own content sticks out sideways. (The shared navigation bar is
    checked by the other browser tests.)"""
    right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main *'))"
                          ".map(e => e.getBoundingClientRect().right))")
    assert right <= page.viewport_size["width"], f"the page's content reaches {right}px"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def test_two_signature_destruction_on_the_spot(browser, site):  # noqa: F811
    with session(browser, site, "secretary") as page:
        follow(page, page.locator(".mainnav a", has_text="Destruction"))
        assert page.locator("h1").inner_text() == "Destruction requests"
        row = page.locator("#requests tbody tr", has_text="Approved, not yet destroyed").filter(has_text="In house")
        assert row.count() == 1
        follow(page, row.locator("a").first)
        assert page.locator("#destruction-status").inner_text() == "Approved, not yet destroyed"
        numbers = page.locator("#carriers tbody tr td:first-child").all_inner_texts()
        assert len(numbers) == 3
        assert page.locator("#carriers .status").all_inner_texts() == ["Pending destruction"] * 3
        detail_path = page.url[len(site):]
        follow(page, page.locator("#execute-link"))
        assert re.search(r"/destruction/\d+/execute/$", page.url)
        assert page.locator("#destroyer-card").is_visible() and page.locator("#supervisor-card").is_visible()
        no_overflow(page)
        shot(page, "destruction-two-signatures-en")

        # the same person as destroyer and supervisor: refused, nothing destroyed
        page.select_option("#id_destroyer", label="李登记 (clerk)")
        page.fill("#id_destroyer_password", DEMO_PASSWORD)
        page.select_option("#id_supervisor", label="李登记 (clerk)")
        page.fill("#id_supervisor_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Both sign: destroyed").click()
        assert "two different people" in page.locator("#supervisor-card").inner_text()
        assert page.locator("#destruction-status").inner_text() == "Approved, not yet destroyed"

        # the supervisor mistypes their password: refused, named on their side of the screen
        page.select_option("#id_destroyer", label="李登记 (clerk)")
        page.fill("#id_destroyer_password", DEMO_PASSWORD)
        page.select_option("#id_supervisor", label="王保密 (secretary)")
        page.fill("#id_supervisor_password", "not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Both sign: destroyed").click()
        assert "The password is not correct" in page.locator("#supervisor-card").inner_text()
        assert "The password is not correct" not in page.locator("#destroyer-card").inner_text()
        shot(page, "destruction-two-signatures-refused-en")

        # both sign, each with their own password
        page.select_option("#id_destroyer", label="李登记 (clerk)")
        page.fill("#id_destroyer_password", DEMO_PASSWORD)
        page.select_option("#id_supervisor", label="王保密 (secretary)")
        page.fill("#id_supervisor_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Both sign: destroyed").click()
        assert page.url.endswith(detail_path)
        assert page.locator("#destruction-status").inner_text() == "Destroyed"
        assert page.locator("#carriers .status").all_inner_texts() == ["Destroyed"] * 3
        destroyer = page.locator("#destroyer-signature").inner_text()
        supervisor = page.locator("#supervisor-signature").inner_text()
        assert "李登记" in destroyer and "Destroyed beyond recovery" in destroyer
        assert "王保密" in supervisor and "Supervised the destruction" in supervisor
        assert page.locator("#execute-link").count() == 0
        no_overflow(page)
        shot(page, "destruction-destroyed-en")

        # a destroyed carrier's own page says so, and the screen no longer offers signing
        follow(page, page.locator("#carriers tbody tr a").first)
        assert "Destroyed" in page.locator("main").inner_text()
        page.goto(detail_path + "execute/")
        assert page.locator("#execute-form").count() == 0

        # the same request in Chinese
        page.goto(detail_path)
        switch_language(page, "简体中文")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator("#carriers tbody tr").count() == 3
        shot(page, "destruction-destroyed-zh")
        switch_language(page, "English")
