"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data (issue
15): the security administrator raises a person's secrecy post, which only makes a four-eyes
request (the post does not change, and they cannot approve it themselves); the second security
administrator finds the request, refuses a wrong password, approves with a signature, and the
person's clearance is raised. Screenshots go to test-results/."""

import re

import pytest

from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def facts(page, label):
    return page.locator("dl.facts dt", has_text=label).first.locator("xpath=following-sibling::dd[1]").inner_text()


def test_a_security_admin_raises_a_clearance_and_a_second_one_approves_it(browser, site):
    with session(browser, site, "secadmin") as page:
        page.goto("/administration/?q=staff_important")
        assert page.locator("h1").inner_text() == "People and accounts"
        rows = page.locator("#people tbody tr")
        assert rows.count() == 1
        follow(page, rows.first.locator("a").first)
        person_url = page.url
        assert facts(page, "Secrecy post") == "Important" and facts(page, "Clearance") == "Secret"
        # no account actions for a security administrator: those are the system administrator's
        assert page.locator("#account-actions").count() == 0
        page.select_option("#post-form select[name=secrecy_post]", "core")
        page.fill("#post-form textarea[name=reason]", "Joins the core project")
        with page.expect_navigation():
            page.get_by_role("button", name="Change the secrecy post").click()
        assert re.search(r"/administration/changes/\d+/$", page.url), page.url
        change_url = page.url
        assert page.locator("#change-status").inner_text() == "Waiting for a second administrator"
        assert page.locator("#decide-link").count() == 0
        shot(page, "admin-four-eyes-requested-en")
        # the requester's own approval page offers no decision
        follow(page, page.locator("#approval-link"))
        assert page.get_by_role("button", name="Approve and sign").count() == 0
        page.goto(person_url)
        assert facts(page, "Secrecy post") == "Important"

    with session(browser, site, "secadmin2") as page:
        page.goto("/administration/changes/?status=submitted")
        follow(page, page.locator("#changes tbody tr a").first)
        assert page.url == change_url
        follow(page, page.locator("#decide-link"))
        assert page.get_by_role("button", name="Approve and sign").is_visible()
        page.fill("#approve-form #id_password", "not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        assert page.locator("#approve-form .error").inner_text() == "The password is not correct; nothing was signed."
        page.goto(person_url)
        assert facts(page, "Secrecy post") == "Important"
        page.goto(change_url)
        follow(page, page.locator("#decide-link"))
        from common.demo import DEMO_PASSWORD

        page.fill("#approve-form #id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        page.goto(change_url)
        assert page.locator("#change-status").inner_text() == "Approved and applied"
        history = page.locator("#history").inner_text()
        assert "admin.change_applied" in history and "approval.decided" in history
        shot(page, "admin-four-eyes-approved-en")
        page.goto(person_url)
        assert facts(page, "Secrecy post") == "Core" and facts(page, "Clearance") == "Top Secret"

    # the security auditor reads both administrators' steps
    with session(browser, site, "secauditor") as page:
        page.goto("/administration/trail/?action=admin.change")
        trail = page.locator("#trail").inner_text()
        assert "admin.change_requested" in trail and "admin.change_applied" in trail
