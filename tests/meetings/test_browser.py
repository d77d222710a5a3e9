"""Real Chromium against a live server on a scratch PostgreSQL database seeded with the demo data
(its approved Secret meeting: organiser 周核心 holding three numbered copies, attendees 吴重要 and
陈科研). The organiser records an attendee's sign-in, is refused handing a copy to a non-attendee,
hands out two copies; the attendee counts and signs and the organiser's open page shows it on
the live board without a reload; the attendee hands one back and the organiser counts and signs;
closing is refused while a copy is out, then the copy is declared missing and the meeting closes
with the return check: one returned, one missing. Screenshots go to test-results/."""

from contextlib import contextmanager

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser  # noqa: F401 (the shared Chromium fixture)
from tests.browser.test_register_flow import no_overflow, shot, switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


@contextmanager
def session(browser, base, username):  # noqa: F811
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


def open_meeting(page):
    page.locator(".mainnav a", has_text="Meetings").click()
    assert page.locator("h1").inner_text() == "Confidential meetings"
    with page.expect_navigation():
        page.locator("table.meetings a", has_text="2027年度科研计划评审会").click()


def option_value(page, select, text):
    return page.locator(f"{select} option", has_text=text).get_attribute("value")


def submit(page, form_id, button):
    with page.expect_navigation():
        page.locator(f"#{form_id}").get_by_role("button", name=button).click()


def distribute(page, username, numbers):
    page.select_option("#id_distribute-attendee", option_value(page, "#id_distribute-attendee", f"({username})"))
    for number in numbers:
        page.locator("#field-distribute-carriers label", has_text=number).locator("input").check()
    page.fill("#id_distribute-declared_count", str(len(numbers)))
    page.fill("#id_distribute-password", DEMO_PASSWORD)
    submit(page, "form-distribute", "Hand out and sign")


def test_a_meetings_distribution_and_return(browser, site):  # noqa: F811
    base = site
    with session(browser, base, "staff_core") as organiser:
        open_meeting(organiser)
        heading = organiser.locator("h1").inner_text()
        assert "Approved: sign-in and distribution" in heading and "Secret" in heading
        numbers = sorted(t.split(" · ")[0] for t in organiser.locator("#field-distribute-carriers label").all_inner_texts()
                         if "评审稿" in t)
        assert len(numbers) == 3  # the demo's three numbered copies for this meeting
        # the organiser records 吴重要's sign-in, with the time
        row = organiser.locator("table.attendees tr[data-username=staff_important]")
        with organiser.expect_navigation():
            row.get_by_role("button", name="Record sign-in").click()
        assert "recorded by 周核心" in organiser.locator("table.attendees tr[data-username=staff_important]").inner_text()
        # 陈科研 has not signed in: refused with the reason, nothing handed out
        distribute(organiser, "head_res", numbers[:1])
        assert "has not signed in" in organiser.locator("#refusal").inner_text()
        assert "No copy has been handed out yet." in organiser.locator("#board").inner_text()
        shot(organiser, "meeting-refused-not-signed-in-en")
        # two copies to 吴重要: registered and signed, waiting for the attendee's count
        distribute(organiser, "staff_important", numbers[:2])
        cells = organiser.locator("#board tbody td").all_inner_texts()
        assert cells.count("Handed out, waiting for the attendee's signature") == 2
        no_overflow(organiser)

        # --- the attendee, while the organiser's page stays open ----------------------------------
        with session(browser, base, "staff_important") as attendee:
            open_meeting(attendee)
            form = attendee.locator("form.pending")
            assert "Copies handed to you: count and sign" in form.inner_text()
            form.locator("input[name=receive-counted_count]").fill("2")
            form.locator("input[name=receive-password]").fill(DEMO_PASSWORD)
            with attendee.expect_navigation():
                form.get_by_role("button", name="Count and sign").click()
            assert attendee.locator("#board tbody td", has_text="With the attendee").count() == 2
            shot(attendee, "meeting-attendee-received-en")

            # the organiser's board follows without a reload
            organiser.locator("#board tbody td", has_text="With the attendee").nth(1).wait_for(timeout=15_000)
            assert int(organiser.locator("#board").get_attribute("data-refreshed")) >= 1

            # one copy goes back
            attendee.locator("#field-return-carriers label", has_text=numbers[0]).locator("input").check()
            attendee.fill("#id_return-declared_count", "1")
            attendee.fill("#id_return-password", DEMO_PASSWORD)
            submit(attendee, "form-return", "Hand back and sign")
            assert "Handed back, waiting for the organiser's signature" in attendee.locator("#board").inner_text()

        # --- the organiser counts and signs the return, then the return check -----------------------
        organiser.reload()
        form = organiser.locator("form.pending")
        assert "Copies handed back to you: count and sign" in form.inner_text() and numbers[0] in form.inner_text()
        form.locator("input[name=receive-counted_count]").fill("1")
        form.locator("select[name=receive-container]").select_option(
            form.locator("select[name=receive-container] option", has_text="CAB-02").get_attribute("value"))
        form.locator("input[name=receive-password]").fill(DEMO_PASSWORD)
        with organiser.expect_navigation():
            form.get_by_role("button", name="Count and sign").click()
        assert organiser.locator("table.return-check tr.outcome-returned").count() == 1

        # closing with a copy still out: refused with its number, nothing changed
        organiser.fill("#id_close-password", DEMO_PASSWORD)
        submit(organiser, "form-close", "Close and sign")
        refusal = organiser.locator("#refusal").inner_text()
        assert "cannot close" in refusal and numbers[1] in refusal
        assert "Approved" in organiser.locator("h1").inner_text()
        shot(organiser, "meeting-close-refused-en")

        # declared missing: the meeting closes, the copy is lost, the return check is complete
        organiser.locator("#field-close-missing label", has_text=numbers[1]).locator("input").check()
        organiser.fill("#id_close-missing_note", "散会后座位上未找到")
        organiser.fill("#id_close-password", DEMO_PASSWORD)
        submit(organiser, "form-close", "Close and sign")
        assert "Closed: every copy accounted for" in organiser.locator("h1").inner_text()
        assert "周核心" in organiser.locator("dd.closed").inner_text()
        outcomes = dict(
            (row.locator("td").nth(0).inner_text().split(" · ")[0], row.locator("td").nth(2).inner_text())
            for row in organiser.locator("table.return-check tbody tr").all()
        )
        assert outcomes == {numbers[0]: "Returned", numbers[1]: "Missing"}
        assert "Returned 1 · kept with approval 0 · missing 1 · not yet accounted for 0" in organiser.locator("#board").inner_text()
        no_overflow(organiser)
        shot(organiser, "meeting-closed-en")

        # the same page in Chinese
        switch_language(organiser, "简体中文")
        assert organiser.locator("html").get_attribute("lang") == "zh-hans"
        shot(organiser, "meeting-closed-zh")
