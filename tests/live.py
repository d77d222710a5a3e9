"""Helpers for tests that need committed data seen by other processes: a scratch PostgreSQL
database (created, migrated, dropped), server and worker processes pointed at it.

pytest-django's own test database cannot serve these tests: its transactional flush TRUNCATEs
every table, which the audit tables refuse by design."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

from tests import db_roles

ROOT = Path(__file__).resolve().parent.parent


def base_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("live tests need DATABASE_URL pointing at PostgreSQL (make test sets it)")
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def process_env(database_url: str, *, base: dict | None = None, **extra) -> dict:
    env = dict(os.environ if base is None else base)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def manage(database_url: str, *args: str, check: bool = True, timeout: int = 300, base_env: dict | None = None,
           **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=process_env(database_url, base=base_env, **env), capture_output=True, text=True,
        check=check, timeout=timeout,
    )


@contextlib.contextmanager
def scratch_database(*, seed_demo: bool = False):
    """Yield the URL of a fresh, migrated PostgreSQL database; drop it afterwards. With two roles
    (DATABASE_OWNER_URL) the owner creates and migrates it, the migration grants the application
    role its privileges (DATABASE_APP_ROLE), and the URL given out is the application role's: the
    servers and workers run as in a deployment. `db_roles.as_owner_url(url)` is the owner's.

    Migrating (and seeding) takes 20-60 s on a busy 2-core machine, and some forty tests ask for
    such a database: each is a copy (CREATE DATABASE ... TEMPLATE, about a second) of a template
    migrated (and seeded) once per run of the suite, by whichever xdist worker asks first."""
    base = base_database_url()
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin_url = _with_db(db_roles.as_owner_url(base), "postgres")
    template = _template(admin_url, base, seed_demo=seed_demo)
    _copy_database(admin_url, template, name)
    url = _with_db(base, name)
    try:
        yield url
    finally:
        drop_database(admin_url, name)


# one id for every xdist worker of this run (PYTEST_XDIST_TESTRUNUID), else this process's own
_RUN_ID = (os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex)[:12]
# the environment of the session (imported at collection, before any test's monkeypatch): every
# copy of a template is made the same way whichever test asks first
_SESSION_ENV = dict(os.environ)


def _template(admin_url: str, base: str, *, seed_demo: bool) -> str:
    """The name of this run's template database (migrated, and seeded when asked), made once under
    an advisory lock; templates of earlier runs are dropped. Ready only once renamed to its name."""
    name = f"tmpl_{_RUN_ID}_{'demo' if seed_demo else 'bare'}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        try:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return name
            for (stale,) in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%%' AND datname NOT LIKE %s",
                    [f"tmpl_{_RUN_ID}_%"]).fetchall():
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f'ALTER DATABASE "{stale}" IS_TEMPLATE false')
                    conn.execute(f'DROP DATABASE IF EXISTS "{stale}"')
            building = f"{name}_building"
            conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
            conn.execute(f'CREATE DATABASE "{building}"')
            url = _with_db(base, building)
            if db_roles.two_roles():
                manage(db_roles.as_owner_url(url), "migrate", "--noinput", "-v0", timeout=600, base_env=_SESSION_ENV,
                       DATABASE_APP_ROLE=db_roles.app_role())
            else:
                manage(url, "migrate", "--noinput", "-v0", timeout=600, base_env=_SESSION_ENV)
            if seed_demo:
                manage(url, "seed_demo", timeout=600, base_env=_SESSION_ENV)
            _wait_unused(conn, building)
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            return name
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])


def _wait_unused(conn, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"database {name} still in use after {timeout}s")
        time.sleep(0.2)


def _copy_database(admin_url: str, template: str, name: str) -> None:
    """CREATE DATABASE name TEMPLATE template (retried while another copy holds the template), and
    the application role's CONNECT on it (a database's own grants are not copied)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        _while_in_use(lambda: conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'), timeout=60.0, pause=0.3)
        if db_roles.two_roles():
            conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{db_roles.app_role()}"')


def drop_database(admin_url: str, name: str, timeout: float = 30.0) -> None:
    """Drop a scratch database once the processes that used it are gone. (DROP ... WITH (FORCE)
    needs the right to signal every backend, which a non-superuser lacks for background workers.)"""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        def attempt():
            # our own sessions and those of the roles we are a member of (the owner: the app's)
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pg_has_role(current_user, usesysid, 'MEMBER') AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

        _while_in_use(attempt, timeout=timeout, pause=0.5)


def _while_in_use(attempt, *, timeout: float, pause: float) -> None:
    """attempt() again while PostgreSQL answers that the database is in use, up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            attempt()
            return
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited early with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def live_server(database_url: str, **env: str):
    """Serve the registry (DEBUG off; static files through WhiteNoise's finders) on a free loopback
    port; `env` adds environment variables (e.g. REDIS_URL of a stopped Redis)."""
    port = free_port()
    # the server's output goes to a file: an unread pipe fills up and then blocks the server
    log = tempfile.NamedTemporaryFile(prefix="registry-live-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT, env=process_env(database_url, **env), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        os.unlink(log.name)
