"""R5 through the services: approval by policy for each scope, check-out and check-in as
handovers, each clause refused when violated (nothing written) and allowed when met."""

from datetime import timedelta

import pytest
from django.http import Http404

from approvals.models import ApprovalRequest
from audit.models import AuditEvent
from audit.selectors import verify_chain
from carriers import services as carrier_services
from carriers.carrying import rules, selectors, services
from carriers.carrying.models import CarryOutRequest
from carriers.models import Carrier, Handover
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register

from .conftest import approve_all, carried_out, checked_in, fields, submit


def nothing_written(audit_count, before_events, before_rows, before_handovers=None):
    assert audit_count() == before_events
    assert CarryOutRequest.objects.count() == before_rows
    if before_handovers is not None:
        assert Handover.objects.count() == before_handovers


def test_domestic_carry_out_and_back_by_handovers(org, out, audit_count):
    carry = submit(org, out[:2])
    approval = ApprovalRequest.objects.get(pk=carry.approval_id)
    assert (approval.kind, approval.variant, approval.level, approval.approved_quantity) == ("carrying_out", "", Level.SECRET, 2)
    assert [s.approver_role for s in approval.steps.order_by("order")] == ["department_head"]
    assert carry.status == "submitted" and carry.carrier_person == org.staff_core
    carry = approve_all(org, carry)
    assert carry.status == "approved"

    carry = services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=2)
    assert carry.status == "checking_out" and carry.checked_out_by == org.secretary
    handover = carry.checkout_handover
    assert (handover.kind, handover.giver, handover.taker, handover.status) == ("carry_out", org.secretary, org.staff_core, "pending")
    assert {c.status for c in Carrier.objects.filter(pk__in=[o.pk for o in out[:2]])} == {"in_custody"}
    assert ApprovalRequest.objects.get(pk=carry.approval_id).consumed_at is not None

    carry = services.accept_check_out(actor=org.staff_core, password=org.password, request_id=carry.pk, counted_count=2)
    assert carry.status == "carried_out" and carry.checked_out_at
    for c in Carrier.objects.filter(pk__in=[o.pk for o in out[:2]]):
        assert (c.status, c.holder_id, c.container_id) == ("carried_out", org.staff_core.pk, None)

    carry = services.check_in(actor=org.staff_core, password=org.password, request_id=carry.pk, declared_count=2)
    back = carry.checkin_handover
    assert (carry.status, back.kind, back.giver, back.taker) == ("checking_in", "return", org.staff_core, org.secretary)
    carry = services.accept_check_in(actor=org.secretary, password=org.password, request_id=carry.pk,
                                     counted_count=2, container=org.cabinet)
    assert carry.status == "returned" and carry.checked_in_at
    for c in Carrier.objects.filter(pk__in=[o.pk for o in out[:2]]):
        assert (c.status, c.holder_id, c.container_id) == ("in_custody", org.secretary.pk, org.cabinet.pk)
    # custody moved only by the two handovers, each carrier twice, in the audit trail
    moves = AuditEvent.objects.filter(action="carrier.custody_changed", target_id__in=[str(o.pk) for o in out[:2]])
    assert sorted(e.details["kind"] for e in moves) == ["carry_out", "carry_out", "return", "return"]
    actions = list(AuditEvent.objects.filter(target_type="carrying.carryoutrequest", target_id=str(carry.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["carry_out.requested", "carry_out.decided", "carry_out.check_out_started",
                       "carry_out.carried_out", "carry_out.check_in_started", "carry_out.checked_in"]
    assert verify_chain().ok


@pytest.mark.parametrize("scope,kind,variant,steps", [
    ("domestic", "carrying_out", "", ["department_head"]),
    ("foreign_affairs", "carrying_out", "foreign_affairs", ["department_head", "unit_head"]),
    ("abroad", "carrying_abroad", "", ["department_head", "secrecy_office", "unit_head"]),
])
def test_approval_by_policy_for_each_scope(org, out, scope, kind, variant, steps):
    carry = submit(org, out[:1], scope=scope)
    approval = ApprovalRequest.objects.get(pk=carry.approval_id)
    assert (approval.kind, approval.variant) == (kind, variant)
    assert [s.approver_role for s in approval.steps.order_by("order")] == steps
    carry = approve_all(org, carry)
    assert carry.status == "approved"
    carry = services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    assert carry.status == "checking_out"


@pytest.mark.parametrize("scope", ["domestic", "foreign_affairs", "abroad"])
def test_check_out_without_approval_is_refused(org, out, audit_count, scope):
    carry = submit(org, out[:1], scope=scope)
    before = audit_count(), Handover.objects.count()
    with pytest.raises(Refused) as exc:
        services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    assert exc.value.code == "not_approved"
    if scope == "abroad":
        assert "abroad" in str(exc.value.message)
    assert (audit_count(), Handover.objects.count()) == before
    assert Carrier.objects.get(pk=out[0].pk).status == "in_custody"


def test_rejected_carrying_abroad_is_refused(org, out, audit_count):
    from approvals import services as approvals

    carry = submit(org, out[:1], scope="abroad")
    approvals.decide(actor=org.head_res, request_id=carry.approval_id, outcome="reject", password=org.password,
                     reason="无必要携带出境")
    carry.refresh_from_db()
    assert carry.status == "rejected"
    before = audit_count()
    with pytest.raises(Refused) as exc:
        services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    assert exc.value.code == "not_approved" and audit_count() == before


def test_the_approval_must_fit_the_scope():
    assert rules.approval_fits(scope="abroad", approval_kind="carrying_abroad", approval_variant="",
                               approval_status="approved") is None
    wrong = rules.approval_fits(scope="abroad", approval_kind="carrying_out", approval_variant="",
                                approval_status="approved")
    assert wrong.code == "wrong_approval" and wrong.kind == "refused"
    assert rules.approval_fits(scope="foreign_affairs", approval_kind="carrying_out", approval_variant="",
                               approval_status="approved").code == "wrong_approval"
    assert rules.approval_fits(scope="domestic", approval_kind="carrying_out", approval_variant="",
                               approval_status="in_review").code == "not_approved"


@pytest.mark.parametrize("change,error,code", [
    (dict(carrier_person="staff_general"), Refused, "person_clearance"),  # Confidential only
    (dict(carrier_person="head_gen"), Refused, "out_of_scope"),  # cleared, but General Affairs is not in scope
    (dict(carrier_person="departed"), ValidationFailed, "person_inactive"),
    (dict(carrier_person="other_secretary"), Refused, "person_other_unit"),
    (dict(briefed=False), ValidationFailed, "not_briefed"),
    (dict(protective_measures="  "), ValidationFailed, "no_protective_measures"),
    (dict(expected_return=-1), ValidationFailed, "return_in_past"),
    (dict(destination=""), ValidationFailed, "invalid"),
])
def test_submission_refused_with_nothing_written(org, out, audit_count, today, change, error, code):
    if "carrier_person" in change:
        change["carrier_person"] = getattr(org, change["carrier_person"])
    if change.get("expected_return") == -1:
        change["expected_return"] = today - timedelta(days=1)
    before = audit_count(), CarryOutRequest.objects.count(), ApprovalRequest.objects.count()
    with pytest.raises(error) as exc:
        submit(org, out[:1], **change)
    assert exc.value.code == code
    assert (audit_count(), CarryOutRequest.objects.count(), ApprovalRequest.objects.count()) == before


def test_a_carrier_in_two_requests_or_not_in_custody_is_refused(org, out, audit_count):
    submit(org, out[:1])
    before = audit_count(), CarryOutRequest.objects.count()
    with pytest.raises(Conflict) as exc:
        submit(org, out[:2])
    assert exc.value.code == "already_requested"
    carrier_services.transition(carrier=out[2], to_status="archived", actor=org.secretary, reason="归档")
    before = audit_count(), CarryOutRequest.objects.count()
    with pytest.raises(Conflict) as exc:
        submit(org, [out[2]])
    assert exc.value.code == "bad_status"
    assert (audit_count(), CarryOutRequest.objects.count()) == before


def test_an_invisible_carrier_is_missing(org, out):
    other = register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number="000002",
                     scope_departments=[org.gen])
    with pytest.raises(Http404):
        submit(org, [other])


def test_only_the_holder_checks_out_and_not_to_themselves(org, out, audit_count):
    carry = approve_all(org, submit(org, out[:1]))
    before = audit_count()
    with pytest.raises(Refused) as exc:
        services.check_out(actor=org.clerk, password=org.password, request_id=carry.pk, declared_count=1)
    assert exc.value.code == "not_holder" and audit_count() == before
    # the person carrying already holds it: check-out must be a handover between two people
    mine = register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number="000003",
                    scope_departments=[org.res])
    carry2 = approve_all(org, submit(org, [mine], carrier_person=org.secretary, actor=org.staff_core))
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        services.check_out(actor=org.secretary, password=org.password, request_id=carry2.pk, declared_count=1)
    assert exc.value.code == "same_person" and audit_count() == before


def test_check_out_wrong_count_or_password_changes_nothing(org, out, audit_count):
    carry = approve_all(org, submit(org, out[:2]))
    before = audit_count(), Handover.objects.count()
    with pytest.raises(ValidationFailed):
        services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=3)
    with pytest.raises(ValidationFailed):
        services.check_out(actor=org.secretary, password="wrong", request_id=carry.pk, declared_count=2)
    assert (audit_count(), Handover.objects.count()) == before
    carry.refresh_from_db()
    assert carry.status == "approved" and ApprovalRequest.objects.get(pk=carry.approval_id).consumed_at is None


def test_only_the_person_carrying_accepts_and_checks_in(org, out, audit_count):
    carry = approve_all(org, submit(org, out[:1]))
    services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    before = audit_count()
    with pytest.raises(Refused):
        services.accept_check_out(actor=org.head_res, password=org.password, request_id=carry.pk, counted_count=1)
    with pytest.raises(ValidationFailed):
        services.accept_check_out(actor=org.staff_core, password=org.password, request_id=carry.pk, counted_count=2)
    with pytest.raises(Conflict):  # not carried out yet
        services.check_in(actor=org.staff_core, password=org.password, request_id=carry.pk, declared_count=1)
    assert audit_count() == before
    services.accept_check_out(actor=org.staff_core, password=org.password, request_id=carry.pk, counted_count=1)
    before = audit_count()
    with pytest.raises(Refused) as exc:
        services.check_in(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    assert exc.value.code == "not_carrier_person" and audit_count() == before


def test_check_in_is_accepted_by_whoever_checked_out_into_a_fit_container(org, out, audit_count):
    carry = carried_out(org, out[:1])
    services.check_in(actor=org.staff_core, password=org.password, request_id=carry.pk, declared_count=1)
    before = audit_count()
    with pytest.raises(Refused):
        services.accept_check_in(actor=org.clerk, password=org.password, request_id=carry.pk, counted_count=1,
                                 container=org.cabinet)
    with pytest.raises(ValidationFailed) as exc:
        services.accept_check_in(actor=org.secretary, password=org.password, request_id=carry.pk, counted_count=1,
                                 container=org.ordinary)
    assert exc.value.code == "container_too_weak"
    assert audit_count() == before
    assert Carrier.objects.get(pk=out[0].pk).status == "carried_out"


def test_carried_out_carriers_cannot_change_hands_otherwise(org, out):
    carry = carried_out(org, out[:1])
    with pytest.raises(Conflict):
        carrier_services.start_handover(actor=org.staff_core, password=org.password, taker=org.staff_important,
                                        carriers=[Carrier.objects.get(pk=out[0].pk)], declared_count=1)
    with pytest.raises(Conflict):
        carrier_services.transition(carrier=out[0], to_status="pending_destruction", actor=org.secretary)
    assert CarryOutRequest.objects.get(pk=carry.pk).status == "carried_out"


def test_a_cancelled_check_out_can_be_started_again(org, out):
    carry = approve_all(org, submit(org, out[:1]))
    carry = services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    carrier_services.cancel_handover(actor=org.secretary, handover_id=carry.checkout_handover_id, reason="改期")
    carry = services.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    assert carry.checkout_handover.status == "pending"


def test_who_sees_a_request(org, out):
    carry = submit(org, out[:1])
    for user in (org.staff_core, org.head_res, org.secretary):
        assert selectors.request_get(user=user, pk=carry.pk).pk == carry.pk
    for user in (org.staff_general, org.other_secretary, org.head_gen):
        with pytest.raises(Http404):
            selectors.request_get(user=user, pk=carry.pk)
    with pytest.raises(Http404):
        services.check_out(actor=org.other_secretary, password=org.password, request_id=carry.pk, declared_count=1)


def test_late_check_in_is_recorded(org, out, today):
    carry = carried_out(org, out[:1])
    CarryOutRequest.objects.filter(pk=carry.pk).update(expected_return=today - timedelta(days=2))
    carry = checked_in(org, carry)
    event = AuditEvent.objects.get(action="carry_out.checked_in", target_id=str(carry.pk))
    assert event.details["late"] is True


def test_fields_helper_is_complete(org, out):
    assert set(fields(org, out)) >= {"carriers", "scope", "expected_return", "protective_measures"}
