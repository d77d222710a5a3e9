"""Real Chromium against a live server on a scratch database with the demo data (issue 19), one
site for both flows:
- item 1, holds: the secretary places a hold from a carrier's page on a carrier of an approved
  destruction, the carrier page says it is held, the two signatures of the destruction are refused
  naming the hold and nothing is destroyed, and the hold is lifted with a signature;
- item 5, legacy import: the secretary uploads an old ledger (CSV), the preview lists the bad row
  with its reason and the import button stays disabled; the row is left out, the check runs again,
  and the batch is imported with the password.
Screenshots go to test-results/."""

import re

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.test_approval_flow import follow
from tests.browser.test_dispatch_flow import session
from tests.browser.test_register_flow import shot
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

LEDGER = (
    "编号,标题,密级,类别,来源,保密期限,定密日期,份数,存放位置\n"
    "OLD-2019-001,旧台账文件甲,机密,纸质,上级机关,10,2019-05-01,1,SAFE-01\n"
    "OLD-2019-002,旧台账文件乙,很机密,纸质,上级机关,10,2019-05-02,1,SAFE-01\n"
    "OLD-2019-003,旧台账文件丙,秘密,纸质,上级机关,5,2019-05-03,1,SAFE-01\n"
)


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def test_import_preview_leave_out_and_import(browser, site, tmp_path):
    ledger = tmp_path / "old-ledger.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    with session(browser, site, "secretary") as page:
        page.goto("/import/")
        page.set_input_files("input[name=file]", str(ledger))
        with page.expect_navigation():
            page.get_by_role("button", name="Read the file and check every row").click()
        assert "3 rows: 2 ready to import, 1 with errors, 0 left out." in page.locator("#summary").inner_text()
        bad = page.locator("#row-3")
        assert "is not a classification level" in bad.inner_text()
        assert page.get_by_role("button", name="Import 2 carriers").is_disabled()
        shot(page, "import-preview-en")
        bad.locator("input[name=exclude]").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save the rows to leave out and check again").click()
        assert "3 rows: 2 ready to import, 0 with errors, 1 left out." in page.locator("#summary").inner_text()
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Import 2 carriers").click()
        assert "2 carriers imported and signed." in page.content()
        assert "Imported" in page.locator(".status").inner_text()
        shot(page, "import-done-en")


def test_place_a_hold_refuse_the_destruction_and_lift_it(browser, site):
    with session(browser, site, "secretary") as page:
        # an approved in-house destruction, and its first carrier
        page.goto("/destruction/")
        row = page.locator("#requests tbody tr", has_text="Approved, not yet destroyed").filter(has_text="In house")
        follow(page, row.locator("a").first)
        destruction = page.url[len(site):]
        number = page.locator("#carriers tbody tr td:first-child").first.inner_text().strip()

        # from the carrier's page: place a hold (the form comes with the carrier filled in)
        follow(page, page.locator("#carriers tbody tr a", has_text=number).first)
        carrier_page = page.url[len(site):]
        assert "No holds." in page.locator("#holds-panel").inner_text()
        follow(page, page.locator("#holds-panel").get_by_role("link", name="Place a hold"))
        assert page.locator("#id_carriers").input_value().strip() == number
        page.select_option("#id_kind", "inspection")
        page.fill("#id_reason", "Inspection by the municipal secrecy bureau")
        follow(page, page.get_by_role("button", name="Place the hold"))
        heading = page.locator("h1").inner_text()
        assert re.search(r"^Hold \S+", heading), heading
        hold_number = heading.split()[-1]
        assert "In force" in page.locator("dl.facts").inner_text()
        assert number in page.locator("#held-carriers").inner_text()
        shot(page, "hold-placed-en")

        # the carrier's page says so, with the hold
        page.goto(carrier_page)
        panel = page.locator("#holds-panel").inner_text()
        assert "This carrier is held" in panel and hold_number in panel and "municipal secrecy bureau" in panel

        # both sign the destruction: refused, naming the carrier and the hold; nothing destroyed
        page.goto(destruction)
        follow(page, page.locator("#execute-link"))
        page.select_option("#id_destroyer", label="李登记 (clerk)")
        page.fill("#id_destroyer_password", DEMO_PASSWORD)
        page.select_option("#id_supervisor", label="王保密 (secretary)")
        page.fill("#id_supervisor_password", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Both sign: destroyed"))
        refusal = page.locator("main").inner_text()
        assert "Refused until the hold is lifted" in refusal and number in refusal and hold_number in refusal
        assert page.locator("#destruction-status").inner_text() == "Approved, not yet destroyed"
        shot(page, "hold-refuses-destruction-en")
        page.goto(destruction)
        assert "Pending destruction" in page.locator("#carriers tbody tr", has_text=number).inner_text()

        # the hold is lifted with the secretary's signature
        page.goto("/holds/")
        follow(page, page.locator("a", has_text=hold_number).first)
        page.fill("#lift-form textarea", "The inspection is over")
        page.fill("#lift-form input[type=password]", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Lift and sign"))
        facts = page.locator("dl.facts").inner_text()
        assert "Lifted" in facts and "The inspection is over" in facts and "王保密" in facts
        page.goto(carrier_page)
        assert "This carrier is held" not in page.locator("#holds-panel").inner_text()
