"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data
(issue 18, item 4): scanning into the action forms the way a barcode scanner does it (the number
typed, then Enter, into the form's scan box).

- The loan form: staff scan a carrier they may borrow (shown at once with its title and marking,
  chosen in the form), one they hold themselves (refused with the reason), a number of a carrier
  they may not open (the same answer as a missing one); Enter never submits the form; the loan is
  asked for the allowed carrier only.
- The destruction request form: the secrecy office scans two of its carriers into the list (a
  second scan of one says it is already there; one taken out leaves the list); a carrier on loan
  is refused with why and never reaches the list.
- The inventory: a mistyped number becomes an off-book line; Undo removes it, with a message.
Screenshots go to test-results/."""

import json

import pytest

from tests.browser.test_dispatch_flow import session
from tests.browser.test_register_flow import shot
from tests.live import live_server, manage, scratch_database

pytestmark = pytest.mark.browser

FACTS = """
import json
from django.contrib.auth import get_user_model
from carriers.models import Carrier
from carriers.storage.models import Inventory
from carriers.use import selectors as use_selectors
from common import access
User = get_user_model()
staff = User.objects.get(username="staff_core")
borrowable = use_selectors.borrowable_carriers(user=staff).first()
visible = access.restrict(Carrier.objects.all(), staff).values("pk")
held = access.restrict(Carrier.objects.filter(holder=staff, status__in=["in_custody", "registered"]), staff).order_by("registry_number").first()
hidden = Carrier.objects.exclude(pk__in=visible).order_by("registry_number").first()
secretary = User.objects.get(username="secretary")
mine = access.restrict(Carrier.objects.filter(holder=secretary, status="in_custody"), secretary)
destroyable = list(mine.order_by("registry_number").values_list("registry_number", flat=True)[:2])
on_loan = access.restrict(Carrier.objects.filter(status="on_loan"), secretary).order_by("registry_number").first()
inventory = Inventory.objects.get(status="open", container__code="CAB-01")
print(json.dumps({
    "borrowable": [borrowable.pk, borrowable.registry_number, borrowable.title],
    "held": held.registry_number if held else None,
    "hidden": hidden.registry_number,
    "destroyable": destroyable,
    "on_loan": on_loan.registry_number if on_loan else None,
    "inventory": inventory.pk,
}))
"""

LOANS = """
import json
from carriers.use.models import Loan
print(json.dumps(list(Loan.objects.filter(borrower__username="staff_core", purpose="scan test")
                      .values_list("carrier__registry_number", flat=True))))
"""


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url:
        facts = json.loads(manage(url, "shell", "-c", FACTS).stdout.strip().splitlines()[-1])
        with live_server(url) as base:
            yield base, url, facts


def scan(page, box, number):
    """What a barcode scanner does: type into the scan box, then Enter; wait for its answer."""
    results = box.locator(".scan-results li")
    before = results.count()
    box.locator(".scan-input").click()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll('li').length > n",
        arg=[box.locator(".scan-results").element_handle(), before],
    )
    return results.first


def test_scanning_into_the_loan_form(browser, site):
    base, url, facts = site
    pk, number, title = facts["borrowable"]
    with session(browser, base, "staff_core") as page:
        page.goto("/use/loans/new/")
        box = page.locator(".scan-box")
        assert box.is_visible()
        good = scan(page, box, number)
        assert "scan-ok" in good.get_attribute("class")
        assert number in good.inner_text() and title in good.inner_text()
        assert good.locator(".marking").inner_text().strip()
        assert page.locator("#id_carrier").input_value() == str(pk)
        assert page.url.endswith("/use/loans/new/")  # Enter did not submit the form

        refused = scan(page, box, facts["held"])  # one they hold themselves
        assert "scan-refused" in refused.get_attribute("class")
        assert "The borrower already holds this carrier." in refused.inner_text()
        missing = scan(page, box, "DEMO-0000-000000")
        hidden = scan(page, box, facts["hidden"])
        for line in (missing, hidden):
            assert "scan-refused" in line.get_attribute("class")
            assert "No carrier with this number that you may open" in line.inner_text()
        assert page.locator("#id_carrier").input_value() == str(pk)  # the refused ones changed nothing
        shot(page, "scan-loan-form")

        page.fill("#id_purpose", "scan test")
        with page.expect_navigation():
            page.locator("form.form button[type=submit].primary").first.click()
    loans = json.loads(manage(url, "shell", "-c", LOANS).stdout.strip().splitlines()[-1])
    assert loans == [number]


def test_scanning_into_the_destruction_request(browser, site):
    base, _url, facts = site
    first, second = facts["destroyable"]
    with session(browser, base, "secretary") as page:
        page.goto("/destruction/new/")
        box = page.locator(".scan-box")
        for number in (first, second):
            assert "scan-ok" in scan(page, box, number).get_attribute("class")
        again = scan(page, box, first)
        assert "Already in the list" in again.inner_text()
        refused = scan(page, box, facts["on_loan"])
        assert "scan-refused" in refused.get_attribute("class")
        assert "cannot be destroyed now" in refused.inner_text()
        assert page.locator("#id_carriers").input_value().split() == [first, second]
        # a scanned carrier taken out again leaves the list
        page.locator(".scan-results li.scan-ok", has_text=second).locator("button").first.click()
        assert page.locator("#id_carriers").input_value().split() == [first]
        shot(page, "scan-destruction-form")


def test_an_inventory_scan_is_undone(browser, site):
    base, _url, facts = site
    with session(browser, base, "secretary") as page:
        page.goto(f"/storage/inventories/{facts['inventory']}/")
        page.locator("input[name=registry_number]").click()
        with page.expect_navigation():
            page.keyboard.type("DEMO-TYPO-0001")
            page.keyboard.press("Enter")
        row = page.locator("table.seen tr", has_text="DEMO-TYPO-0001")
        assert row.count() == 1
        with page.expect_navigation():
            row.get_by_role("button", name="Undo the scan of DEMO-TYPO-0001").click()
        assert "The scan of DEMO-TYPO-0001 is undone" in page.locator(".messages").inner_text()
        assert page.locator("table.seen tr", has_text="DEMO-TYPO-0001").count() == 0
        shot(page, "scan-inventory-undo")
