"""Copying fixtures: a licence for unit U, carriers to copy and derive from, and helpers that drive
a copy request or a compilation through approval (as tests/production does)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from approvals import services as approvals
from carriers.copying import services
from common.levels import Level
from tests.factories import register


@pytest.fixture
def licence(org):
    """Unit U is licensed to copy (not a confidential department: no coded telegrams)."""
    return services.record_licence(
        actor=org.secretary, unit=org.unit, licensed_on=timezone.localdate() - timedelta(days=365),
        granted_by="国家保密局", licence_number="复制许可-2026-01",
    )


@pytest.fixture
def src(org):
    """Carriers of unit U: a Secret one (10 years from 2026-01-01) in the scope of Research, a
    Confidential one with a declassification condition, a Top Secret one originated by unit X, a
    coded telegram."""
    return SimpleNamespace(
        secret=register(org.secretary, container=org.cabinet, level=Level.SECRET, secrecy_years=10,
                        period_start=date(2026, 1, 1), scope_departments=[org.res], title="技术方案"),
        conditional=register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, secrecy_years=None,
                             declassification_condition="项目验收后解密", period_start=date(2025, 6, 1),
                             scope_departments=[org.res], title="项目计划"),
        later=register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, secrecy_years=5,
                       secrecy_months=6, period_start=date(2026, 2, 1), scope_departments=[org.res], title="会议纪要"),
        top=register(org.secretary, container=org.safe, level=Level.TOP_SECRET, secrecy_years=30,
                     period_start=date(2026, 1, 1), originating_unit=org.other_unit, scope_departments=[org.res],
                     title="总体方案"),
        telegram=register(org.secretary, container=org.cabinet, level=Level.SECRET, is_coded_telegram=True,
                          scope_departments=[org.res], title="密码电报"),
    )


def ask_copy(org, source, *, copies=3, actor=None, purpose="项目组讨论使用"):
    return services.submit_copy_request(actor=actor or org.staff_core, source=source, copies=copies, purpose=purpose)


def approve(org, approval_id, *, user=None, **extra):
    return approvals.decide(actor=user or org.head_res, request_id=approval_id, outcome="approve",
                            password=org.password, **extra)


def approve_all(approval_id, password, **extra):
    """Decide every step of a request, each by its first eligible approver (limits on the last)."""
    from approvals.models import ApprovalRequest, RequestStep

    while True:
        step = RequestStep.objects.filter(request_id=approval_id, status=RequestStep.Status.OPEN).first()
        if step is None:
            return ApprovalRequest.objects.get(pk=approval_id)
        last = not RequestStep.objects.filter(request_id=approval_id, status=RequestStep.Status.WAITING).exists()
        approvals.decide(actor=approvals.eligible_approvers(step=step).first(), request_id=approval_id,
                         outcome="approve", password=password, **(extra if last else {}))


def approved_copy(org, source, *, copies=3, **extra):
    request = ask_copy(org, source, copies=copies)
    approve_all(request.approval_id, org.password, **extra)
    request.refresh_from_db()
    return request


def execute(org, request, *, actor=None, container=None, **extra):
    return services.execute_copy_request(actor=actor or org.secretary, password=org.password, request_id=request.pk,
                                         container=container or org.cabinet, **extra)


def extract(org, sources, *, actor=None, container=None, **extra):
    fields = dict(title="摘录", purpose="撰写报告")
    fields.update(extra)
    return services.make_extract(actor=actor or org.secretary, password=org.password, sources=list(sources),
                                 container=container or org.safe, **fields)


def ask_compilation(org, parts, *, actor=None, **extra):
    fields = dict(title="年度文件汇编", purpose="归档备查")
    fields.update(extra)
    return services.submit_compilation(actor=actor or org.staff_core, parts=list(parts), **fields)


def approve_compilation(org, derivation):
    """Policy for compilation: the requester's department head, (the secrecy office,) the unit head."""
    approve_all(derivation.approval_id, org.password)
    derivation.refresh_from_db()
    return derivation


def make(org, derivation, *, actor=None, container=None):
    return services.make_compilation(actor=actor or org.secretary, password=org.password, derivation_id=derivation.pk,
                                     container=container or org.safe)
