"""Secrecy-period fixtures: carriers of unit U in the research department's scope whose periods
end soon, have ended or end later, and helpers that propose and approve reviews."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from approvals import services as approvals
from carriers.declassification import services
from common.levels import Level
from tests.factories import register

APPROVERS = {"department_head": "head_res", "secrecy_office": "secretary", "unit_head": "unit_head"}


@pytest.fixture
def today():
    return timezone.localdate()


def carrier(org, *, level=Level.SECRET, years=10, ends_in_days=None, container=None, **extra):
    """A carrier of unit U whose period (of `years`) ends in `ends_in_days` days (a real start date,
    so that a review recomputes the same end)."""
    today = timezone.localdate()
    start = date(2026, 1, 1)
    if ends_in_days is not None:
        start = today + timedelta(days=ends_in_days) - relativedelta(years=years)
    fields = dict(level=level, secrecy_years=years, period_start=min(start, today), scope_departments=[org.res],
                  copy_number="000001")
    fields.update(extra)
    if fields.get("declassification_condition") and "secrecy_years" not in extra:
        fields["secrecy_years"] = None
    return register(org.secretary, container=container or (org.safe if level == Level.TOP_SECRET else org.cabinet),
                    **fields)


@pytest.fixture
def periods(org):
    return SimpleNamespace(
        soon=carrier(org, ends_in_days=30, title="即将到期"),
        ended=carrier(org, ends_in_days=-3, title="已经到期"),
        later=carrier(org, ends_in_days=400, title="尚未到期"),
        condition=carrier(org, declassification_condition="项目验收后解密", title="附解密条件"),
    )


def propose(org, target, *, actor=None, **fields):
    fields.setdefault("reason", "保密期限届满，经评估")
    return services.propose_review(actor=actor or org.staff_core, carrier=target, **fields)


def approve_all(org, review):
    from approvals.models import ApprovalRequest

    approval = ApprovalRequest.objects.get(pk=review.approval_id)
    while approval.status in ("submitted", "in_review"):
        step = approval.steps.get(status="open")
        approvals.decide(actor=getattr(org, APPROVERS[step.approver_role]), request_id=approval.pk,
                         outcome="approve", password=org.password)
        approval.refresh_from_db()
    review.refresh_from_db()
    return review
