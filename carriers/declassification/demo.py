"""Demo data for secrecy-period reviews, made through the real services: an ended period extended
(approved and applied, the carrier re-marked), a downgrade waiting for the secrecy office, and a
declassification condition recorded as met (in the review queue)."""

from django.utils import timezone

from carriers.models import Carrier

from . import selectors, services


def _approve(review, people, password, *, steps=None) -> None:
    from approvals import services as approvals
    from approvals.models import ApprovalRequest, RequestStep

    deciders = {"department_head": people["head_res"], "secrecy_office": people["secretary"],
                "unit_head": people["unit_head"]}
    approval = ApprovalRequest.objects.get(pk=review.approval_id)
    done = 0
    while approval.status in ("submitted", "in_review") and (steps is None or done < steps):
        step = approval.steps.get(status=RequestStep.Status.OPEN)
        approvals.decide(actor=deciders[step.approver_role], request_id=approval.pk, outcome="approve",
                         password=password)
        approval.refresh_from_db()
        done += 1


def seed_declassification(people, password) -> int:
    staff = people["staff_core"]
    today = timezone.localdate()
    queue = list(selectors.review_queue(user=staff, today=today).filter(
        status=Carrier.Status.IN_CUSTODY, secrecy_years__isnull=False, level=2)[:2])
    made = 0
    if queue:
        first = queue[0]
        years = min((first.secrecy_years or 0) + 5, 20)
        review = services.propose_review(actor=staff, carrier=first, outcome="extend", new_secrecy_years=years,
                                         new_secrecy_months=first.secrecy_months,
                                         reason="项目仍在进行，相关内容仍需保密")
        _approve(review, people, password)
        made += 1
    if len(queue) > 1:
        services.propose_review(actor=staff, carrier=queue[1], outcome="downgrade", new_level=1,
                                reason="部分内容已公开，降为秘密级")
        made += 1
    condition = selectors.carriers_with_condition(user=staff).filter(status=Carrier.Status.IN_CUSTODY).first()
    if condition is not None:
        services.record_condition_met(actor=staff, carrier=condition, note="项目已于本月通过验收")
    return made


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_declassification(context["people"], context["password"])}
