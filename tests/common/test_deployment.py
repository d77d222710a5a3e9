"""Deployment: `manage.py check --deploy` with the production environment of docs/operations.md
prints no warning; production refuses to start without its secret key; every page and API answer
carries a strict Content-Security-Policy, Permissions-Policy, Referrer-Policy and
`Cache-Control: no-store`; behind TLS, plain HTTP is redirected and HSTS is sent; templates keep
scripts and styles out of the page (the policy allows no inline script or style)."""

import json
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
SECRET_KEY_MESSAGE = "DJANGO_SECRET_KEY is not set"


def documented_environment() -> dict[str, str]:
    """The `export NAME=value` lines of the 'Environment' block of docs/operations.md, with its
    placeholders (…) filled: a random secret key, a var directory of the test's own."""
    text = OPERATIONS.read_text(encoding="utf-8")
    section = text.split("### Environment", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line.startswith("export "):
            continue
        name, _, value = line[len("export "):].partition("=")
        env[name] = shlex.split(value)[0] if value else ""
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "DJANGO_BEHIND_TLS"} <= set(env), env
    return env


def run_manage(env: dict[str, str], *args: str, tmp_path) -> subprocess.CompletedProcess:
    """manage.py in a clean environment: only what is given (no test settings, no DATABASE_URL of
    the suite, no REGISTRY_PRODUCTION=0)."""
    clean = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    clean.update(env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=300)


def production_env(tmp_path) -> dict[str, str]:
    env = documented_environment()
    env = {name: value.replace("…", "x") for name, value in env.items()}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["REGISTRY_VAR_DIR"] = str(tmp_path / "var")
    if "OTP_ENCRYPTION_KEY_FILE" in env:  # the documented path, made as the operator would (make_otp_key)
        from accounts.otp_crypto import write_key

        key_file = tmp_path / "otp.key"
        if not key_file.exists():
            write_key(key_file)
        env["OTP_ENCRYPTION_KEY_FILE"] = str(key_file)
    return env


def test_check_deploy_with_the_documented_settings_prints_no_warning(tmp_path):
    done = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output and "WARNING" not in output, output


def test_behind_tls_sets_https_only_settings(tmp_path):
    script = (
        "import json; from django.conf import settings as s; print('SETTINGS ' + json.dumps({k: getattr(s, k) for k in "
        "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_REDIRECT_EXEMPT', 'DEBUG']}))"
    )
    done = run_manage(production_env(tmp_path), "shell", "-c", script, tmp_path=tmp_path)
    line = next((x for x in done.stdout.splitlines() if x.startswith("SETTINGS ")), None)
    assert line, done.stdout + done.stderr
    values = json.loads(line[len("SETTINGS "):])
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["DEBUG"] is False


@pytest.mark.parametrize(
    "variant",
    [
        {},  # the documented environment without the key: PostgreSQL means production
        {"DATABASE_URL": None, "REGISTRY_PRODUCTION": "1"},  # SQLite, but declared production
    ],
    ids=["postgresql", "declared"],
)
def test_production_refuses_to_start_without_its_secret_key(tmp_path, variant):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    for name, value in variant.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    done = run_manage(env, "check", tmp_path=tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and SECRET_KEY_MESSAGE in done.stderr, done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()  # no key was made up instead


def test_embedded_mode_starts_without_a_secret_key(tmp_path):
    done = run_manage({"DJANGO_SETTINGS_MODULE": "config.settings.base", "REGISTRY_VAR_DIR": str(tmp_path / "var")},
                      "check", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "var" / "secret_key").exists()


# --- headers -------------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def assert_secure_headers(response, *, what: str) -> None:
    cache = response.get("Cache-Control", "")
    assert "no-store" in cache and "private" in cache, (what, cache)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"], (what, directives)
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name], (what, directives)
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], what
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy, (what, policy)
    assert response["Referrer-Policy"] == "same-origin", what
    assert response["X-Content-Type-Options"] == "nosniff", what


@pytest.mark.django_db
def test_pages_and_api_answers_carry_the_headers(org, client):
    assert_secure_headers(client.get(reverse("login")), what="login page")
    client.force_login(org.secretary)
    assert_secure_headers(client.get(reverse("carriers:list")), what="carrier list")
    assert_secure_headers(client.get("/no/such/page/"), what="404 page")
    assert_secure_headers(client.get(reverse("registers:export", args=["carrier-ledger", "csv"])), what="CSV register")
    assert_secure_headers(client.get("/api/v1/carriers/"), what="API list")
    assert_secure_headers(Client().get("/api/v1/carriers/"), what="API 401")
    assert_secure_headers(client.get("/api/docs/"), what="API docs")
    assert_secure_headers(client.get("/healthz"), what="health check")


def test_static_files_keep_their_caching(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_behind_tls_plain_http_is_redirected_and_hsts_sent(org):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                           SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
                           SECURE_REDIRECT_EXEMPT=[r"^healthz$"]):
        client = Client()
        plain = client.get("/login/")
        assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
        assert client.get("/healthz").status_code in (200, 503)  # the load balancer's check stays on HTTP
        secure = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- templates under the policy ------------------------------------------------------------------

# rendered by WeasyPrint into PDF, never served to a browser
NOT_SERVED = {"registers/pdf.html", "registers/pdf_pages.html", "dashboard/labels.html"}


def _not_served(name: str) -> bool:
    """A PDF template (named ...pdf.html, or listed above) is rendered by WeasyPrint, not served."""
    return name in NOT_SERVED or name.endswith("pdf.html")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on...= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if _not_served(name):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {what}")
    assert found == [], "the Content-Security-Policy blocks these (move them to static/):\n" + "\n".join(found)


def test_static_scripts_need_no_unsafe_eval():
    for path in sorted((ROOT / "static").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setAttribute\(\s*['\"]style", text), path
