"""Carrying-out fixtures: Secret carriers held by the secretary in the scope of the research
department, and helpers that drive a carry-out request through approval, check-out and check-in."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from approvals import services as approvals
from carriers.carrying import services
from common.levels import Level
from tests.factories import register


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def out(org):
    """Three Secret carriers held by the secretary, in the cabinet, in scope for the research dept."""
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                     scope_departments=[org.res], title=f"外出携带的文件{i}") for i in (1, 2, 3)]


def fields(org, carriers, **overrides) -> dict:
    data = dict(carriers=carriers, purpose="赴合作单位交流", destination="北京某研究所", scope="domestic",
                protective_measures="专人携带，密码箱加锁，全程不离身", briefed=True,
                expected_return=timezone.localdate() + timedelta(days=3))
    data.update(overrides)
    return data


def submit(org, carriers, *, actor=None, **overrides):
    return services.submit_carry_out(actor=actor or org.staff_core, **fields(org, carriers, **overrides))


APPROVERS = {"department_head": "head_res", "secrecy_office": "secretary", "unit_head": "unit_head"}


def approve_all(org, carry):
    """Every step of its policy approves, in order."""
    from approvals.models import ApprovalRequest

    approval = ApprovalRequest.objects.get(pk=carry.approval_id)
    while approval.status in ("submitted", "in_review"):
        step = approval.steps.get(status="open")
        approvals.decide(actor=getattr(org, APPROVERS[step.approver_role]), request_id=approval.pk,
                         outcome="approve", password=org.password)
        approval.refresh_from_db()
    carry.refresh_from_db()
    return carry


def carried_out(org, carriers, **overrides):
    carry = approve_all(org, submit(org, carriers, **overrides))
    services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=len(carriers))
    return services.accept_check_out(actor=carry.carrier_person, password=org.password, request_id=carry.pk,
                                     counted_count=len(carriers))


def checked_in(org, carry, *, container=None):
    n = carry.carriers.count()
    services.check_in(actor=carry.carrier_person, password=org.password, request_id=carry.pk, declared_count=n)
    return services.accept_check_in(actor=org.secretary, password=org.password, request_id=carry.pk,
                                    counted_count=n, container=container or org.cabinet)


@pytest.fixture
def flow(org):
    return SimpleNamespace(submit=lambda carriers, **kw: submit(org, carriers, **kw),
                           approve=lambda carry: approve_all(org, carry),
                           carried_out=lambda carriers, **kw: carried_out(org, carriers, **kw),
                           checked_in=lambda carry, **kw: checked_in(org, carry, **kw))
