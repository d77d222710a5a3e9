"""Real Chromium against a live server (scratch PostgreSQL, demo data, an idle timeout of 8 seconds):
a person enrols an authenticator (QR code drawn by the registry, first code, recovery codes), logs
out, logs in with password and code, and is logged out by the server after the idle timeout, warned
before. Nothing is fetched from outside and no script fails (Content-Security-Policy included)."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from common.demo import DEMO_PASSWORD
from tests.browser.conftest import browser  # noqa: F401 - the shared Chromium fixture
from tests.live import live_server, scratch_database

pytestmark = pytest.mark.browser

IDLE_SECONDS = 8


@pytest.fixture(scope="module")
def site():
    with scratch_database(seed_demo=True) as url, live_server(url, SESSION_IDLE_SECONDS=str(IDLE_SECONDS)) as base:
        yield base


@pytest.fixture
def page(browser, site):  # noqa: F811 - the fixture imported above
    context = browser.new_context(base_url=site, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside, script_errors = [], []
    page.on("request", lambda r: None if r.url.startswith((site, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    page.on("console", lambda msg: script_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"


def code_for(secret: str, steps: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def password_step(page, username):
    page.goto("/login/")
    if page.locator("html").get_attribute("lang") != "en":
        with page.expect_navigation():
            page.locator("form.langswitch button", has_text="English").click()
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def enrol(page) -> str:
    """Enrol an authenticator on /account/factors/ as the logged-in person; returns its key."""
    page.goto("/account/factors/")
    with page.expect_navigation():
        page.locator("#start-form button").click()
    assert page.locator("#enrol-qr svg").is_visible()
    page.locator("details summary").click()
    secret = page.locator("#enrol-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.fill("#id_code", code_for(secret))
    with page.expect_navigation():
        page.locator("#confirm-form button[type=submit]").click()
    assert page.locator("#enrolled-now").is_visible()
    assert page.locator("#recovery-codes li").count() == 10
    return secret


def test_enrol_log_in_with_the_code_and_time_out(page):
    password_step(page, "staff_core")
    assert page.locator(".who").is_visible(), "not logged in"
    secret = enrol(page)

    with page.expect_navigation():
        page.locator("form[action='/logout/'] button").click()
    password_step(page, "staff_core")
    assert "/account/login/code/" in page.url and not page.locator(".who").is_visible()
    page.fill("#id_code", code_for(secret, steps=1))  # the enrolment's code is spent: the next one
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".who").is_visible(), "the code did not log in"

    # the warning comes before the end; "Stay logged in" keeps the session
    page.locator("#session-warning").wait_for(state="visible", timeout=(IDLE_SECONDS + 5) * 1000)
    page.locator("#session-stay").click()
    page.locator("#session-warning").wait_for(state="hidden")
    # idle again: warned, then the server logs out and the login page says why
    page.locator("#session-warning").wait_for(state="visible", timeout=(IDLE_SECONDS + 5) * 1000)
    assert re.fullmatch(r"\d+", page.locator("#session-countdown").inner_text())
    page.wait_for_url(re.compile(r"/login/"), timeout=(IDLE_SECONDS + 10) * 1000)
    assert "without activity" in page.locator(".messages").inner_text()
    assert not page.locator(".who").is_visible()
    page.goto("/carriers/")
    assert "/login/" in page.url


@pytest.fixture
def local_page(browser, site):  # noqa: F811 - the fixture imported above
    """WebAuthn needs a host name (an IP address is no relying party): the same server as localhost,
    with a virtual security key in Chromium (DevTools protocol)."""
    local = site.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=local, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    outside, script_errors = [], []
    page.on("request", lambda r: None if r.url.startswith((local, "data:")) else outside.append(r.url))
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    yield page
    context.close()
    assert outside == [], f"pages asked for something from outside: {outside}"
    assert script_errors == [], f"script errors: {script_errors}"


def test_security_key_registered_and_used_at_login(local_page):
    page = local_page
    password_step(page, "staff_important")
    enrol(page)
    page.goto("/account/factors/")
    assert page.locator("#key-register").is_visible() and not page.locator("#key-unsupported").is_visible()
    page.fill("#key-name", "desk key")
    with page.expect_navigation():
        page.locator("#key-register-button").click()
    assert page.locator("#key-list", has_text="desk key").is_visible(), page.locator("main").inner_text()

    with page.expect_navigation():
        page.locator("form[action='/logout/'] button").click()
    password_step(page, "staff_important")
    assert "/account/login/code/" in page.url
    with page.expect_navigation():
        page.locator("#key-login-button").click()
    assert page.locator(".who").is_visible(), page.locator("main").inner_text()
