"""Shared fixtures: a small organisation with every role, secrecy post and container kind.

The suite runs on PostgreSQL (make test). Tests never use transactional_db/live_server: the
audit tables refuse TRUNCATE by design, so anything needing committed data (other processes,
a live server) makes its own scratch database with the `scratch_database` fixture."""

from types import SimpleNamespace

import pytest
from django.db import connection

from carriers.models import Container
from common.levels import Level
from personnel import roles
from personnel.models import Person

from . import db_roles
from .factories import PASSWORD, ContainerFactory, DepartmentFactory, PersonFactory, UnitFactory


def pytest_sessionstart(session):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            "The test suite runs on PostgreSQL: set DATABASE_URL (make test starts PostgreSQL 15 and Redis for you)."
        )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "as_owner: runs as the owner of the tables (a tamperer with the owner's rights), not the app role"
    )


# --- two database roles (tests/db_roles.py): create and migrate as the owner, run as the app ----

_ROLE = {"wanted": "app"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    if db_roles.two_roles():
        db_roles.use("owner")  # pytest-django creates and migrates the test database as the owner


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then the application role's grants on it (as the owner), then
    the suite runs as the application role; the owner drops the database at the end."""
    if not db_roles.two_roles():
        yield
        _close_owner_connection()
        return
    from common.db_roles import grant_app_role

    with django_db_blocker.unblock():
        grant_app_role(db_roles.app_role())
    db_roles.use(_ROLE["wanted"])
    yield
    _close_owner_connection()  # so the test database can be dropped
    db_roles.use("owner")


def _close_owner_connection():
    conn = _OWNER_CONNECTION.pop("conn", None)
    if conn is not None and not conn.closed:
        conn.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if db_roles.two_roles() and item.get_closest_marker("as_owner"):
        _ROLE["wanted"] = "owner"
        db_roles.use("owner")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if db_roles.two_roles() and item.get_closest_marker("as_owner"):
        _ROLE["wanted"] = "app"
        db_roles.use("app")


# the longest tests start first, so that under xdist they run beside the rest instead of after it
LONGEST_FIRST = ("test_register_benchmark", "test_embedded_mode.py")


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        # schemathesis names an operation's item `test[GET /path/]`, but under pytest 9 its node id
        # is the test function's (pytest builds it from `originalname`): xdist's loadgroup scheduler
        # keys items by node id, and ran one operation of each contract test instead of all
        # (tests/api_contract/test_schemathesis.py)
        label = getattr(item, "operation_label", None)
        if label and item.id.params is None:
            item._id = item.id.with_params(label)
    items.sort(key=lambda item: not any(name in item.nodeid for name in LONGEST_FIRST))


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in English (LANGUAGE_CODE of the test settings), whatever an earlier test
    activated in this thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


_OWNER_CONNECTION = {}


@pytest.fixture(autouse=True)
def _audit_numbers_restart(request):
    """Audit events take their number from a PostgreSQL sequence (decision 0022), which the rollback
    of an earlier test does not rewind: each database test starts numbering after the events its
    trail holds, as a fresh database would, so in a one-process test an event's number is its
    place in the chain. setval needs the sequence's owner: a connection of the owner's, outside the
    test's transaction (a sequence is not transactional)."""
    marker = request.node.get_closest_marker("django_db")
    wanted = marker is not None or "db" in request.fixturenames
    if not wanted or (marker is not None and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("django_db_setup")
    import psycopg
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    owner = db_roles.owner_database_url() or __import__("os").environ["DATABASE_URL"]
    conn = _OWNER_CONNECTION.get("conn")
    if conn is None or conn.closed:
        from urllib.parse import urlparse, urlunparse

        url = urlunparse(urlparse(owner)._replace(path=f"/{settings_dict['NAME']}"))
        conn = _OWNER_CONNECTION["conn"] = psycopg.connect(url, autocommit=True)
    # the highest number the test's own connection sees: a module's world staged in a transaction
    # still open (tests/common/test_leak_oracle.py) holds events the owner's connection cannot see
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock(), connections["default"].cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_auditevent")
        highest = cursor.fetchone()[0]
    conn.execute("SELECT setval('audit_event_seq', %s, false)", [highest + 1])
    yield


@pytest.fixture(autouse=True)
def _no_deferred_records_across_tests():
    """Refusals recorded after a rollback (accounts.factors.after_rollback) wait for the end of the
    request; one left by a test that called a service directly must not be written in the next
    test, whose transaction no longer holds its rows."""
    yield
    from accounts.factors import discard_deferred

    discard_deferred()


@pytest.fixture
def org(db):
    """Unit U (departments SEC, RES, GEN) and unit X (department XD), people in every role and
    post, and containers of every kind. Attribute names say who is who."""
    unit = UnitFactory(code="U", name_zh="甲单位", name_en="Unit U")
    other_unit = UnitFactory(code="X", name_zh="乙单位", name_en="Unit X")
    sec = DepartmentFactory(code="U-SEC", parent=unit, name_en="Secrecy Office")
    res = DepartmentFactory(code="U-RES", parent=unit, name_en="Research")
    gen = DepartmentFactory(code="U-GEN", parent=unit, name_en="General Affairs")
    xd = DepartmentFactory(code="X-D", parent=other_unit)

    def person(username, dept, post, *role_names, status=Person.Status.ACTIVE, **extra):
        p = PersonFactory(
            user__username=username, department=dept, unit=dept.parent, secrecy_post=post,
            roles=list(role_names), status=status, full_name=f"{username}-name", **extra,
        )
        return p.user

    people = dict(
        secretary=person("secretary", sec, "core", roles.SECRECY_OFFICE),
        clerk=person("clerk", sec, "important", roles.SECRECY_OFFICE),
        head_res=person("head_res", res, "core", roles.DEPARTMENT_HEAD),
        head_gen=person("head_gen", gen, "important", roles.DEPARTMENT_HEAD),
        auditor=person("auditor", sec, "core", roles.AUDITOR),
        staff_core=person("staff_core", res, "core", roles.STAFF),
        staff_important=person("staff_important", res, "important", roles.STAFF),
        staff_general=person("staff_general", gen, "general", roles.STAFF),
        staff_none=person("staff_none", gen, "none", roles.STAFF),
        departed=person("departed", res, "core", roles.STAFF, status=Person.Status.DEPARTED),
        api_client=person("api_client", sec, "important", roles.API_CLIENT),
        other_secretary=person("other_secretary", xd, "core", roles.SECRECY_OFFICE),
        unit_head=person("unit_head", sec, "core", roles.UNIT_HEAD),
    )
    superuser = person("root", gen, "general", roles.STAFF)
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    people["superuser"] = superuser

    containers = dict(
        safe=ContainerFactory(code="SAFE", kind=Container.Kind.COMBINATION_SAFE, unit=unit, max_level=Level.TOP_SECRET),
        cabinet=ContainerFactory(code="CAB", kind=Container.Kind.COMBINATION_CABINET, unit=unit, max_level=Level.SECRET),
        room=ContainerFactory(code="ROOM", kind=Container.Kind.SECURE_ROOM, unit=unit, max_level=Level.SECRET),
        ordinary=ContainerFactory(code="ORD", kind=Container.Kind.ORDINARY_CABINET, unit=unit, max_level=Level.CONFIDENTIAL),
        other_safe=ContainerFactory(code="XSAFE", kind=Container.Kind.COMBINATION_SAFE, unit=other_unit, max_level=Level.TOP_SECRET),
    )
    return SimpleNamespace(
        unit=unit, other_unit=other_unit, sec=sec, res=res, gen=gen, xd=xd, password=PASSWORD,
        **people, **containers,
    )


@pytest.fixture
def audit_count():
    """Number of audit events now (to show a refused request wrote nothing), the security events of
    accounts (account.*: a refused password or code, a lockout) left out: those are written on
    purpose, in their own transaction (issue 14)."""
    from tests.factories import audit_count_but_security

    return audit_count_but_security


@pytest.fixture
def db_vendor():
    return connection.vendor
