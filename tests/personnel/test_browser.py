"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data: a
staff member asks to leave their post, their head and the secrecy office approve with their
signatures, the secrecy office finds the recall list empty and completes the departure with its
password, and the secrecy file then flags the disengagement period. A training record dated in
the future is refused on the page. Screenshots go to test-results/."""

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import browser as browser  # the shared Chromium fixture
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

PASSWORD = "Registry-Demo-2026"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def no_overflow(page):
    """The page's own content is no wider than its column (the shared navigation bar is the
    layout's business, not this page's)."""
    sizes = page.evaluate("[document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth]")
    assert sizes[0] <= sizes[1], f"content is {sizes[0]}px wide in a {sizes[1]}px column"


def approve(page, path):
    page.goto(path)
    page.fill("#approve-form #id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and sign").click()
    assert not page.locator(".errors").count(), page.locator("main").inner_text()


def test_a_departure_from_request_to_disengagement(browser, site):
    with session(browser, site, "staff_general") as page:
        follow(page, page.locator(".mainnav a", has_text="Personnel"))
        assert page.locator("h1").inner_text() == "Secrecy files"
        follow(page, page.locator("nav.tabs a", has_text="Ask to leave the post"))
        page.fill("#id_leaves_on", (date.today() + timedelta(days=30)).isoformat())
        page.fill("#id_reason", "Transfer to a post that is not secret-related")
        no_overflow(page)
        shot(page, "personnel-departure-form-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert re.search(r"/personnel/departures/\d+/$", page.url)
        departure_path = page.url[page.url.index("/personnel/"):]
        assert page.locator("#departure-status").inner_text() == "Waiting for approval"
        approval_path = page.locator("dl.facts a[href*='/approvals/']").get_attribute("href")

    with session(browser, site, "head_gen") as page:
        approve(page, approval_path)
    with session(browser, site, "secretary") as page:
        approve(page, approval_path)
        page.goto(departure_path)
        assert page.locator("#departure-status").inner_text() == "Approved, carriers being recalled"
        assert "Holds no carrier" in page.locator("#recall").inner_text()
        shot(page, "personnel-departure-recall-en")
        page.fill("#complete-form #id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Complete and sign").click()
        assert page.locator("#departure-status").inner_text() == "Left the post"
        follow(page, page.locator("dl.facts a[href*='/personnel/']").first)
        assert "In the disengagement period until" in page.locator("#disengagement-flag").inner_text()
        assert page.locator("#person-status").inner_text() == "Departed"
        no_overflow(page)
        shot(page, "personnel-file-disengagement-en")


def test_training_in_the_future_is_refused_on_the_file(browser, site):
    with session(browser, site, "secretary") as page:
        follow(page, page.locator(".mainnav a", has_text="Personnel"))
        follow(page, page.locator("table.grid a", has_text="E0302"))  # staff_important
        page.fill("#training-form #id_course", "Annual confidentiality course")
        page.fill("#training-form #id_held_on", (date.today() + timedelta(days=2)).isoformat())
        page.fill("#training-form #id_hours", "3")
        with page.expect_navigation():
            page.locator("#training-form button").click()
        assert "not ahead" in page.locator("#training-form").inner_text()
        assert "Annual confidentiality course" not in page.locator("#trainings").inner_text()
        page.fill("#training-form #id_course", "Annual confidentiality course")
        page.fill("#training-form #id_held_on", date.today().isoformat())
        page.fill("#training-form #id_hours", "3")
        with page.expect_navigation():
            page.locator("#training-form button").click()
        assert "Annual confidentiality course" in page.locator("#trainings").inner_text()
        shot(page, "personnel-file-en")
