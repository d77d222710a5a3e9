"""axe-core (vendored from npm under tests/browser/vendor/axe-core/, test-only) in real Chromium
against a live server with the demo data: for each role, the login page, every link of the main
menu and, on a list, the first detail link of its main table, in English and (for the secrecy
office) in Chinese, at a desk's width and (the secrecy office, a head) a phone's; no WCAG 2.0/2.1 A or AA violation on any of them."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser as browser  # the shared Chromium fixture
from tests.browser.test_register_flow import switch_language
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary})),
  }));
}"""

# the first link of the main table that leads to another page of the registry (not a download,
# not a sort or filter of the same list)
DETAIL_LINK = """() => {
  for (const a of document.querySelectorAll('main table a[href]')) {
    const href = a.getAttribute('href');
    if (!href.startsWith('/') || a.hasAttribute('download')) continue;
    if (/(export|download|\\.pdf|\\.csv|label)/i.test(href)) continue;
    return href;
  }
  return null;
}"""

# Violations accepted for a stated reason: (path prefix, rule id) -> why. Empty: fix, don't list.
ALLOWED: dict[tuple[str, str], str] = {}

PHONE = 390  # px: tables scroll sideways, the menu folds behind a button
ROLES = [
    ("secretary", "English", 1280),
    ("secretary", "简体中文", 1280),
    ("secretary", "简体中文", PHONE),
    ("head_gen", "English", 1280),
    ("head_gen", "English", PHONE),
    ("auditor", "English", 1280),
    ("staff_general", "English", 1280),
    ("sysadmin", "English", 1280),
    ("secauditor", "English", 1280),
]


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def allowed(path, rule):
    return any(path.startswith(prefix) and rule == rule_id for prefix, rule_id in ALLOWED)


def check(page, found):
    """Run axe on the page as it stands; add its violations to `found`."""
    page.add_script_tag(path=str(AXE))
    path = urlsplit(page.url).path
    for violation in page.evaluate(RUN_AXE, TAGS):
        if allowed(path, violation["id"]):
            continue
        for node in violation["nodes"]:
            found.append((path, violation["id"], node["target"], violation["help"], node["html"]))


def report(found):
    lines = [f"{len(found)} accessibility violation(s):"]
    lines += [f"  {path}  [{rule}]  {target}\n      {help_}\n      {html}" for path, rule, target, help_, html in found]
    return "\n".join(lines)


def new_page(browser, site, width=1280):
    # the registry's Content-Security-Policy refuses inline scripts, and add_script_tag inlines axe
    context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": width, "height": 900},
                                  bypass_csp=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def visit(page, href, found, seen):
    path = urlsplit(href).path
    if path in seen:
        return False
    seen.add(path)
    response = page.goto(href)
    assert response is not None and response.ok, f"{href}: {response.status if response else 'no response'}"
    if "text/html" not in (response.headers.get("content-type") or ""):
        return False
    check(page, found)
    return True


@pytest.mark.parametrize(("username", "language", "width"), ROLES,
                         ids=[f"{u}-{'en' if lang == 'English' else 'zh'}-{w}" for u, lang, w in ROLES])
def test_every_menu_page_has_no_axe_violation(browser, site, username, language, width):
    context, page = new_page(browser, site, width)
    found, seen = [], set()
    try:
        page.goto("/login/")
        want = "en" if language == "English" else "zh-hans"
        if page.locator("html").get_attribute("lang") != want:
            switch_language(page, language)
        assert page.locator("html").get_attribute("lang") == want
        check(page, found)
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        assert page.locator(".who").is_visible(), f"{username} is not logged in"
        if width == PHONE:  # the folded menu, opened
            page.locator(".menu-toggle").click()
            assert page.locator("#mainnav").is_visible(), "the menu did not open"
        check(page, found)
        seen.add(urlsplit(page.url).path)
        links = page.eval_on_selector_all("#mainnav a", "links => links.map(a => a.getAttribute('href'))")
        assert links, f"{username} has no menu"
        for href in links:
            if not visit(page, href, found, seen):
                continue
            detail = page.evaluate(DETAIL_LINK)
            if detail:
                visit(page, detail, found, seen)
    finally:
        context.close()
    assert not found, report(found)


def submit_unchecked(page, form):
    """Submit a form as a browser without its own checks would, so that the server's answer shows."""
    page.evaluate("() => { for (const f of document.querySelectorAll('main form')) f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_states_after_an_action_have_no_axe_violation(browser, site):
    """What the menu's pages do not show by themselves: a refused login, a page that does not
    exist, a form the server refused with its errors, and the message after an action done."""
    context, page = new_page(browser, site)
    found = []
    try:
        page.goto("/login/")
        page.fill("#id_username", "secretary")
        page.fill("#id_password", "not the password")
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        assert page.locator(".who").count() == 0
        check(page, found)
        page.fill("#id_username", "secretary")
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        assert page.locator(".who").is_visible(), "secretary is not logged in"
        assert page.goto("/no-such-page/").status == 404
        check(page, found)
        page.goto("/carriers/register/")
        submit_unchecked(page, page.locator("main form[method=post]").first)
        assert page.locator(".errorlist, .errors").count(), "the empty registration was not refused"
        check(page, found)
        page.goto("/registers/")
        submit_unchecked(page, page.locator("main form[method=post]").first)
        assert page.locator(".messages li").count(), "no message after the export started"
        check(page, found)
    finally:
        context.close()
    assert not found, report(found)
