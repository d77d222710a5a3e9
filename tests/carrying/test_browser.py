"""Real Chromium against a live server with the demo data (R5): a staff member asks to carry a
carrier out, the head of their department approves it, the secrecy office checks it out, the
staff member signs for it (carried out), checks it back in, and the secrecy office counts, signs
and stores it again."""

import re
import uuid
from datetime import date, timedelta

import pytest

from tests.browser.conftest import browser  # noqa: F401 (the shared Chromium fixture)
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import no_overflow, shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser
PASSWORD = "Registry-Demo-2026"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def sign(page, **fields):
    for name, value in fields.items():
        if name == "container":
            page.select_option("#step-form #id_container", page.locator("#id_container option", has_text=value)
                               .get_attribute("value"))
        else:
            page.fill(f"#step-form #id_{name}", str(value))
    page.fill("#step-form #id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#step-form").get_by_role("button", name="Sign").click()


def test_carry_out_and_check_back_in(browser, site):  # noqa: F811
    destination = f"Ministry {uuid.uuid4().hex[:6]}"
    with session(browser, site, "staff_core") as page:
        follow(page, page.locator(".mainnav a", has_text="Carrying out"))
        follow(page, page.locator("nav.tabs a", has_text="Request to carry out"))
        box = page.locator("#field-carriers input[type=checkbox]").first
        registry_number = box.locator("xpath=..").inner_text().split(" · ")[0].strip()
        box.check()
        page.check("input[name=scope][value=domestic]")
        page.fill("#id_destination", destination)
        page.fill("#id_purpose", "Report on the project")
        page.fill("#id_protective_measures", "Locked case, carried in person at all times")
        page.fill("#id_expected_return", (date.today() + timedelta(days=2)).isoformat())
        # not briefed: refused with the reason, nothing submitted
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert "told the rules" in page.locator("#field-briefed").inner_text()
        page.locator("#field-carriers input[type=checkbox]").first.check()
        page.check("#id_briefed")
        no_overflow(page)
        shot(page, "carrying-request-form-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert re.search(r"/carrying/\d+/$", page.url)
        path = page.url[len(site):]
        assert page.locator("#carry-status").inner_text() == "Waiting for approval"
        assert registry_number in page.locator("#carriers").inner_text()

    with session(browser, site, "head_res") as page:
        follow(page, page.locator(".mainnav a", has_text="Approvals"))
        follow(page, page.locator("table.grid tbody tr", has_text=destination).get_by_role("link").first)
        page.fill("#approve-form #id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        status = page.locator("h1 .status").inner_text()
        # Confidential and Secret: the department head alone; Top Secret: the secrecy office next
        assert status in ("Approved", "In review")

    with session(browser, site, "secretary") as page:
        if status == "In review":
            follow(page, page.locator(".mainnav a", has_text="Approvals"))
            follow(page, page.locator("table.grid tbody tr", has_text=destination).get_by_role("link").first)
            page.fill("#approve-form #id_password", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Approve and sign").click()
            assert page.locator("h1 .status").inner_text() == "Approved"
        page.goto(path)
        assert page.locator("#carry-status").inner_text() == "Approved, not yet checked out"
        sign(page, declared_count=1)
        assert page.locator("#carry-status").inner_text() == "Check-out waiting for the person carrying"

    with session(browser, site, "staff_core") as page:
        page.goto(path)
        sign(page, counted_count=1)
        assert page.locator("#carry-status").inner_text() == "Carried out"
        assert "Carried out" in page.locator("#carriers").inner_text()
        shot(page, "carrying-carried-out-en")
        sign(page, declared_count=1)
        assert page.locator("#carry-status").inner_text() == "Check-in waiting for the holder"

    with session(browser, site, "secretary") as page:
        page.goto(path)
        sign(page, counted_count=1, container="SAFE-01")
        assert page.locator("#carry-status").inner_text() == "Checked back in"
        assert "In custody" in page.locator("#carriers").inner_text()
        signatures = page.locator("#signatures").inner_text()
        assert signatures.count("王保密") == 2 and signatures.count("周核心") == 2
        no_overflow(page)
        shot(page, "carrying-checked-in-en")
