"""Real Chromium against a live server on a scratch PostgreSQL database with the demo data: the
day starts on the dashboard (per role, every count through the gate), a scanned registry number
typed into the header's search box opens the carrier, a carrier's label prints as a PDF whose first
page is not blank, every page of the menu fits a 390 px phone and a 768 px tablet without sideways
scrolling (the menu folds behind a button), and no page shows the other language's script outside
the data (names, titles, numbers: the allow-list is read from the database). Screenshots go to
test-results/."""

import json
import re
import subprocess

import pytest

from common.demo import DEMO_PASSWORD
from tests.browser.test_register_flow import shot, switch_language
from tests.live import live_server, manage, scratch_database

pytestmark = pytest.mark.browser

# What the database holds as text (names, titles, numbers, markings, places): shown as typed, in
# whichever script it was typed; the other-script check ignores exactly these strings.
DATA_STRINGS = """
import json, re
from django.apps import apps
from django.db import models
cjk = re.compile(r"[\\u3400-\\u9fff\\uff00-\\uffef\\u3000-\\u303f]")
latin = re.compile(r"[A-Za-z]")
mine = ("accounts", "alerts", "approvals", "audit", "carriers", "personnel", "meetings", "incidents",
        "registers", "production", "transmission", "use", "copying", "carrying", "declassification",
        "storage", "destruction", "holds", "auth")
out = {"cjk": set(), "latin": set()}
for model in apps.get_models():
    if model._meta.app_label not in mine:
        continue
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
              and not f.choices]
    for f in fields:
        for value in model._default_manager.values_list(f, flat=True).distinct()[:3000]:
            if not value:
                continue
            if cjk.search(value):
                out["cjk"].add(value)
            if latin.search(value):
                out["latin"].add(value)
print(json.dumps({k: sorted(v, key=len, reverse=True) for k, v in out.items()}))
"""

CARRIER = """
from carriers.models import Carrier
c = Carrier.objects.filter(status="in_custody", level=2, holder__username="secretary").order_by("pk").first()
import json; print(json.dumps({"pk": c.pk, "number": c.registry_number, "title": c.title}))
"""

# Latin words a Chinese page may show: names of formats, standards and protocols
LATIN_OK = {"API", "PDF", "CSV", "QR", "USB", "ID", "HMAC", "Ed25519", "Merkle", "TOTP", "JSON", "SHA", "LDAP",
            "Code", "WebAuthn", "Excel", "xlsx", "OpenAPI", "Swagger", "English", "A4", "celery", "beat"}
# numbers the registry gives (CO-3, DR-12, DEMO-2026-000001): identifiers, not words
IDENTIFIER = re.compile(r"\b[A-Z]{1,6}(?:-[A-Z0-9]+)*-\d+\b")

TEXTS = """(pageLang) => {
  const short = pageLang.slice(0, 2);
  const out = [];
  const skip = (el) => !el || el.closest("script, style, svg, [hidden], code, .hash")
    || ((el.closest("[lang]") || document.documentElement).lang || "").toLowerCase().slice(0, 2) !== short;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (skip(node.parentElement)) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll("[title], [placeholder], [aria-label]")) {
    if (skip(el)) continue;
    for (const name of ["title", "placeholder", "aria-label"]) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out;
}"""

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url:
        data = json.loads(manage(url, "shell", "-c", DATA_STRINGS).stdout.strip().splitlines()[-1])
        carrier = json.loads(manage(url, "shell", "-c", CARRIER).stdout.strip().splitlines()[-1])
        with live_server(url) as base:
            yield base, data, carrier


def open_session(browser, base, username, *, language="English", width=1280, height=900):
    context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else problems.append(f"outside: {r.url}"))
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.goto("/login/")
    if page.locator("html").get_attribute("lang") != ("en" if language == "English" else "zh-hans"):
        switch_language(page, language)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".who").is_visible(), f"{username} is not logged in"
    return context, page, problems


def close_session(context, problems):
    context.close()
    assert problems == []


def menu_links(page):
    return page.eval_on_selector_all("#mainnav a", "links => links.map(a => a.getAttribute('href'))")


def test_the_day_starts_on_the_dashboard_for_each_role(browser, site):
    base, _data, carrier = site
    seen = {}
    for username in ("secretary", "head_res", "auditor", "staff_core"):
        context, page, problems = open_session(browser, base, username)
        assert page.url == f"{base}/"
        assert page.locator("h1").inner_text() == "Dashboard"
        for heading in ("Waiting for you", "Overdue and due soon", "Active alerts by severity", "Your own work"):
            assert page.get_by_role("heading", name=heading).count() == 1, heading
        # the charts: one bar per level, drawn on the server; the counts add up to the total
        levels = page.locator("#h-counts ~ .charts table").first.locator("tbody tr")
        assert levels.count() == 3
        total = int(re.search(r"\d+", page.locator("#h-counts").inner_text()).group())
        assert sum(int(levels.nth(i).locator("td.num").inner_text()) for i in range(3)) == total
        # alerts by severity: colour and a shape per severity, each a link to the filtered list
        assert page.locator(".severities li svg.icon").count() == 3
        # the menu marks where one is
        assert page.locator("#mainnav a[aria-current=page]").inner_text().startswith("Dashboard")
        seen[username] = (total, menu_links(page))
        shot(page, f"dashboard-{username}-en")
        close_session(context, problems)
    # roles see their own menus and their own counts
    assert "/carriers/register/" in seen["secretary"][1] and "/carriers/register/" not in seen["staff_core"][1]
    assert "/audit/" in seen["auditor"][1] and "/audit/" not in seen["head_res"][1]
    assert len(seen["staff_core"][1]) < len(seen["secretary"][1])
    assert seen["staff_core"][0] < seen["secretary"][0]


def test_a_scanned_number_opens_the_carrier(browser, site):
    base, _data, carrier = site
    context, page, problems = open_session(browser, base, "secretary")
    box = page.locator("#site-search")
    box.focus()
    # what a scanner does: the number typed fast, then Enter
    with page.expect_navigation():
        page.keyboard.type(carrier["number"])
        page.keyboard.press("Enter")
    assert page.url == f"{base}/carriers/{carrier['pk']}/"
    assert page.locator("h1").inner_text().startswith(carrier["number"])
    # breadcrumbs: Dashboard > Carriers > the number; the menu marks the section
    crumbs = page.locator("nav.crumbs li")
    assert [crumbs.nth(i).inner_text() for i in range(crumbs.count())] == ["Dashboard", "Carriers", carrier["number"]]
    assert page.locator("#mainnav a[aria-current=true]").inner_text() == "Carriers"
    # the page offers what the secrecy office may do with it, and labels
    actions = page.locator("section.carrier-actions a")
    names = [actions.nth(i).inner_text() for i in range(actions.count())]
    assert "Record a reading session" in names and "Print a label (A4 sheet)" in names
    shot(page, "search-scan-carrier-en")
    # a part of the title: a result list through the gate
    box.fill(carrier["title"][:4])
    with page.expect_navigation():
        box.press("Enter")
    assert page.locator("h1").inner_text() == "Search"
    assert page.locator("table.results a", has_text=carrier["number"]).count() == 1
    # staff_general (General Affairs, clearance Confidential) scans the same Secret number: nothing
    close_session(context, problems)
    context, page, problems = open_session(browser, base, "staff_general")
    page.fill("#site-search", carrier["number"])
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert page.locator("h1").inner_text() == "Search"
    assert carrier["title"] not in page.content()
    assert "No carrier you may open matches" in page.locator("table.results").inner_text()
    close_session(context, problems)


def test_label_pdf_first_page_is_not_blank(browser, site, tmp_path):
    base, _data, carrier = site
    context, page, problems = open_session(browser, base, "secretary")
    page.goto(f"/carriers/{carrier['pk']}/")
    href = page.locator("section.carrier-actions a", has_text="Print a label (A4 sheet)").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    # a binary PGM: header of three lines, then one byte per pixel; the label's ink darkens some
    pixels = image.split(b"\n", 3)[3]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 500, f"the first page is blank ({dark} dark pixels)"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert carrier["number"] in text
    close_session(context, problems)


@pytest.mark.parametrize("width", [390, 768])
def test_phone_and_tablet_widths_do_not_scroll_sideways(browser, site, width):
    base, _data, carrier = site
    context, page, problems = open_session(browser, base, "secretary", width=width, height=844)
    # the menu is folded behind its button; opened, it lists the sections
    toggle = page.locator("button.menu-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#mainnav").is_visible()
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 0.4 * 844, f"the header takes {header['height']}px"
    toggle.click()
    assert page.locator("#mainnav").is_visible() and toggle.get_attribute("aria-expanded") == "true"
    shot(page, f"menu-open-{width}")
    links = menu_links(page) + [f"/carriers/{carrier['pk']}/", "/notices/", f"/search/?q={carrier['title'][:2]}"]
    wide = []
    for href in links:
        page.goto(href)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        if scroll > inner:
            wide.append(f"{href}: {scroll}px")
        if href in ("/", "/carriers/", f"/carriers/{carrier['pk']}/"):
            shot(page, f"width-{width}{href.strip('/').replace('/', '-') or '-dashboard'}")
    assert wide == [], f"pages wider than {width}px: {wide}"
    close_session(context, problems)


@pytest.mark.parametrize(("language", "lang"), [("English", "en"), ("简体中文", "zh-hans")])
def test_no_page_shows_the_other_language(browser, site, language, lang):
    base, data, carrier = site
    allowed = data["cjk"] if lang == "en" else data["latin"]
    context, page, problems = open_session(browser, base, "secretary", language=language)
    links = menu_links(page) + [f"/carriers/{carrier['pk']}/", "/notices/", f"/search/?q={carrier['title'][:2]}"]
    found = []
    for href in links:
        page.goto(href)
        assert page.locator("html").get_attribute("lang") == lang
        for text in page.evaluate(TEXTS, lang):
            if lang == "en" and not CJK.search(text):
                continue
            if lang == "zh-hans" and not LATIN_WORD.search(text):
                continue
            for value in allowed:
                if value in text:
                    text = text.replace(value, " ")
            text = IDENTIFIER.sub(" ", text)
            left = CJK.findall(text) if lang == "en" else [w for w in LATIN_WORD.findall(text) if w not in LATIN_OK]
            if left:
                found.append(f"{href}: {text[:80]!r}")
    assert found == [], "\n".join(sorted(set(found)))
    close_session(context, problems)
