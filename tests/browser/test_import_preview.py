"""Real Chromium against a live server on a scratch database with the demo data (issue 19, item
5): the secretary uploads an old ledger (CSV), the preview lists the bad row with its reason and
the import button stays disabled; the row is left out, the check runs again, and the batch is
imported with the password. Screenshots go to test-results/."""

import pytest

from common.demo import DEMO_PASSWORD
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
