"""Approval workflows: policies as data, step-by-step decisions with signatures, guardian grants
that open and close with the steps, and every rule refused with its reason."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from approvals import selectors, services
from approvals.models import (
    ApprovalPolicy,
    ApprovalRequest,
    Decision,
    Notice,
    PublicationReview,
    RequestStep,
)
from audit.models import AuditEvent, Signature
from common import grants
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from personnel.models import Person
from tests.factories import audit_count_but_security

DECIDE = services.DECIDE


def submit(org, requester=None, kind="production", level=Level.SECRET, **extra):
    return services.submit_request(
        actor=requester or org.staff_core, kind=kind, level=level, title="申请", purpose="工作需要", **extra
    )


def approve(org, user, request, **extra):
    return services.decide(actor=user, request_id=request.pk, outcome="approve", password=org.password, **extra)


def reject(org, user, request, reason="不符合规定"):
    return services.decide(actor=user, request_id=request.pk, outcome="reject", password=org.password, reason=reason)


def grant_holders(request):
    return set(grants.holders(perm=DECIDE, obj=request).values_list("username", flat=True))


# --- policies -------------------------------------------------------------------------------------

EXPECTED = {
    ("production", "", 1): ["department_head"],
    ("production", "", 3): ["department_head", "secrecy_office"],
    ("copying", "", 2): ["department_head"],
    ("compilation", "", 2): ["department_head", "unit_head"],
    ("carrying_out", "foreign_affairs", 2): ["department_head", "unit_head"],
    ("carrying_abroad", "", 1): ["department_head", "secrecy_office", "unit_head"],
    ("destruction", "", 3): ["department_head", "secrecy_office", "unit_head"],
    ("travel", "", 2): ["department_head", "unit_head"],
    ("publication_review", "", 1): ["department_head"],
    ("publication_review", "overseas", 1): ["department_head", "secrecy_office", "unit_head"],
    # a variant without its own policy falls back to the general one
    ("production", "no-such-variant", 3): ["department_head", "secrecy_office"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "variant", "level"), list(EXPECTED))
def test_policy_resolution(kind, variant, level):
    policy = services.resolve_policy(kind=kind, variant=variant, level=level)
    assert [s.approver_role for s in policy.steps.all()] == EXPECTED[(kind, variant, level)]


@pytest.mark.django_db
def test_every_kind_and_level_has_a_default_policy():
    from approvals.models import RequestKind

    for kind in RequestKind.values:
        for level in Level.values:
            assert services.resolve_policy(kind=kind, variant="", level=level).steps.exists()


def test_missing_policy_refuses_submission(org):
    ApprovalPolicy.objects.filter(kind="copying", level=Level.SECRET).delete()
    with pytest.raises(Conflict, match="policy"):
        submit(org, kind="copying")
    assert not ApprovalRequest.objects.exists()


# --- the approve and reject paths ---------------------------------------------------------------


def test_single_step_approval_path(org):
    request = submit(org, approved_quantity=5)
    assert request.status == ApprovalRequest.Status.SUBMITTED
    assert grant_holders(request) == {"head_res"}  # the requester's department head, and only them
    assert list(selectors.queue(user=org.head_res)) == [request]
    assert Notice.objects.filter(recipient=org.head_res, kind="to_decide").exists()

    approve(org, org.head_res, request, approved_quantity=3)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED and request.approved_quantity == 3
    assert grant_holders(request) == set()  # grant removed when the step closed
    assert not selectors.queue(user=org.head_res).exists()
    decision = Decision.objects.get(request=request)
    assert decision.signature.signer == org.head_res and decision.signature.meaning == "approved"
    assert decision.signature.printed_name == "head_res-name"
    actions = list(AuditEvent.objects.filter(target_id=str(request.pk), target_type="approvals.approvalrequest")
                   .values_list("action", flat=True))
    assert actions == ["approval.submitted", "approval.step_opened", "signature.made", "approval.decided",
                       "approval.step_closed", "approval.approved"]
    assert Notice.objects.filter(recipient=org.staff_core, kind="approved").exists()


def test_top_secret_goes_step_by_step_to_the_secrecy_office(org):
    request = submit(org, level=Level.TOP_SECRET)
    assert grant_holders(request) == {"head_res"}
    approve(org, org.head_res, request)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.IN_REVIEW
    # step 2 is the secrecy office countersign: core clearance needed for Top Secret
    assert grant_holders(request) == {"secretary"}
    assert not selectors.queue(user=org.head_res).exists()
    assert list(selectors.queue(user=org.secretary)) == [request]
    approve(org, org.secretary, request)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert [s.status for s in request.steps.order_by("order")] == ["approved", "approved"]


def test_reject_path_cancels_the_rest(org):
    request = submit(org, level=Level.TOP_SECRET)
    reject(org, org.head_res, request)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    assert [s.status for s in request.steps.order_by("order")] == ["rejected", "cancelled"]
    assert grant_holders(request) == set()
    assert Decision.objects.get(request=request).reason == "不符合规定"
    assert Notice.objects.filter(recipient=org.staff_core, kind="rejected").exists()


# --- rules refused with their reason, nothing written ------------------------------------------


def _unchanged(fn, exc, match=None):
    before = (audit_count_but_security(), Signature.objects.count(), Decision.objects.count())
    with pytest.raises(exc, match=match):
        fn()
    assert (audit_count_but_security(), Signature.objects.count(), Decision.objects.count()) == before


def test_a_head_asking_with_no_other_head_has_nobody_to_decide(org):
    # the requester never approves their own request: a lone head's request has no approver
    with pytest.raises(Conflict, match="Nobody may decide"):
        submit(org, requester=org.head_res)


def test_own_request_refused_even_if_requester_is_a_head(org):
    # head_gen heads GEN; staff_general's request goes to head_gen; head_gen's own request cannot
    from tests.factories import PersonFactory

    PersonFactory(user__username="head_gen2", department=org.gen, unit=org.unit, secrecy_post="important",
                  roles=["department_head"])
    request = submit(org, requester=org.head_gen)
    assert grant_holders(request) == {"head_gen2"}  # never the requester
    _unchanged(lambda: approve(org, org.head_gen, request), Refused, "own request")


def test_non_eligible_users_get_404(org):
    request = submit(org)
    for user in (org.head_gen, org.secretary, org.staff_important, org.other_secretary, org.superuser):
        _unchanged(lambda u=user: approve(org, u, request), Http404)


def test_wrong_password_refused_and_nothing_written(org):
    request = submit(org)
    _unchanged(
        lambda: services.decide(actor=org.head_res, request_id=request.pk, outcome="approve", password="nope"),
        ValidationFailed, "password",
    )
    assert grant_holders(request) == {"head_res"}


def test_rejection_needs_a_reason(org):
    request = submit(org)
    _unchanged(lambda: reject(org, org.head_res, request, reason="  "), ValidationFailed, "reason")


def test_deciding_twice_is_refused(org):
    request = submit(org)
    approve(org, org.head_res, request)
    _unchanged(lambda: approve(org, org.head_res, request), Conflict)


def test_withdrawn_request_cannot_be_decided(org):
    request = submit(org)
    services.withdraw(actor=org.staff_core, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.WITHDRAWN and grant_holders(request) == set()
    _unchanged(lambda: approve(org, org.head_res, request), Http404)


def test_only_the_requester_withdraws(org):
    request = submit(org)
    _unchanged(lambda: services.withdraw(actor=org.head_res, request_id=request.pk), Http404)


def test_expired_request_cannot_be_decided(org):
    request = submit(org, valid_until=timezone.localdate() + timedelta(days=1))
    assert services.expire_overdue(today=timezone.localdate() + timedelta(days=2)) == 1
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.EXPIRED and grant_holders(request) == set()
    _unchanged(lambda: approve(org, org.head_res, request), Http404)


def test_approver_clearance_must_reach_the_level(org):
    # head_gen is 'important' (Secret); a Top Secret request from GEN has no eligible head -> refused at submit
    from tests.factories import PersonFactory

    requester = PersonFactory(user__username="gen_core", department=org.gen, unit=org.unit, secrecy_post="core",
                              roles=["staff"]).user
    _unchanged(lambda: submit(org, requester=requester, level=Level.TOP_SECRET), Conflict, "Nobody may decide")
    # and a grant held by someone whose clearance is too low is refused at decision time
    request = submit(org, requester=requester, level=Level.SECRET)
    Person.objects.filter(user=org.head_gen).update(secrecy_post="general")
    _unchanged(lambda: approve(org, org.head_gen, request), Refused, "clearance")


def test_departed_people_cannot_approve_and_grants_move_to_replacement(org):
    request = submit(org)
    Person.objects.filter(user=org.head_res).update(status=Person.Status.DEPARTED)
    _unchanged(lambda: approve(org, org.head_res, request), Refused)
    moved = services.transfer_grants(actor=org.secretary, departed=org.head_res, replacement=org.staff_important)
    assert moved == [request.pk]
    assert grant_holders(request) == {"staff_important"}


def test_an_approval_is_used_once_and_not_after_it_expires(org):
    request = submit(org, approved_quantity=3, valid_until=timezone.localdate() + timedelta(days=10))
    approve(org, org.head_res, request)
    with pytest.raises(Refused, match="Only 3"):
        services.consume(actor=org.secretary, request=request, quantity=4)
    services.consume(actor=org.secretary, request=request, quantity=3)
    with pytest.raises(Conflict, match="already been used"):
        services.consume(actor=org.secretary, request=request, quantity=1)
    other = submit(org, valid_until=timezone.localdate() + timedelta(days=1))
    approve(org, org.head_res, other)
    with pytest.raises(Conflict, match="expired"):
        services.consume(actor=org.secretary, request=other, today=timezone.localdate() + timedelta(days=5))


def test_unapproved_request_cannot_be_used(org):
    request = submit(org)
    with pytest.raises(Refused, match="not been approved"):
        services.consume(actor=org.secretary, request=request)


def test_acting_head_by_delegation(org):
    today = timezone.localdate()
    request = submit(org)
    services.delegate(actor=org.head_res, delegator=org.head_res, delegate_user=org.staff_important,
                      starts_on=today, ends_on=today + timedelta(days=7), reason="出差")
    assert grant_holders(request) == {"head_res", "staff_important"}
    approve(org, org.staff_important, request)
    decision = Decision.objects.get(request=request)
    assert decision.acting_for == org.head_res
    assert AuditEvent.objects.filter(action="approval.delegated").exists()


def test_delegation_rules(org):
    today = timezone.localdate()
    with pytest.raises(Refused):
        services.delegate(actor=org.staff_core, delegator=org.head_res, delegate_user=org.staff_core,
                          starts_on=today, ends_on=today, reason="x")
    with pytest.raises(ValidationFailed):
        services.delegate(actor=org.head_res, delegator=org.head_res, delegate_user=org.head_res,
                          starts_on=today, ends_on=today, reason="x")
    with pytest.raises(ValidationFailed):
        services.delegate(actor=org.head_res, delegator=org.head_res, delegate_user=org.other_secretary,
                          starts_on=today, ends_on=today, reason="x")


def test_queue_is_exactly_the_requests_one_may_decide(org):
    r1 = submit(org)  # RES -> head_res
    r2 = submit(org, requester=org.staff_general, level=Level.CONFIDENTIAL)  # GEN -> head_gen
    r3 = submit(org, level=Level.TOP_SECRET)  # RES -> head_res, then secretary
    assert set(selectors.queue(user=org.head_res)) == {r1, r3}
    assert set(selectors.queue(user=org.head_gen)) == {r2}
    assert not selectors.queue(user=org.secretary).exists()
    approve(org, org.head_res, r3)
    assert set(selectors.queue(user=org.head_res)) == {r1}
    assert set(selectors.queue(user=org.secretary)) == {r3}
    assert grant_holders(r1) == {"head_res"} and grant_holders(r2) == {"head_gen"}
    assert RequestStep.objects.filter(status="open").count() == 3


# --- publication review (R9) -------------------------------------------------------------------


def test_publication_review_domestic_end_to_end(org):
    review = services.submit_publication_review(
        actor=org.staff_core, title="论文", material_kind="manuscript", outlet_type="domestic",
        outlet_name="某学报", summary="不涉密的研究综述", related_level=Level.CONFIDENTIAL,
    )
    request = selectors.review_request(review=review)
    assert [s.approver_role for s in request.steps.all()] == ["department_head"]
    with pytest.raises(Conflict, match="approved"):
        services.record_release(actor=org.staff_core, review_id=review.pk)
    approve(org, org.head_res, request)
    review.refresh_from_db()
    assert review.status == PublicationReview.Status.APPROVED
    services.record_release(actor=org.staff_core, review_id=review.pk, note="第3期")
    review.refresh_from_db()
    assert review.status == PublicationReview.Status.RELEASED and review.released_at is not None


def test_publication_review_overseas_needs_the_stricter_policy(org):
    review = services.submit_publication_review(
        actor=org.staff_core, title="Paper", material_kind="manuscript", outlet_type="overseas",
        outlet_name="Foreign Journal", summary="综述", related_level=Level.CONFIDENTIAL,
    )
    request = selectors.review_request(review=review)
    assert [s.approver_role for s in request.steps.all()] == ["department_head", "secrecy_office", "unit_head"]
    approve(org, org.head_res, request)
    with pytest.raises(Conflict):
        services.record_release(actor=org.staff_core, review_id=review.pk)
    approve(org, org.secretary, request)
    approve(org, org.unit_head, request)
    review.refresh_from_db()
    assert review.status == PublicationReview.Status.APPROVED


def test_rejected_publication_is_never_released(org):
    review = services.submit_publication_review(
        actor=org.staff_core, title="稿件", material_kind="press_release", outlet_type="domestic",
        outlet_name="报社", summary="含敏感内容", related_level=Level.SECRET,
    )
    reject(org, org.head_res, selectors.review_request(review=review), reason="涉及国家秘密")
    review.refresh_from_db()
    assert review.status == PublicationReview.Status.REJECTED
    with pytest.raises(Conflict):
        services.record_release(actor=org.staff_core, review_id=review.pk)


def test_policy_editing_is_for_the_secrecy_office(org):
    with pytest.raises(Refused):
        services.save_policy(actor=org.head_res, kind="copying", variant="", level=1, steps=["unit_head"])
    # issue 15: without an approved administrators' request, even the secrecy office is refused
    # (the approved path: tests/administration/test_four_eyes.py)
    with pytest.raises(Conflict, match="second security administrator"):
        services.save_policy(actor=org.secretary, kind="copying", variant="", level=1,
                             steps=["department_head", "unit_head"])
    assert not AuditEvent.objects.filter(action="approval.policy_saved").exists()
    with pytest.raises(ValidationFailed):
        services.save_policy(actor=org.secretary, kind="copying", variant="", level=1, steps=["unit_head", "unit_head"])


def test_notices_are_mailed_after_commit_without_titles(org, mailoutbox, django_capture_on_commit_callbacks):
    org.head_res.email = "head@example.invalid"
    org.head_res.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET,
                                          title="某型号试验方案", purpose="工作需要")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["head@example.invalid"]
    assert "A request waits for your decision" in mail.subject and "有申请等待您审批" in mail.subject
    assert f"/approvals/{request.pk}/" in mail.body
    assert request.title not in mail.body  # titles can be sensitive: never in mail


def test_no_mail_when_the_transaction_rolls_back(org, mailoutbox, django_capture_on_commit_callbacks):
    org.head_res.email = "head@example.invalid"
    org.head_res.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Conflict):
            services.submit_request(actor=org.head_res, kind="production", level=Level.SECRET, title="x", purpose="y")
    assert callbacks == [] and mailoutbox == []


def test_an_acting_head_never_decides_for_the_requester(org):
    from tests.factories import PersonFactory

    PersonFactory(user__username="head_res2", department=org.res, unit=org.unit, secrecy_post="core",
                  roles=["department_head"])
    today = timezone.localdate()
    services.delegate(actor=org.head_res, delegator=org.head_res, delegate_user=org.staff_important,
                      starts_on=today, ends_on=today + timedelta(days=3), reason="休假")
    request = submit(org, requester=org.head_res)
    assert grant_holders(request) == {"head_res2"}  # not head_res's own acting head


def test_departure_replacement_takes_over_the_post_and_can_decide(org):
    from personnel import services as personnel_services

    request = submit(org)
    personnel_services.record_departure(actor=org.secretary, person=org.head_res.person, replacement=org.staff_important)
    assert grant_holders(request) == {"staff_important"}
    assert org.staff_important.groups.filter(name="department_head").exists()
    approve(org, org.staff_important, request)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED


def test_departure_replacement_from_another_department_is_refused(org):
    from personnel import services as personnel_services

    submit(org)
    with pytest.raises(ValidationFailed, match="belong"):
        personnel_services.record_departure(actor=org.secretary, person=org.head_res.person, replacement=org.staff_general)
    org.head_res.person.refresh_from_db()
    assert org.head_res.person.status == "active"


def test_nobody_left_to_decide_is_reported_to_the_secrecy_office(org):
    from personnel import services as personnel_services

    request = submit(org)
    personnel_services.record_departure(actor=org.secretary, person=org.head_res.person)
    assert grant_holders(request) == set()
    assert Notice.objects.filter(recipient=org.secretary, kind="no_approver", request=request).exists()


def test_sync_grants_follows_delegation_periods(org):
    today = timezone.localdate()
    request = submit(org)
    services.delegate(actor=org.head_res, delegator=org.head_res, delegate_user=org.staff_important,
                      starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=2), reason="出差")
    assert grant_holders(request) == {"head_res"}  # not yet
    services.sync_open_grants(on=today + timedelta(days=1))
    assert grant_holders(request) == {"head_res", "staff_important"}
    services.sync_open_grants(on=today + timedelta(days=3))
    assert grant_holders(request) == {"head_res"}


def test_a_quantity_lowered_at_the_first_step_holds(org):
    request = submit(org, level=Level.TOP_SECRET, approved_quantity=10)
    approve(org, org.head_res, request, approved_quantity=6)
    request.refresh_from_db()
    assert request.approved_quantity == 6 and request.status == "in_review"
    with pytest.raises(Refused, match="Only 6"):
        approve(org, org.secretary, request, approved_quantity=8)
    approve(org, org.secretary, request)
    request.refresh_from_db()
    assert request.approved_quantity == 6


def test_expiry_is_scheduled_and_runs_the_outcome_handler(org):
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"approvals.tasks.expire_overdue_requests", "approvals.tasks.sync_approval_grants"} <= tasks
    review = services.submit_publication_review(
        actor=org.staff_core, title="稿", material_kind="manuscript", outlet_type="domestic", outlet_name="刊",
        summary="s", related_level=Level.CONFIDENTIAL,
    )
    request = selectors.review_request(review=review)
    ApprovalRequest.objects.filter(pk=request.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    from approvals.tasks import expire_overdue_requests

    assert expire_overdue_requests() == 1
    review.refresh_from_db()
    assert review.status == PublicationReview.Status.EXPIRED
