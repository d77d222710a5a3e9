"""A bulk handover in real Chromium (issue 18, item 3), on a scratch PostgreSQL database with the
demo data: the secrecy-office clerk filters the carrier list, sorts it by a column header, ticks
three carriers, previews the handover (one of them is already refused with its reason), unticks
it, signs once with the password, and the handover waits for the receiver, who sees it on the
dashboard. The list's CSV export downloads. Screenshots go to test-results/."""

import json
import re

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.test_dispatch_flow import session
from tests.browser.test_register_flow import no_overflow, shot
from tests.live import live_server, manage, scratch_database

pytestmark = pytest.mark.browser

# three Secret carriers of the secretary for the Research Division, and one held by the clerk
SETUP = """
import json
from django.contrib.auth import get_user_model
from carriers import services as carriers
from carriers.models import Container
from common.demo import DEMO_PASSWORD
from personnel.models import Unit

users = get_user_model().objects
research = Unit.objects.get(code="DEMO-RES")
cabinet = Container.objects.get(code="CAB-01")
made = [
    carriers.register_carrier(
        actor=users.get(username=who), password=DEMO_PASSWORD, kind="paper", title=f"Bulk trial {name}",
        originator="Demonstration Institute", level=2, secrecy_years=10, container=cabinet,
        copy_number=f"00000{i}", copies_total=4, scope_departments=[research],
    )
    for i, (name, who) in enumerate([("Bravo", "secretary"), ("Alpha", "secretary"), ("Charlie", "secretary"),
                                     ("Delta", "clerk")], 1)
]
print(json.dumps({c.title: c.registry_number for c in made}))
"""


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url:
        numbers = json.loads(manage(url, "shell", "-c", SETUP).stdout.strip().splitlines()[-1])
        with live_server(url) as base:
            yield base, numbers


def choose_taker(page, name):
    page.select_option("#id_taker", page.locator("#id_taker option", has_text=name).get_attribute("value"))


def tick(page, number):
    page.get_by_role("checkbox", name=f"Select {number}").check()


def test_a_bulk_handover(browser, site):
    base, numbers = site
    with session(browser, base, "secretary") as page:
        page.locator(".mainnav a", has_text="Carriers").first.click()
        page.fill("form.filters input[name=q]", "Bulk trial")
        with page.expect_navigation():
            page.get_by_role("button", name="Filter").click()
        # sort by title with the column header; the header says how the list is sorted
        with page.expect_navigation():
            page.locator("table.grid thead a", has_text="Title").click()
        assert page.locator("table.grid thead th[aria-sort=ascending]").inner_text().startswith("Title")
        titles = page.locator("table.grid tbody tr td:nth-child(3)").all_inner_texts()
        assert titles == sorted(titles) and len(titles) == 4
        no_overflow(page)

        # the filtered list as CSV
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        text = open(download.value.path(), encoding="utf-8-sig").read()
        assert all(number in text for number in numbers.values()) and "Registry number" in text

        for name in ("Bulk trial Alpha", "Bulk trial Bravo", "Bulk trial Delta"):
            tick(page, numbers[name])
        page.select_option("#bulk-action", "handover")
        shot(page, "bulk-selected-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Preview").click()
        assert page.locator("h1").inner_text() == "Hand the selected carriers over"
        assert "1 cannot take part" in page.locator("table.preview caption").inner_text()
        refused = page.locator("table.preview tr.refused")
        assert refused.count() == 1 and numbers["Bulk trial Delta"] in refused.inner_text()
        assert "You do not hold" in refused.inner_text()
        shot(page, "bulk-preview-refused-en")

        # signing with the refused carrier in the batch does nothing
        choose_taker(page, "周核心")
        page.fill("#id_declared_count", "3")
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name=re.compile("Sign once")).click()
        page.wait_for_load_state()
        assert "Nothing was done" in page.locator(".errors").first.inner_text()

        # back to the list: the two carriers only, preview, sign once
        page.goto("/carriers/?q=Bulk+trial")
        for name in ("Bulk trial Alpha", "Bulk trial Bravo"):
            tick(page, numbers[name])
        page.select_option("#bulk-action", "handover")
        with page.expect_navigation():
            page.get_by_role("button", name="Preview").click()
        assert page.locator("table.preview tr.ready").count() == 2 and page.locator("table.preview tr.refused").count() == 0
        choose_taker(page, "周核心")
        page.fill("#id_declared_count", "2")
        page.fill("#id_password", DEMO_PASSWORD)
        no_overflow(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign once for 2 rows").click()
        assert page.url.endswith("/lists/handovers/")
        assert "waits for 周核心" in page.locator(".messages").inner_text()
        row = page.locator("table.handovers tbody tr").first.inner_text()
        assert "周核心" in row and "Waiting for the taker" in row
        shot(page, "bulk-handover-signed-en")

    with session(browser, base, "staff_core") as page:
        page.goto("/")
        tile = page.locator("a", has_text="Handovers waiting for your signature")
        assert tile.count() >= 1 and "1" in tile.first.inner_text()
        page.goto("/lists/handovers/")
        assert "王保密" in page.locator("table.handovers tbody tr").first.inner_text()
