"""Demo data for the destruction stage (R7), made through the real services: the head of the
secrecy office's department (the competent leader for the office's requests), a designated
destruction facility, one request destroyed in house with both signatures, one approved and
waiting for the on-the-spot signatures, and one batch approved for the facility."""

from datetime import timedelta

from django.utils import timezone

from carriers import selectors as carrier_selectors
from common.levels import Level

from . import services


def _approve(request, people, password) -> None:
    from approvals import services as approvals
    from approvals.models import RequestStep

    deciders = {"department_head": people["head_sec"], "secrecy_office": people["clerk"],
                "unit_head": people["unit_head"]}
    approval = request.approval
    while approval.status in ("submitted", "in_review"):
        step = approval.steps.get(status=RequestStep.Status.OPEN)
        approvals.decide(actor=deciders[step.approver_role], request_id=approval.pk, outcome="approve",
                         password=password)
        approval.refresh_from_db()


def seed_destruction(people, departments, password) -> int:
    secretary = people["secretary"]
    facility = services.create_facility(
        actor=secretary, name="市涉密载体销毁中心", licence_number="保销字2025-003", address="示范市工业园区保密路8号",
        valid_until=timezone.localdate() + timedelta(days=2 * 365),
    )
    papers = list(
        carrier_selectors.visible_carriers(user=secretary)
        .filter(holder=secretary, status="in_custody", kind="paper", level=Level.CONFIDENTIAL)
        .order_by("registry_number")[:9]
    )
    done = services.submit_destruction_request(
        actor=secretary, carriers=papers[0:2], reason="超过保存期限，经清查确认不再需要", method="shredding",
        route="in_house",
    )
    _approve(done, people, password)
    services.execute_in_house(actor=secretary, request_id=done.pk, destroyer=people["clerk"],
                              destroyer_password=password, supervisor=secretary, supervisor_password=password)
    waiting = services.submit_destruction_request(
        actor=secretary, carriers=papers[2:5], reason="工作已结束，文件无保存价值", method="shredding", route="in_house",
    )
    _approve(waiting, people, password)
    batch = services.submit_destruction_request(
        actor=secretary, carriers=papers[5:9], reason="年度集中销毁", method="pulping", route="facility",
        facility=facility,
    )
    _approve(batch, people, password)
    return 3


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_destruction(context["people"], context["departments"], context["password"])}
