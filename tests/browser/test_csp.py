"""The Content-Security-Policy in a real browser: the pages that run scripts (the registers'
progress bar, the meetings' live board, the second factor's QR code, the session warning, the API
docs) work with no violation reported by Chromium, and an inline script injected into a page is
refused."""

import pytest

from tests.live import live_server, scratch_database

pytestmark = [pytest.mark.browser, pytest.mark.live]

DEMO_PASSWORD = "Registry-Demo-2026"
PAGES = ["/", "/carriers/", "/registers/", "/meetings/", "/approvals/", "/audit/verify/", "/alerts/", "/storage/",
         "/account/factors/", "/api/docs/"]


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url) as base:
        yield base


def test_pages_run_their_scripts_without_a_policy_violation(browser, site):
    context = browser.new_context(base_url=site, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    violations, errors = [], []
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    try:
        page.goto("/login/")
        response_csp = page.evaluate("document.contentType")  # the page loaded
        assert response_csp == "text/html"
        page.fill("#id_username", "secretary")
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        assert page.locator(".who").is_visible(), "not logged in"

        for path in PAGES:
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            assert "default-src 'self'" in response.headers["content-security-policy"], path
            page.wait_for_load_state("networkidle")

        # the API docs page really ran its scripts (Swagger UI drew the operations)
        page.goto("/api/docs/")
        page.wait_for_selector(".opblock", timeout=30_000)

        # enrolling an authenticator shows its QR code (inline SVG) under the policy
        page.goto("/account/factors/")
        page.locator("#start-form button").click()
        page.wait_for_selector("#enrol-qr svg")

        # an injected inline script is refused, and reported as a violation
        page.goto("/carriers/")
        page.evaluate("""() => { const s = document.createElement('script');
                                  s.textContent = 'window.__injected = true'; document.body.appendChild(s); }""")
        assert page.evaluate("window.__injected === undefined")
        assert any("inline" in v for v in violations), violations
        violations[:] = [v for v in violations if "/carriers/" not in v]
    finally:
        context.close()
    assert violations == [], "\n".join(violations)
    assert errors == [], "\n".join(errors)
