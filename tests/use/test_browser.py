"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data (R3):
a staff member of the Research division asks to borrow a carrier; the secrecy office lends it
(signed); the borrower counts and signs (a wrong count is refused, nothing signed), finds it under
"My carriers" and returns it to the lender; the lender counts, signs and puts it away. Custody
moves only on each signature. The carrier's page then shows the borrower in its disclosure
record. Screenshots go to test-results/."""

import re

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser  # noqa: F401 (the shared Chromium fixture)
from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import shot, switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

FREE = "技术攻关方案（可借阅）"  # the demo carrier free to borrow


def no_overflow(page):
    """Nothing of this page's own content sticks out sideways."""
    right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main *'))"
                          ".map(e => e.getBoundingClientRect().right))")
    assert right <= page.viewport_size["width"], f"the page's content reaches {right}px"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def heading_status(page) -> str:
    return page.locator("h1 .status").inner_text()


def test_borrow_and_return(browser, site):  # noqa: F811
    # --- the borrower asks ----------------------------------------------------------------------
    with session(browser, site, "staff_core") as page:
        follow(page, page.locator(".mainnav a", has_text="My carriers"))
        assert page.locator("h1").inner_text() == "My carriers"
        follow(page, page.locator(".tabs a", has_text="My loans"))
        follow(page, page.get_by_role("link", name="Borrow a carrier"))
        option = page.locator("#id_carrier option", has_text=FREE)
        number = option.inner_text().split(" · ")[0]
        page.select_option("#id_carrier", option.get_attribute("value"))
        page.fill("#id_purpose", "Prepare the trial plan")
        no_overflow(page)
        shot(page, "use-borrow-form-en")
        follow(page, page.get_by_role("button", name="Ask to borrow"))
        assert re.search(r"/use/loans/\d+/$", page.url)
        loan_path = page.url[len(site):]
        assert heading_status(page) == "Requested"
        assert number in page.locator("dd.carrier").inner_text()

    # --- the secrecy office lends ----------------------------------------------------------------
    with session(browser, site, "secretary") as page:
        badge = page.locator(".mainnav a", has_text="My carriers").locator(".badge")
        assert int(badge.inner_text()) >= 1
        follow(page, page.locator(".mainnav a", has_text="My carriers"))
        follow(page, page.locator("#waiting a", has_text=number))
        assert page.url.endswith(loan_path)
        page.fill("#id_lend_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Lend and sign"))
        assert heading_status(page) == "Lent, waiting for the borrower to sign"
        assert "王保密" in page.locator("tr.lent").inner_text()
        # lent, not yet signed for: still the secrecy office's
        page.goto(page.locator("dd.carrier a").get_attribute("href"))
        assert "王保密" in page.locator("dl.facts").first.inner_text()

    # --- the borrower counts and signs, then returns it -------------------------------------------
    with session(browser, site, "staff_core") as page:
        page.goto(loan_path)
        page.fill("#id_accept_counted_count", "2")
        page.fill("#id_accept_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Sign for the loan"))
        assert "does not match" in page.locator("#form-accept").inner_text()
        assert page.locator("#id_accept_password").input_value() == ""
        shot(page, "use-loan-count-refused-en")
        page.fill("#id_accept_counted_count", "1")
        page.fill("#id_accept_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Sign for the loan"))
        assert heading_status(page) == "On loan"
        assert "周核心" in page.locator("tr.received").inner_text()

        follow(page, page.locator(".mainnav a", has_text="My carriers"))
        row = page.locator("table.mine tbody tr", has_text=number)
        assert "On loan" in row.inner_text()
        no_overflow(page)
        shot(page, "use-my-carriers-on-loan-en")
        follow(page, row.get_by_role("link", name="Return"))
        assert "王保密" in page.locator("#form-return").inner_text()  # to the lender, nobody else
        page.fill("#id_return_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Return and sign"))
        assert heading_status(page) == "Returned, waiting for the lender to sign"
        # returned, not yet signed for by the lender: still the borrower's
        follow(page, page.locator(".mainnav a", has_text="My carriers"))
        assert page.locator("table.mine tbody tr", has_text=number).count() == 1

    # --- the lender counts, signs and puts it away ------------------------------------------------
    with session(browser, site, "secretary") as page:
        page.goto(loan_path)
        page.fill("#id_take_back_counted_count", "1")
        page.select_option("#id_take_back_container",
                           page.locator("#id_take_back_container option", has_text="CAB-01").get_attribute("value"))
        page.fill("#id_take_back_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Take back and sign"))
        assert heading_status(page) == "Returned"
        for row in ("lent", "received", "returned", "taken-back"):
            assert "Not signed yet" not in page.locator(f"tr.{row}").inner_text()
        no_overflow(page)
        shot(page, "use-loan-returned-en")
        follow(page, page.locator("dd.carrier a"))
        facts = page.locator("dl.facts").first.inner_text()
        assert "王保密" in facts and "In custody" in facts
        record = page.locator("#disclosures table tbody tr.loan")
        assert record.count() == 1 and "周核心" in record.inner_text()
        shot(page, "use-disclosure-record-en")

        # the same pages read in Chinese
        page.goto(loan_path)
        switch_language(page, "简体中文")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator("table.signatures tr").count() == 4
        no_overflow(page)
        shot(page, "use-loan-returned-zh")
        switch_language(page, "English")
