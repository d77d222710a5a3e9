"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data: a
staff member submits a manuscript for publication review (R9), the head of their department
finds it in their queue, refuses a wrong password, approves with a signature, and the author
records the release. Another department's head gets 404; the requester cannot approve their
own request; the request page reads fully in Chinese. Screenshots go to test-results/."""

import re
import uuid
from contextlib import contextmanager

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.test_register_flow import (
    no_overflow,
    shot,
    switch_language,
)
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

OUTLET = "Journal of Applied Materials"
SUMMARY = "Measured corrosion rates of three alloys; no test locations or quantities."


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


@contextmanager
def session(browser, site, username):
    """A fresh browser profile, logged in as `username` in English; logs out at the end. Nothing
    may be fetched from outside the registry and no script may fail."""
    context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside, script_errors = [], []
    page.on("request", lambda r: None if r.url.startswith((site, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    try:
        page.goto("/login/")
        switch_language(page, "English")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        assert page.locator(".who").is_visible(), f"{username} is not logged in"
        yield page
        if page.get_by_role("button", name="Log out").count() == 0:
            page.goto("/")  # the 404 page carries no forms
        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
        assert page.locator(".who").count() == 0, "still logged in"
    finally:
        context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"


def follow(page, link):
    """Click a link and wait for the page it leads to."""
    with page.expect_navigation():
        link.click()


def decide_badge(page):
    """The count of requests waiting for this user's decision, in the navigation (None: no badge)."""
    badge = page.locator(".mainnav .badge:not(.notice)")
    return int(badge.inner_text()) if badge.count() else None


def notice_badge(page):
    """The count of unread notices in the navigation (0: no badge)."""
    badge = page.locator(".mainnav .badge.notice")
    return int(badge.inner_text()) if badge.count() else 0


def queue_ids(page):
    follow(page, page.locator(".mainnav a", has_text="Approvals"))
    assert page.locator("h1").inner_text() == "Requests to decide"
    rows = page.locator("table.grid tbody tr").filter(has=page.locator("a"))
    return {int(cell) for cell in rows.locator("td:first-child").all_inner_texts()}


def step_row(page):
    return page.locator("table.grid:not(.history) tbody tr").first


def test_department_head_approves_a_publication_review(browser, site):
    title = f"Corrosion of alloy samples {uuid.uuid4().hex[:8]}"

    # what head_res has to decide already (the demo data may hold requests of its own)
    with session(browser, site, "head_res") as page:
        waiting_before = queue_ids(page)
        assert decide_badge(page) == (len(waiting_before) or None)

    # staff_core submits a domestic manuscript drawing on Confidential work
    with session(browser, site, "staff_core") as page:
        follow(page, page.locator(".mainnav a", has_text="Publication reviews"))
        assert page.locator("h1").inner_text() == "Publication reviews"
        follow(page, page.get_by_role("link", name="Submit material for review"))
        assert page.locator("h1").inner_text() == "Submit material for review"
        page.fill("#id_title", title)
        page.select_option("#id_material_kind", "manuscript")
        page.select_option("#id_outlet_type", "domestic")
        page.fill("#id_outlet_name", OUTLET)
        page.fill("#id_summary", SUMMARY)
        page.select_option("#id_related_level", "1")
        no_overflow(page)
        shot(page, "approval-submit-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for review").click()
        assert re.search(r"/approvals/publications/\d+/$", page.url)
        review_url = page.url
        assert page.locator("h1").inner_text() == f"{title} Under review"
        assert page.locator("h1 .status").inner_text() == "Under review"
        facts = page.locator("dl.facts").first.inner_text()
        assert "Manuscript" in facts and f"Domestic outlet · {OUTLET}" in facts and "Confidential" in facts
        link = page.locator("dl.facts a[href*='/approvals/']")
        assert re.fullmatch(r"#\d+ · Submitted", link.inner_text())
        request_id = int(re.search(r"#(\d+)", link.inner_text()).group(1))
        request_path = f"/approvals/{request_id}/"
        shot(page, "approval-review-submitted-en")

        # the requester sees their own request, can withdraw it, but has nothing to approve
        follow(page, link)
        assert page.url.endswith(request_path)
        assert page.locator("#approve-form").count() == 0 and page.locator("#reject-form").count() == 0
        assert page.get_by_role("button", name="Approve and sign").count() == 0
        assert page.get_by_role("button", name="Withdraw the request").is_visible()
        assert page.locator("main p a").first.inner_text() == "← My requests"
        assert decide_badge(page) is None
        shot(page, "approval-request-requester-en")
        follow(page, page.locator(".mainnav a", has_text="Approvals"))
        follow(page, page.locator("nav.tabs a", has_text="My requests"))
        assert page.locator("table.grid tbody tr", has_text=title).count() == 1

    # the head of Research: a badge, the queue, the request and what it concerns
    with session(browser, site, "head_res") as page:
        assert decide_badge(page) == len(waiting_before) + 1
        assert queue_ids(page) == waiting_before | {request_id}
        row = page.locator("table.grid tbody tr", has_text=title)
        assert row.count() == 1
        cells = row.locator("td").all_inner_texts()
        assert cells[1] == "Publication review" and cells[3] == "Confidential" and cells[4] == "周核心"
        assert cells[6] == "Submitted"
        assert "Requests to decide" in page.locator("nav.tabs a.current").inner_text()
        no_overflow(page)
        shot(page, "approval-queue-en")

        follow(page, row.get_by_role("link", name=title))
        assert page.url.endswith(request_path)
        assert page.locator("h1").inner_text().startswith(f"Publication review #{request_id}")
        concerns = page.locator("dl.facts dt", has_text="What it concerns").locator("xpath=following-sibling::dd[1]")
        assert title in concerns.inner_text() and OUTLET in concerns.inner_text()
        assert "Domestic outlet" in concerns.inner_text()
        assert "周核心" in page.locator("dl.facts").first.inner_text()
        assert step_row(page).locator("td").nth(2).inner_text() == "Open"
        assert page.get_by_role("button", name="Approve and sign").is_visible()
        history_before = page.locator("table.history tbody tr").count()
        notices_before = notice_badge(page)
        assert notices_before >= 1  # told that this request waits for them
        no_overflow(page)
        shot(page, "approval-request-before-en")

        # a wrong password: refused on the form, nothing signed, nothing changed
        page.fill("#approve-form #id_password", "not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        error = page.locator("#approve-form .error")
        assert error.inner_text() == "The password is not correct; nothing was signed."
        assert page.locator("#approve-form #id_password").input_value() == ""
        assert step_row(page).locator("td").nth(2).inner_text() == "Open"
        assert step_row(page).locator(".sig").count() == 0
        assert page.locator("h1 .status").inner_text() == "Submitted"
        assert page.locator("table.history tbody tr").count() == history_before
        assert decide_badge(page) == len(waiting_before) + 1
        no_overflow(page)
        shot(page, "approval-request-wrong-password-en")

        # the same page in Chinese, once: every label translated, no English left
        switch_language(page, "简体中文")
        assert page.url.endswith(request_path), page.url
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        main = page.locator("main").inner_text()
        assert "保密审查" in page.locator("h1").inner_text() and "秘密" in page.locator("h1").inner_text()
        for label in ("待我审批", "审批环节", "审批人", "所涉事项", "批准", "驳回", "履历"):
            assert label in main, label
        assert page.get_by_role("button", name="批准并签名").is_visible()
        shot(page, "approval-request-zh")
        for typed in (title, OUTLET, SUMMARY, "(staff_core)"):  # typed text and user names stay as they are
            main = main.replace(typed, "")
        english = set(re.findall(r"[A-Za-z]{3,}", main))
        assert english == set(), f"English left on the Chinese page: {sorted(english)}\n{main}"
        no_overflow(page)
        switch_language(page, "English")
        assert page.url.endswith(request_path)

        # the right password: the step is approved and the signature shown
        page.fill("#approve-form #id_reason", "Nothing classified in it.")
        page.fill("#approve-form #id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        assert page.url.endswith(request_path)
        assert page.locator("h1 .status").inner_text() == "Approved"
        cells = step_row(page).locator("td")
        assert cells.nth(2).inner_text() == "Approved"
        decision = cells.nth(3).inner_text()
        assert "Approve" in decision and "Nothing classified in it." in decision
        signature = cells.nth(3).locator(".sig").inner_text()
        assert re.fullmatch(r"陈科研 · .+\d{1,2}:\d{2}.* · Approved", signature), signature
        assert page.locator("#approve-form").count() == 0
        history = page.locator("table.history").inner_text()
        assert "Decision signed" in history and "Request approved" in history
        assert decide_badge(page) == (len(waiting_before) or None)
        assert notice_badge(page) == notices_before - 1  # the notice about it is no longer news
        no_overflow(page)
        shot(page, "approval-request-after-en")
        assert queue_ids(page) == waiting_before

    # another department's head: the request does not exist for them
    with session(browser, site, "head_gen") as page:
        assert request_id not in queue_ids(page)
        response = page.goto(request_path)
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Not found"
        assert title not in page.content()
        response = page.goto(review_url)
        assert response.status == 404
        shot(page, "approval-request-404-en")

    # the author: approved for release, then records the release
    with session(browser, site, "staff_core") as page:
        assert page.locator(".mainnav .badge.notice").count() == 1  # told of the outcome
        follow(page, page.locator(".mainnav a", has_text="Publication reviews"))
        row = page.locator("table.grid tbody tr", has_text=title)
        assert row.locator(".status").inner_text() == "Approved for release"
        follow(page, row.get_by_role("link", name=title))
        assert page.url == review_url
        assert page.locator("h1 .status").inner_text() == "Approved for release"
        request_fact = page.locator("dl.facts dt", has_text="Approval request").locator("xpath=following-sibling::dd[1]")
        assert request_fact.locator("a").inner_text() == f"#{request_id} · Approved"
        assert re.fullmatch(r"陈科研 · .+\d{1,2}:\d{2}.* · Approved", request_fact.locator(".sig").inner_text())
        page.fill("#id_note", "Submitted to the journal")
        no_overflow(page)
        shot(page, "approval-release-form-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Record the release").click()
        assert page.url == review_url
        assert page.locator("h1 .status").inner_text() == "Released"
        released = page.locator("dl.facts dt", has_text="Released at").locator("xpath=following-sibling::dd[1]")
        assert re.search(r"\d{1,2}:\d{2}", released.inner_text())
        note = page.locator("dl.facts dt", has_text="Release note").locator("xpath=following-sibling::dd[1]")
        assert note.inner_text() == "Submitted to the journal"
        assert page.get_by_role("button", name="Record the release").count() == 0
        no_overflow(page)
        shot(page, "approval-released-en")
