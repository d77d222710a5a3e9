"""Demo data for carrying out (R5), made through the real services: a domestic carry-out that is
out now, a foreign-affairs one checked back in, and a request to carry abroad waiting for the
secrecy office and the head of the unit."""

from datetime import timedelta

from django.utils import timezone

from . import selectors, services


def _approve(carry, people, password, *, steps=None) -> None:
    from approvals import services as approvals
    from approvals.models import ApprovalRequest, RequestStep

    deciders = {"department_head": people["head_res"], "secrecy_office": people["clerk"],
                "unit_head": people["unit_head"]}
    approval = ApprovalRequest.objects.get(pk=carry.approval_id)
    done = 0
    while approval.status in ("submitted", "in_review") and (steps is None or done < steps):
        step = approval.steps.get(status=RequestStep.Status.OPEN)
        approvals.decide(actor=deciders[step.approver_role], request_id=approval.pk, outcome="approve",
                         password=password)
        approval.refresh_from_db()
        done += 1


def seed_carrying(people, password) -> int:
    staff, secretary = people["staff_core"], people["secretary"]
    available = list(selectors.carriers_to_carry(user=staff).filter(holder=secretary, level__lte=2)[:5])
    if len(available) < 5:
        return 0
    today = timezone.localdate()

    def ask(carriers, scope, destination, purpose, days):
        return services.submit_carry_out(
            actor=staff, carriers=carriers, scope=scope, destination=destination, purpose=purpose,
            protective_measures="专用密码箱加锁，专人携带、全程不离身，不办理与工作无关的事项",
            expected_return=today + timedelta(days=days), briefed=True,
        )

    out = ask(available[0:2], "domestic", "上级主管部门（北京）", "向主管部门汇报项目进展", 3)
    _approve(out, people, password)
    services.check_out(actor=secretary, password=password, request_id=out.pk, declared_count=2)
    services.accept_check_out(actor=staff, password=password, request_id=out.pk, counted_count=2)

    back = ask(available[2:3], "foreign_affairs", "外事接待会场", "外事会谈中说明合作边界", 1)
    _approve(back, people, password)
    services.check_out(actor=secretary, password=password, request_id=back.pk, declared_count=1)
    services.accept_check_out(actor=staff, password=password, request_id=back.pk, counted_count=1)
    services.check_in(actor=staff, password=password, request_id=back.pk, declared_count=1)
    container = available[2].container  # back where it was kept before it went out
    services.accept_check_in(actor=secretary, password=password, request_id=back.pk, counted_count=1,
                             container=container)

    abroad = ask(available[3:5], "abroad", "境外合作方（新加坡）", "赴境外参加合作谈判", 7)
    _approve(abroad, people, password, steps=1)  # the department head has approved; two steps wait
    return 3


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_carrying(context["people"], context["password"])}
