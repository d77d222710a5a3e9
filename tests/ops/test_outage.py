"""Outages told honestly (issue 17, item 7), against a live server:

- the database stops while the server runs (a TCP proxy of ours in front of the shared PostgreSQL
  is closed, so the shared cluster is never touched): every API call answers 503 JSON with
  Retry-After, every page the static "temporarily unavailable" page, /healthz 503 naming the
  database; never a 500; when the database is back, everything answers again;
- Redis stops: /healthz names the broker, and celery beat, which cannot hand its tasks over any
  more, records it in the database and opens the alert `scheduler_failing`."""

import contextlib
import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import psycopg
import pytest

from tests.live import ROOT, free_port, live_server, process_env

from .conftest import stop

pytestmark = pytest.mark.live


class Proxy:
    """Forwards a local port to PostgreSQL; stop() closes it and every connection through it (the
    database, seen from the server, has stopped); start() opens it again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = None

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # wakes the thread blocked in accept(), and stops listening
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()


def through(url: str, port: int) -> str:
    parts = urllib.parse.urlparse(url)
    return urllib.parse.urlunparse(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}"))


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def login(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/login/")
        assert status == 200
        csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
        status, _, _ = self.request("POST", "/login/", data=form.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + "/login/"})
        assert status == 200  # followed the redirect to the start page

    def api(self, method: str, path: str, token: str, payload: dict | None = None):
        status, headers, body = self.request(
            method, path, data=json.dumps(payload).encode() if payload is not None else None,
            headers={"Authorization": f"Token {token}", "Accept": "application/json",
                     "Content-Type": "application/json"})
        return status, headers, body


def test_the_database_stopped_answers_503_with_retry_after_and_never_500(world):
    parts = urllib.parse.urlparse(world.url)
    proxy = Proxy((parts.hostname, parts.port))
    proxy.start()
    url = through(world.url, proxy.port)
    with live_server(url, **world.env(OUTAGE_RETRY_AFTER_SECONDS="17")) as base:
        browser = Browser(base)
        status, _, body = browser.request("POST", "/api/v1/auth/token/", data=json.dumps(
            {"username": "auditor", "password": "pw-123456"}).encode(), headers={"Content-Type": "application/json"})
        assert status == 200, body
        token = json.loads(body)["token"]
        browser.login("auditor", "pw-123456")
        assert browser.api("GET", "/api/v1/carriers/", token)[0] == 200
        assert browser.request("GET", "/carriers/")[0] == 200

        proxy.stop()  # the database is gone
        status, headers, body = browser.api("GET", "/api/v1/carriers/", token)
        assert status == 503, body[:300]
        assert headers["Retry-After"] == "17" and headers["Content-Type"].startswith("application/json")
        answer = json.loads(body)
        assert answer["code"] == "service_unavailable" and "try again in 17 seconds" in answer["detail"]
        status, headers, body = browser.api("POST", "/api/v1/register-exports/", token,
                                            {"register": "carrier-ledger", "format": "pdf", "lang": "en"})
        assert status == 503 and headers["Retry-After"] == "17", body[:300]
        status, headers, page = browser.request("GET", "/carriers/")
        assert status == 503 and headers["Retry-After"] == "17"
        assert headers["Content-Type"].startswith("text/html")
        page = page.decode()
        assert "系统暂时无法使用" in page and "Temporarily unavailable" in page and "nothing was changed" in page
        # every other kind of request: 503 (or a refusal that needs no database), never 500
        for method, path in (("GET", "/"), ("GET", "/alerts/"), ("GET", "/registers/"), ("GET", "/no-such-page/"),
                             ("GET", "/api/v1/register-exports/"), ("GET", "/api/v1/no-such/"),
                             ("POST", "/registers/carrier-ledger/start/")):
            status = browser.request(method, path, data=b"" if method == "POST" else None)[0]
            assert status in (503, 403, 404), (method, path, status)
        status = browser.request("GET", "/login/")[0]
        assert status in (200, 503)
        status, _, body = Browser(base).request("GET", "/healthz")  # a load balancer: no cookie
        health = json.loads(body)
        assert status == 503 and health["database"].startswith("error") and health["broker"] == "ok", health
        status, _, body = browser.request("GET", "/healthz")  # with a session: its middleware fails first
        assert status == 503 and json.loads(body)["database"].startswith("error")

        proxy.start()  # back
        assert browser.api("GET", "/api/v1/carriers/", token)[0] == 200
        status, _, body = browser.request("GET", "/healthz")
        assert status == 200, body
    proxy.stop()


def test_healthz_names_the_broker_and_a_beat_that_cannot_reach_it_is_alerted(world, tmp_path):
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("DELETE FROM alerts_scheduledrun")
    log_path = tmp_path / "beat.log"
    env = process_env(world.url, **world.env(REGISTER_SWEEP_INTERVAL_SECONDS="1"))
    with open(log_path, "w") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info",
             "--schedule", str(tmp_path / "celerybeat-schedule")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        sent = _wait(world, "SELECT last_sent_at FROM alerts_scheduledrun WHERE task = %s",
                     "registers.tasks.sweep_background_jobs", beat, log_path)
        assert sent is not None
        world.stop_redis()
        failed = _wait(world, "SELECT send_error FROM alerts_scheduledrun WHERE task = %s AND send_failed_at > last_sent_at",
                       "registers.tasks.sweep_background_jobs", beat, log_path)
        assert failed
        # the alert is opened just after the failure is recorded, in a transaction of its own (beat
        # records the failure even when the alert cannot be written): wait for it as well (CI8 read
        # the alerts between the two under a load of 7)
        _wait(world, "SELECT count(*) FROM alerts_alert WHERE kind = %s", "scheduler_failing", beat, log_path)
        with psycopg.connect(world.url) as conn:
            alerts = conn.execute("SELECT severity, status FROM alerts_alert WHERE kind = 'scheduler_failing'").fetchall()
            told = conn.execute(
                "SELECT count(*) FROM alerts_alert_recipients r JOIN alerts_alert a ON a.id = r.alert_id "
                "WHERE a.kind = 'scheduler_failing'").fetchone()[0]
        assert alerts == [("critical", "open")] and told == 2  # the secrecy office and the auditor
        with live_server(world.url, **world.env()) as base:
            status, _, body = Browser(base).request("GET", "/healthz")
        health = json.loads(body)
        assert status == 503 and health["broker"].startswith("error") and health["database"] == "ok", health
        assert health["scheduled_checks"]["beat"].startswith("error"), health
    finally:
        stop(beat)
        world.start_redis()


def _wait(world, query: str, task: str, proc, log_path, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"beat exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        with psycopg.connect(world.url) as conn:
            row = conn.execute(query, [task]).fetchone()
        if row and row[0]:
            return row[0]
        time.sleep(0.3)
    pytest.fail(f"nothing recorded for {task} after {timeout}s:\n{log_path.read_text()[-3000:]}")
