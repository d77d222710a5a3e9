"""Page speed (issue 18, item 8): pages whose queries grew with their rows, or repeated a read once
per form or per request part, do a constant number of queries. No timings here: bench/pages.py
measures them."""

import django.db
import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from personnel.models import Person
from registers.definitions import REGISTERS
from tests.factories import DepartmentFactory, PersonFactory


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def queries_of(client, path) -> list[str]:
    client.get(path)  # warm (sessions, caches)
    with CaptureQueriesContext(django.db.connection) as captured:
        assert client.get(path).status_code == 200
    assert len(captured.captured_queries) > 3, "the page's queries were not seen"
    return [query["sql"] for query in captured.captured_queries]


def more_people(org, n):
    for i in range(n):
        dept = DepartmentFactory(code=f"U-M{i}", parent=org.unit)
        PersonFactory(user__username=f"more{i}", department=dept, unit=org.unit, secrecy_post="core",
                      roles=["staff"], status=Person.Status.ACTIVE, full_name=f"more{i}-name")


def test_the_borrow_page_does_not_read_a_department_per_person(org):
    client = logged_in(org.secretary)
    few = queries_of(client, "/use/loans/new/")
    more_people(org, 8)
    many = queries_of(client, "/use/loans/new/")
    assert len(many) == len(few)


def test_the_registers_page_reads_the_unit_choices_once_not_per_register(org):
    client = logged_in(org.secretary)
    unit_reads = [sql for sql in queries_of(client, "/registers/") if 'FROM "personnel_unit"' in sql]
    assert len(REGISTERS.ordered()) > 5
    assert len(unit_reads) <= 4  # the units, the departments; not twice per register
    more_people(org, 5)  # more departments: still the same queries
    assert len([sql for sql in queries_of(client, "/registers/") if 'FROM "personnel_unit"' in sql]) == len(unit_reads)


@pytest.mark.parametrize("reader", ["secretary", "staff_core", "head_res"])
def test_the_menu_alert_count_gates_only_the_target_kinds_present(org, reader):
    """With no alert to count, the menu's count asks nothing of loans, dispatches, meetings ... (the
    gate's subquery per target kind is built only for kinds the candidate alerts have)."""
    sql = [s for s in queries_of(logged_in(getattr(org, reader)), "/") if 'FROM "alerts_alert"' in s]
    assert sql
    assert not [s for s in sql if '"use_loan"' in s or '"transmission_' in s]
