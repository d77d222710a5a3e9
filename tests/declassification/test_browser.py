"""Real Chromium against a live server with the demo data: a staff member opens the review queue
for expiring secrecy periods, proposes declassifying a carrier from it, the approvers approve on the
approval pages, and the carrier is declassified; a downgrade to a level that is not lower is refused
with its reason."""

import re

import pytest

from tests.browser.conftest import browser  # noqa: F401 (the shared Chromium fixture)
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import no_overflow, shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser
PASSWORD = "Registry-Demo-2026"
APPROVERS = ("head_res", "secretary", "unit_head")


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def test_review_queue_and_declassification(browser, site):  # noqa: F811
    with session(browser, site, "staff_core") as page:
        follow(page, page.locator(".mainnav a", has_text="Secrecy periods"))
        assert page.locator("h1").inner_text() == "Secrecy periods: review queue"
        no_overflow(page)
        shot(page, "declassification-queue-en")
        row = page.locator("#queue tbody tr", has_text="In custody").filter(
            has=page.get_by_role("link", name="Review")).first
        registry_number = row.locator("td").first.inner_text().strip()
        follow(page, row.get_by_role("link", name="Review"))
        # the carrier is preselected; a "downgrade" to Top Secret is not lower: refused, nothing proposed
        page.check("input[name=outcome][value=downgrade]")
        page.select_option("#id_new_level", "3")
        page.fill("#id_reason", "Assessed")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert "level below" in page.locator("#field-new_level").inner_text()
        page.check("input[name=outcome][value=declassify]")
        page.select_option("#id_new_level", "")
        page.fill("#id_reason", "The period has ended and the content is public")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert re.search(r"/declassification/\d+/$", page.url)
        path = page.url[len(site):]
        assert page.locator("#review-status").inner_text() == "Waiting for approval"
        assert registry_number in page.locator("dl.facts").inner_text()

    for approver in APPROVERS:
        with session(browser, site, approver) as page:
            follow(page, page.locator(".mainnav a", has_text="Approvals"))
            row = page.locator("table.grid tbody tr", has_text=registry_number)
            if not row.count():
                continue  # Confidential and Secret: no step for the head of the unit
            follow(page, row.get_by_role("link").first)
            page.fill("#approve-form #id_password", PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Approve and sign").click()

    with session(browser, site, "staff_core") as page:
        page.goto(path)
        assert page.locator("#review-status").inner_text() == "Approved and applied"
        follow(page, page.locator("dl.facts a", has_text=registry_number))
        assert "Declassified" in page.locator("body").inner_text()
        shot(page, "declassification-applied-en")
