"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data plus a
second unit (made through personnel.services in `manage.py shell`): the demo unit's secrecy-office
clerk dispatches two carriers to the other unit by confidential courier (ordinary mail is refused
on the form first); the receiving unit's clerk finds them in the inbox, counts, checks and signs;
the carriers then show as held by the receiver, in the receiving unit's safe. Screenshots go to
test-results/."""

import json
import re
from contextlib import contextmanager

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.test_register_flow import (
    no_overflow,
    shot,
    switch_language,
)
from tests.live import live_server, manage, scratch_database

pytestmark = pytest.mark.browser

# The second unit, its secrecy-office clerk and safe, and two Secret carriers of the demo unit whose
# distribution scope reaches it: all through the services, so every row is audited.
SETUP = """
import json
from django.contrib.auth import get_user_model
from carriers import services as carriers
from carriers.models import Container
from common.demo import DEMO_PASSWORD
from personnel import services as personnel

unit = personnel.create_unit(actor=None, code="XI", name_zh="乙研究所", name_en="Institute X")
office = personnel.create_unit(actor=None, code="XI-SEC", name_zh="乙所保密办", name_en="Institute X Secrecy Office",
                               parent=unit)
clerk = personnel.create_person(
    actor=None, username="x_clerk", password=DEMO_PASSWORD, full_name="赵收文", employee_number="X0001", unit=unit,
    department=office, secrecy_post="core", roles=["secrecy_office"],
).user
carriers.create_container(
    actor=clerk, code="XSAFE-01", name_zh="乙所密码保险柜", name_en="Institute X combination safe",
    kind="combination_safe", unit=unit, max_level=3, department=office, location="C-101",
)
secretary = get_user_model().objects.get(username="secretary")
made = [
    carriers.register_carrier(
        actor=secretary, password=DEMO_PASSWORD, kind="paper", title=f"Joint trial plan, volume {i}",
        originator="Demonstration Institute", level=2, secrecy_years=10, container=Container.objects.get(code="CAB-01"),
        copy_number=f"00000{i}", copies_total=2, scope_units=[unit],
    )
    for i in (1, 2)
]
print(json.dumps([c.registry_number for c in made]))
"""


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url:
        out = manage(url, "shell", "-c", SETUP).stdout.strip().splitlines()[-1]
        numbers = json.loads(out)
        with live_server(url) as base:
            yield base, numbers


@contextmanager
def session(browser, base, username):
    """A fresh browser profile logged in as `username` in English; nothing fetched from outside,
    no script errors."""
    context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside, script_errors = [], []
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    try:
        page.goto("/login/")
        switch_language(page, "English")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        assert page.locator(".who").is_visible(), f"{username} is not logged in"
        yield page
    finally:
        context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"


def fill_dispatch(page, numbers, channel):
    value = page.locator("#id_recipient option", has_text="x_clerk").get_attribute("value")
    page.select_option("#id_recipient", value)
    for number in numbers:
        box = page.locator("#field-carriers label", has_text=number).locator("input[type=checkbox]")
        if not box.is_checked():
            box.check()
    page.fill("#id_declared_count", str(len(numbers)))
    page.select_option("#id_channel", channel)
    page.fill("#id_password", DEMO_PASSWORD)


def test_dispatch_and_counted_receipt(browser, site):
    base, numbers = site

    # --- the sending clerk -----------------------------------------------------------------------
    with session(browser, base, "secretary") as page:
        with page.expect_navigation():
            page.locator(".mainnav a", has_text="Dispatch and receipt").click()
        assert page.locator("h1").inner_text() == "Dispatches to receive"
        with page.expect_navigation():
            page.get_by_role("link", name="New dispatch").click()
        assert page.locator("h1").inner_text() == "New dispatch"
        for number in numbers:  # the scope check is visible: these may go to Institute X (XI)
            assert "→ XI" in page.locator("#field-carriers label", has_text=number).inner_text()
        no_overflow(page)

        # ordinary mail: refused on the form with the reason, nothing dispatched
        fill_dispatch(page, numbers, "ordinary_mail")
        page.get_by_role("button", name="Dispatch and sign").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "New dispatch"
        errors = page.locator("form .errors").inner_text()
        assert "Nothing was dispatched" in errors and "never sent by ordinary mail" in errors
        assert page.locator("#id_password").input_value() == ""
        shot(page, "dispatch-refused-ordinary-mail-en")

        # confidential courier: registered, numbered, signed; the carriers are in transit
        fill_dispatch(page, numbers, "confidential_courier")
        with page.expect_navigation():
            page.get_by_role("button", name="Dispatch and sign").click()
        assert re.search(r"/dispatches/\d+/$", page.url)
        heading = page.locator("h1").inner_text()
        number = heading.split()[0]
        assert re.fullmatch(r"DEMO-FS-\d{4}-000001", number) and "Dispatched, in transit" in heading
        sender = page.locator("table.signatures tr.sender").inner_text()
        assert "王保密" in sender and "Handed over" in sender
        assert "Not signed yet" in page.locator("table.signatures tr.recipient").inner_text()
        states = page.locator("table.carriers tbody tr").all_inner_texts()
        assert len(states) == 2 and all("In transit" in row for row in states)
        no_overflow(page)
        shot(page, "dispatch-sent-en")

    # --- the receiving clerk ---------------------------------------------------------------------
    with session(browser, base, "x_clerk") as page:
        nav = page.locator(".mainnav a", has_text="Dispatch and receipt")
        assert nav.locator(".badge").inner_text() == "1"
        with page.expect_navigation():
            nav.click()
        rows = page.locator("table.inbox tbody tr")
        assert rows.count() == 1 and number in rows.first.inner_text()
        assert "Demonstration Institute" in rows.first.inner_text()
        no_overflow(page)
        shot(page, "dispatch-inbox-en")
        with page.expect_navigation():
            rows.first.get_by_role("link", name="Count and sign").click()
        assert page.locator("h1").inner_text().startswith(f"Count and sign: {number}")
        assert page.locator("dd.declared").inner_text() == "2"

        # a count that does not match, with no discrepancy recorded: refused, nothing signed
        for n in numbers:
            page.locator("#field-carriers label", has_text=n).locator("input").check()
        page.fill("#id_counted_count", "1")
        page.select_option("#id_container", page.locator("#id_container option", has_text="XSAFE-01").get_attribute("value"))
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="Sign the receipt").click()
        page.wait_for_load_state()
        error = page.locator("#field-counted_count .error").inner_text()
        assert "does not match the 2 carriers listed" in error and "nothing was signed" in error
        shot(page, "dispatch-receipt-refused-en")

        # count again and sign
        page.fill("#id_counted_count", "2")
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign the receipt").click()
        heading = page.locator("h1").inner_text()
        assert heading.startswith(number) and "Received" in heading
        assert re.fullmatch(r"XI-SW-\d{4}-000001", page.locator("dd.receipt-number").inner_text())
        assert page.locator("dd.counted").inner_text() == "2"
        recipient = page.locator("table.signatures tr.recipient").inner_text()
        assert "赵收文" in recipient and "Received and counted" in recipient
        assert "王保密" in page.locator("table.signatures tr.sender").inner_text()
        states = page.locator("table.carriers tbody tr").all_inner_texts()
        assert len(states) == 2 and all("Received" in row for row in states)
        assert page.locator(".mainnav a", has_text="Dispatch and receipt").locator(".badge").count() == 0
        no_overflow(page)
        shot(page, "dispatch-received-en")

        # the carriers are now held by the receiving clerk, in the receiving unit's safe
        with page.expect_navigation():
            page.locator(".mainnav a", has_text="Carriers").first.click()
        page.fill("form.filters input[name=q]", "Joint trial plan")
        with page.expect_navigation():
            page.get_by_role("button", name="Filter").click()
        rows = page.locator("table.grid tbody tr")
        assert rows.count() == 2
        for row in rows.all():
            text = row.inner_text()
            assert "赵收文" in text and "XSAFE-01" in text and "In custody" in text
        assert sorted(rows.locator("td:first-child").all_inner_texts()) == sorted(numbers)
        shot(page, "dispatch-carriers-held-by-receiver-en")

        # the same dispatch reads in Chinese
        page.goto("/dispatches/")
        switch_language(page, "简体中文")
        assert page.locator("h1").inner_text() == "待签收的发文"
        page.get_by_role("link", name="收文登记").click()
        assert page.locator("h1").inner_text() == "收文登记"
        row = page.locator("table.dispatches tbody tr").first
        assert number in row.inner_text() and "机要交通" in row.inner_text() and "已签收" in row.inner_text()
        no_overflow(page)
        shot(page, "dispatch-receipt-register-zh")
