"""A pytest plugin (not collected as tests): at the end of every database test, fire the deferred
check that binds a carrier's present to the trail (carriers/triggers.py), which otherwise runs only
at a commit that tests never reach. Run a stage's tests with it to find any service that changes a
carrier's holder, container, level, period or marking without an audit event naming the carrier:

    .venv/bin/python -m pytest -p tests.audit.bound_plugin tests/transmission -q
"""

import pytest


@pytest.fixture(autouse=True)
def _fire_carrier_binding_at_the_end(request):
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    request.getfixturevalue("db")
    yield
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block and not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS carriers_bound_to_trail IMMEDIATE")
