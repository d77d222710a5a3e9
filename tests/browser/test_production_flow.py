"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data (R1):
the secrecy office registers an approved production place; a staff member requests production;
the head of their department approves it on the approval pages, signing level and period; the
secrecy office carries it out and sees exactly the approved copies, numbered and marked, then
registers the run's waste for destruction. Screenshots go to test-results/."""

import re
import uuid

import pytest

from tests.browser.test_approval_flow import follow, session
from tests.browser.test_register_flow import no_overflow, shot, switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser
PASSWORD = "Registry-Demo-2026"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def go_to_production(page):
    follow(page, page.locator(".mainnav a", has_text="Production"))
    assert page.locator("h1").inner_text() == "Production requests"


def test_request_approve_and_run_a_production(browser, site):  # noqa: F811
    title = f"Annual research plan {uuid.uuid4().hex[:8]}"
    place_name = f"Print room {uuid.uuid4().hex[:6]}"

    # the secrecy office registers the approved place
    with session(browser, site, "secretary") as page:
        go_to_production(page)
        follow(page, page.locator("nav.tabs a", has_text="Production places and enterprises"))
        page.fill("#id_place-name_zh", "保密印制室")
        page.fill("#id_place-name_en", place_name)
        page.fill("#id_place-approval_reference", "示保〔2026〕7号")
        page.select_option("#id_place-max_level", "2")
        page.fill("#id_place-valid_from", "2020-01-01")
        page.fill("#id_place-valid_until", "2099-12-31")
        with page.expect_navigation():
            page.get_by_role("button", name="Register the place").click()
        assert page.locator("#places tbody tr", has_text=place_name).count() == 1
        no_overflow(page)
        shot(page, "production-sites-en")

    # a staff member of Research asks for 3 Secret copies, kept 5 years, at that place
    with session(browser, site, "staff_core") as page:
        go_to_production(page)
        follow(page, page.locator("nav.tabs a", has_text="Request production"))
        assert page.locator("h1").inner_text() == "Request production"
        page.fill("#id_title", title)
        page.select_option("#id_kind", "paper")
        page.select_option("#id_level", "2")
        page.fill("#id_secrecy_years", "5")
        page.fill("#id_copies", "3")
        page.fill("#id_purpose", "For the divisions to carry out")
        page.select_option("#id_place", label=place_name)
        page.locator("#field-scope_departments label", has_text="Research Division").click()
        no_overflow(page)
        shot(page, "production-request-form-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Submit for approval").click()
        assert re.search(r"/production/\d+/$", page.url)
        production_path = page.url[len(site):]
        assert page.locator("h1 .marking").inner_text() == "Secret★5 years"
        assert page.locator("#production-status").inner_text() == "Waiting for approval"
        assert page.locator("#approval-status").inner_text() == "Submitted"
        facts = page.locator("dl.facts").first.inner_text()
        assert title in facts and "机密★5年" in facts and place_name in facts and "Research Division" in facts
        assert page.locator("#run-form").count() == 0
        approval_path = page.locator("#approval a").get_attribute("href")
        shot(page, "production-request-submitted-en")

    # the head of Research finds it in the queue, sees what it concerns and approves it, signing
    with session(browser, site, "head_res") as page:
        follow(page, page.locator(".mainnav a", has_text="Approvals"))
        row = page.locator("table.grid tbody tr", has_text=title)
        assert row.count() == 1 and "Production" in row.inner_text()
        follow(page, row.get_by_role("link", name=title))
        assert page.url.endswith(approval_path)
        concerns = page.locator("dl.facts dt", has_text="What it concerns").locator("xpath=following-sibling::dd[1]")
        assert "Secret★5 years" in concerns.inner_text() and "3 copies requested" in concerns.inner_text()
        assert place_name in concerns.inner_text()
        page.fill("#approve-form #id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and sign").click()
        assert page.locator("h1 .status").inner_text() == "Approved"
        assert "陈科研" in page.locator("table.grid:not(.history) .sig").first.inner_text()
        shot(page, "production-approved-en")
        # the link leads to the production request, now approved
        follow(page, concerns.locator("a"))
        assert page.url.endswith(production_path)
        assert page.locator("#production-status").inner_text() == "Approved, not yet produced"
        assert page.locator("#run-form").count() == 0  # heads do not run production

    # the secrecy office carries it out and sees the numbered, marked copies
    with session(browser, site, "secretary") as page:
        go_to_production(page)
        follow(page, page.locator("table.grid tbody tr", has_text=title).get_by_role("link", name=title))
        assert page.locator("#run-form").is_visible()
        assert "Exactly 3 copies are made" in page.locator("#run-form").inner_text()
        # a wrong password first: nothing made, the reason on the form
        cabinet = page.locator("#id_container option", has_text="CAB-01").get_attribute("value")
        page.select_option("#id_container", cabinet)
        page.fill("#id_password", "not-the-password")
        with page.expect_navigation():
            page.get_by_role("button", name="Produce and sign").click()
        assert "The password is not correct" in page.locator("#run-form").inner_text()
        assert page.locator("#production-status").inner_text() == "Approved, not yet produced"
        page.select_option("#id_container", cabinet)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Produce and sign").click()
        assert re.search(r"/production/runs/\d+/$", page.url)
        run_path = page.url[len(site):]
        assert page.locator("#copies-made").inner_text() == "3"
        rows = page.locator("#copies tbody tr")
        assert rows.count() == 3
        assert [r.split("\t")[0] for r in rows.all_inner_texts()] == ["000001 / 3", "000002 / 3", "000003 / 3"]
        assert rows.locator(".marking").all_inner_texts() == ["Secret★5 years"] * 3
        assert rows.locator(".status").all_inner_texts() == ["In custody"] * 3
        registry_numbers = rows.locator("td:nth-child(2)").all_inner_texts()
        assert len(set(registry_numbers)) == 3 and all(n.startswith("DEMO-") for n in registry_numbers)
        no_overflow(page)
        shot(page, "production-run-en")

        # one copy's own page: marking, copy number, signed registration
        follow(page, rows.first.locator("a"))
        assert page.locator("h1 .marking").inner_text() == "Secret★5 years"
        assert "000001 / 3" in page.locator("dl.facts").first.inner_text()
        assert page.locator("table.history .sig").count() == 1
        page.go_back()

        # the same copies in Chinese
        switch_language(page, "简体中文")
        rows = page.locator("#copies tbody tr")
        assert rows.locator(".marking").all_inner_texts() == ["机密★5年"] * 3
        assert "份号" in page.locator("#copies thead").inner_text()
        shot(page, "production-run-zh")
        switch_language(page, "English")

        # the waste of the run, for destruction
        follow(page, page.get_by_role("link", name="Intermediate materials"))
        page.select_option("#id_intermediate_kind", "waste")
        page.locator("#id_disposition input[value=destroy]").check()
        page.fill("#id_description", "misprinted pages")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Register and sign").click()
        row = page.locator("#intermediates tbody tr").first
        assert "Waste" in row.inner_text() and "Pending destruction" in row.inner_text()
        assert "to be destroyed by" in row.inner_text() and row.locator(".marking").inner_text() == "Secret★5 years"
        no_overflow(page)
        shot(page, "production-intermediates-en")

        # a second run is impossible: the request is produced and shows no run form
        page.goto(production_path)
        assert page.locator("#production-status").inner_text() == "Produced"
        assert page.locator("#run-form").count() == 0
        assert page.get_by_role("link", name="Copies of the run").get_attribute("href") == run_path
