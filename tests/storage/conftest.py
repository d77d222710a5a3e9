"""Fixtures for storage (R6) and inventory checks: carriers of unit U kept in its containers, a
carrier held by a staff member (who may ask to keep it outside a container), the unit's archives
kept by the clerk, and helpers to approve a retention and to give a carrier to someone."""

import pytest

from carriers import services as carrier_services
from common.levels import Level
from tests.factories import register


def give(org, carrier, to, *, container=None):
    """Hand `carrier` from its holder (the secretary) to `to`, who keeps it in `container`."""
    handover = carrier_services.start_handover(
        actor=org.secretary, password=org.password, taker=to, carriers=[carrier], declared_count=1,
    )
    carrier_services.accept_handover(actor=to, password=org.password, handover_id=handover.pk, counted_count=1,
                                     container=container or org.cabinet)
    carrier.refresh_from_db()
    return carrier


@pytest.fixture
def kept(org):
    """Three Secret carriers of the secretary in the cabinet, one Top Secret in the safe."""
    secret = [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                       title=f"保管文件{i}") for i in (1, 2, 3)]
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, copy_number="000001", copies_total=1,
                   title="绝密保管文件")
    return [*secret, top]


@pytest.fixture
def staff_carrier(org):
    """A Confidential carrier held by staff_core (Research), in the cabinet."""
    carrier = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, copy_number="000001",
                       copies_total=1, scope_departments=[org.res], title="科研处借阅文件")
    return give(org, carrier, org.staff_core)


@pytest.fixture
def approve():
    """Approve every open step of an approval request, each by an eligible approver."""
    from approvals import services as approvals
    from approvals.models import ApprovalRequest

    def _approve(request, org):
        request = ApprovalRequest.objects.get(pk=request.pk)
        while request.status in ("submitted", "in_review"):
            step = request.steps.get(status="open")
            approver = approvals.eligible_approvers(step=step).first()
            request = approvals.decide(actor=approver, request_id=request.pk, outcome="approve", password=org.password)
        return request

    return _approve


@pytest.fixture
def archive(org):
    from carriers.storage import services

    return services.create_archive(actor=org.secretary, name_zh="档案室", name_en="Archives", keeper=org.clerk,
                                   container=org.room)
