"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data:
log in, register a carrier and find it again, in English and in Simplified Chinese; a refused
registration shows its field error. Screenshots of every page go to test-results/ (gitignored)."""

import re
import uuid

import pytest

from common.demo import DEMO_PASSWORD
from tests.live import ROOT, live_server, scratch_database

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-results"


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


@pytest.fixture
def page(browser, site):
    """A fresh browser profile whose first language is Chinese (the installation's default)."""
    context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside, script_errors = [], []
    # Closed networks: every request goes to the registry itself.
    page.on("request", lambda r: None if r.url.startswith((site, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    yield page
    context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def switch_language(page, label):
    with page.expect_navigation():
        page.locator("form.langswitch button", has_text=label).click()


def log_in(page, username, *, language="English"):
    page.goto("/login/")
    if page.locator("html").get_attribute("lang") != ("en" if language == "English" else "zh-hans"):
        switch_language(page, language)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".who").is_visible(), "not logged in"


def fill_registration(page, *, title, level, container_code):
    page.select_option("#id_kind", "paper")
    page.fill("#id_title", title)
    page.fill("#id_originator", "National Administration of State Secrets Protection")
    page.select_option("#id_level", level)
    page.fill("#id_secrecy_years", "5")
    value = page.locator("#id_container option", has_text=container_code).get_attribute("value")
    page.select_option("#id_container", value)
    page.fill("#id_password", DEMO_PASSWORD)


def no_overflow(page):
    """Nothing sticks out sideways: the page is no wider than the window."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_register_a_carrier_and_find_it_in_both_languages(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "登录"
    shot(page, "login-zh")

    # a wrong password answers with Django's own message, in Chinese
    page.fill("#id_username", "secretary")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "请输入一个正确的" in page.locator(".errors").inner_text()
    shot(page, "login-error-zh")

    switch_language(page, "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Log in"
    shot(page, "login-en")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "Dashboard"  # the day starts on the dashboard
    assert "王保密" in page.locator(".who").inner_text()

    page.get_by_role("link", name="Register a carrier").click()
    assert page.locator("h1").inner_text() == "Register a carrier"
    title = f"Browser flow {uuid.uuid4().hex[:10]}"
    fill_registration(page, title=title, level="2", container_code="CAB-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Register and sign").click()

    # the detail page: marking, facts, and the signed history row
    assert re.search(r"/carriers/\d+/$", page.url)
    assert page.locator("h1 .marking").inner_text() == "Secret★5 years"
    facts = page.locator("dl.facts").first.inner_text()
    assert title in facts and "机密★5年" in facts and "CAB-01" in facts
    history = page.locator("table.history tbody tr")
    assert "Registered" in history.locator("td:nth-child(4)").all_inner_texts()
    signed = history.filter(has=page.locator(".sig"))
    assert signed.count() == 1
    signature = signed.locator(".sig").inner_text()
    assert "王保密" in signature and "Registered: I entered this carrier and vouch for its data" in signature
    assert len(signed.locator("code.hash").inner_text()) > 10
    registry_number = page.locator("h1").inner_text().split()[0]
    no_overflow(page)
    shot(page, "detail-en")

    # the list: search by the title and find it
    page.locator("#mainnav").get_by_role("link", name="Carriers", exact=True).click()  # not the breadcrumb
    page.fill("form.filters input[name=q]", title)
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == registry_number
    assert rows.first.locator(".marking").inner_text() == "Secret★5 years"
    assert page.locator(".count").inner_text() == "1 carrier"
    shot(page, "list-search-en")

    # the same list in Chinese
    switch_language(page, "简体中文")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("form.filters input[name=q]").input_value() == title  # the search is kept
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".marking").inner_text() == "机密★5年"
    assert page.locator("h1").inner_text() == "涉密载体"
    headers = page.locator("table.grid thead").inner_text()
    for label in ("登记编号", "国家秘密标志", "标题", "类别", "份号", "状态", "责任人", "存放设施"):
        assert label in headers
    assert rows.first.locator(".status").inner_text() == "在保管"
    assert page.locator(".count").inner_text() == "共 1 件载体"
    nav = page.locator(".mainnav").inner_text()
    assert "登记涉密载体" in nav and "审计记录" in nav
    assert page.get_by_role("button", name="退出登录").is_visible()
    shot(page, "list-search-zh")

    rows.first.locator("a").click()
    assert page.locator("h1 .marking").inner_text() == "机密★5年"
    assert "登记：本人录入该载体并对其数据负责" in page.locator("table.history").inner_text()
    no_overflow(page)
    shot(page, "detail-zh")


def test_top_secret_into_a_cabinet_is_refused_on_the_form(page):
    log_in(page, "secretary")
    page.goto("/carriers/register/")
    title = f"Refused {uuid.uuid4().hex[:10]}"
    fill_registration(page, title=title, level="3", container_code="CAB-01")
    page.get_by_role("button", name="Register and sign").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Register a carrier"
    error = page.locator("#field-container .error")
    assert error.count() == 1
    assert "CAB-01" in error.inner_text() and "Top Secret" in error.inner_text()
    assert "combination safe" in error.inner_text().lower()
    # what was typed is kept, except the password
    assert page.locator("#id_title").input_value() == title
    assert page.locator("#id_password").input_value() == ""
    no_overflow(page)
    shot(page, "register-refused-en")

    switch_language(page, "简体中文")  # a fresh form in Chinese; post it again
    fill_registration(page, title=title, level="3", container_code="CAB-01")
    page.get_by_role("button", name="登记并签名").click()
    page.wait_for_load_state()
    text = page.locator("#field-container .error").inner_text()
    assert "CAB-01" in text and "不得存放绝密级载体" in text and "密码保险柜" in text
    shot(page, "register-refused-zh")

    # empty form: every required field says so
    page.goto("/carriers/register/")
    page.get_by_role("button", name="登记并签名").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error").count() >= 4
    assert "必填项" in page.locator("#field-title .error").inner_text()
    no_overflow(page)
    shot(page, "register-empty-zh")

    # nothing was registered under that title
    page.goto(f"/carriers/?q={title}")
    assert page.locator("table.grid tbody td.empty").count() == 1


@pytest.mark.parametrize(("language", "lang"), [("English", "en"), ("简体中文", "zh-hans")])
def test_audit_trail_and_not_found_pages(page, language, lang):
    log_in(page, "auditor", language=language)
    assert page.locator("html").get_attribute("lang") == lang
    shot(page, f"list-{lang}")
    page.locator(".mainnav a", has_text="Audit trail" if lang == "en" else "审计记录").click()
    assert page.locator("h1").inner_text() == ("Audit trail" if lang == "en" else "审计记录")
    assert page.locator("table.grid tbody tr").count() == 100
    assert page.locator(".pager").is_visible()
    no_overflow(page)
    shot(page, f"audit-{lang}")

    page.locator("a.button[href='/audit/verify/']").click()  # verify the chain
    assert page.locator(".ok").is_visible()
    shot(page, f"audit-verify-{lang}")

    response = page.goto("/carriers/999999999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == ("Not found" if lang == "en" else "未找到")
    shot(page, f"404-{lang}")

    # the auditor may read but not register
    assert page.locator(".mainnav a[href$='/carriers/register/']").count() == 0
    response = page.goto("/carriers/register/")
    assert response.status == 403
    shot(page, f"403-{lang}")
