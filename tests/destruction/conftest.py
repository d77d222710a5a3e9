"""Destruction fixtures: a head of the secrecy office's department (the competent leader for its
requests at the first step), carriers of every medium held by the secretary, designated
facilities in every state R7 cares about, and helpers that drive a request through approval."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestStep
from carriers.destruction import services
from carriers.destruction.models import DestructionFacility
from common.levels import Level
from personnel import roles
from tests.factories import PersonFactory, register


@pytest.fixture
def head_sec(org):
    return PersonFactory(user__username="head_sec", department=org.sec, unit=org.unit, secrecy_post="core",
                         roles=[roles.DEPARTMENT_HEAD], full_name="head_sec-name").user


@pytest.fixture
def media(org, head_sec):
    """Confidential carriers held by the secretary: paper, an article, equipment and each
    electronic medium."""
    def make(kind, medium="", **extra):
        return register(org.secretary, container=org.cabinet, kind=kind, medium=medium, level=Level.CONFIDENTIAL,
                        copy_number="" if kind != "paper" else "000001", title=f"销毁测试 {kind} {medium}", **extra)

    return SimpleNamespace(
        paper=make("paper"), article=make("article"), equipment=make("equipment"),
        usb=make("electronic", "usb"), hard_disk=make("electronic", "hard_disk"),
        optical=make("electronic", "optical_disc"), card=make("electronic", "memory_card"),
        floppy=make("electronic", "floppy"), other=make("electronic", "other"),
    )


@pytest.fixture
def papers(org, head_sec):
    """Three Secret paper documents held by the secretary."""
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                     title=f"待销毁文件{i}") for i in (1, 2, 3)]


@pytest.fixture
def facilities(org):
    today = timezone.localdate()
    year = timedelta(days=365)

    def make(name, licence, **extra):
        fields = dict(name=name, licence_number=licence, address="某市某区销毁路1号", valid_until=today + year)
        fields.update(extra)
        return services.create_facility(actor=org.secretary, **fields)

    expired = make("过期销毁中心", "XH-OLD", valid_until=today - timedelta(days=1))
    inactive = make("停用销毁中心", "XH-OFF")
    DestructionFacility.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    return SimpleNamespace(
        good=make("定点销毁中心", "XH-2026-01"), expired=expired, inactive=inactive,
        other_unit=services.create_facility(actor=org.other_secretary, name="乙销毁中心", licence_number="XH-X",
                                            address="乙地", valid_until=today + year),
    )


def submit(org, carriers, *, actor=None, method="shredding", route="in_house", facility=None, reason="已过保存期限"):
    return services.submit_destruction_request(actor=actor or org.secretary, carriers=carriers, reason=reason,
                                               method=method, route=route, facility=facility)


def approve_all(org, request, head):
    """Every step of the request's approval, by whoever may decide it (head, then clerk, then unit head)."""
    approval = ApprovalRequest.objects.get(pk=request.approval_id)
    deciders = {"department_head": head, "secrecy_office": org.clerk, "unit_head": org.unit_head}
    while approval.status in (ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW):
        step = approval.steps.get(status=RequestStep.Status.OPEN)
        approvals.decide(actor=deciders[step.approver_role], request_id=approval.pk, outcome="approve",
                         password=org.password)
        approval.refresh_from_db()
    request.refresh_from_db()
    return request


def execute(org, request, *, actor=None, destroyer=None, supervisor=None, destroyer_password=None,
            supervisor_password=None):
    return services.execute_in_house(
        actor=actor or org.secretary, request_id=request.pk, destroyer=destroyer or org.secretary,
        destroyer_password=destroyer_password or org.password, supervisor=supervisor or org.clerk,
        supervisor_password=supervisor_password or org.password,
    )


@pytest.fixture
def approved(org, papers, head_sec):
    """The three Secret papers, approved for shredding in house (head of SEC, then the clerk)."""
    return approve_all(org, submit(org, papers), head_sec)
