"""Secrecy-period reviews through the services: the queue, extend / downgrade / declassify through
approval, each limit refused with nothing written, re-marking and the audit trail."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.http import Http404

from approvals import services as approvals
from approvals.models import ApprovalRequest
from audit.models import AuditEvent
from audit.selectors import verify_chain
from carriers import services as carrier_services
from carriers.declassification import rules, selectors, services
from carriers.declassification.models import ConditionMet, DeclassificationReview
from carriers.models import Carrier
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level

from .conftest import approve_all, carrier, propose


def unchanged(audit_count, before):
    assert (audit_count(), DeclassificationReview.objects.count(), ApprovalRequest.objects.count()) == before


def snapshot(audit_count):
    return audit_count(), DeclassificationReview.objects.count(), ApprovalRequest.objects.count()


def test_the_queue_lists_ending_ended_and_conditions_met(org, periods, today, settings):
    settings.REGISTRY = {**settings.REGISTRY, "SECRECY_EXPIRY_WINDOW_DAYS": 90}
    services.record_condition_met(actor=org.staff_core, carrier=periods.condition, note="项目已于上月验收")
    gone = carrier(org, ends_in_days=-10, copy_number="000002")
    carrier_services.transition(carrier=gone, to_status="declassified", actor=org.secretary, reason="已解密")
    elsewhere = carrier(org, ends_in_days=5, copy_number="000003", originating_unit=org.other_unit)
    rows = list(selectors.review_queue(user=org.staff_core, today=today))
    assert [c.pk for c in rows] == [periods.ended.pk, periods.soon.pk, periods.condition.pk]
    assert [c.condition_open for c in rows] == [False, False, True]
    assert elsewhere.pk not in [c.pk for c in rows] and gone.pk not in [c.pk for c in rows]
    # a narrower window leaves the carrier ending in 30 days out
    settings.REGISTRY = {**settings.REGISTRY, "SECRECY_EXPIRY_WINDOW_DAYS": 10}
    assert periods.soon.pk not in selectors.review_queue(user=org.staff_core, today=today).values_list("pk", flat=True)
    # through the gate: someone who may not see them gets none of them
    assert not selectors.review_queue(user=org.staff_general, today=today).exists()


def test_extend_through_approval_re_marks_and_audits(org, periods):
    before = periods.soon
    review = propose(org, before, outcome="extend", new_secrecy_years=15)
    approval = ApprovalRequest.objects.get(pk=review.approval_id)
    assert (approval.kind, approval.variant, approval.level) == ("declassification", "extend", Level.SECRET)
    assert [s.approver_role for s in approval.steps.order_by("order")] == ["department_head", "secrecy_office"]
    assert review.new_expires_on == before.period_start + relativedelta(years=15)
    assert Carrier.objects.get(pk=before.pk).secrecy_years == 10  # nothing changes before approval
    review = approve_all(org, review)
    assert review.status == "applied" and review.applied_at
    after = Carrier.objects.get(pk=before.pk)
    assert (after.level, after.secrecy_years, after.expires_on) == (Level.SECRET, 15, before.period_start + relativedelta(years=15))
    assert (after.marking_zh, after.marking_en) == ("机密★15年", "Secret★15 years")
    event = AuditEvent.objects.get(action="carrier.reclassified", target_id=str(before.pk))
    assert event.details["before"]["secrecy_years"] == 10 and event.details["after"]["secrecy_years"] == 15
    assert event.details["before"]["marking_zh"] == "机密★10年" and event.details["declassification_review"] == review.pk
    assert verify_chain().ok


def test_extension_beyond_the_statutory_maximum_is_refused(org, periods, audit_count):
    before = snapshot(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        propose(org, periods.soon, outcome="extend", new_secrecy_years=20, new_secrecy_months=1)
    assert exc.value.code == "beyond_statutory_maximum" and "20 years" in str(exc.value.message)
    unchanged(audit_count, before)
    with pytest.raises(ValidationFailed) as exc:
        propose(org, periods.soon, outcome="extend", new_secrecy_years=10)
    assert exc.value.code == "not_longer"
    unchanged(audit_count, before)
    # exactly the maximum is allowed
    assert propose(org, periods.soon, outcome="extend", new_secrecy_years=20).status == "submitted"


def test_the_statutory_maximum_is_configurable(org, periods, settings):
    settings.REGISTRY = {**settings.REGISTRY, "SECRECY_MAX_YEARS": {3: 30, 2: 12, 1: 10}}
    with pytest.raises(ValidationFailed):
        propose(org, periods.soon, outcome="extend", new_secrecy_years=13)
    assert propose(org, periods.soon, outcome="extend", new_secrecy_years=12).status == "submitted"


def test_downgrade_re_marks_at_the_lower_level(org, periods):
    review = approve_all(org, propose(org, periods.ended, outcome="downgrade", new_level=Level.CONFIDENTIAL,
                                      new_secrecy_years=10))
    after = Carrier.objects.get(pk=periods.ended.pk)
    assert review.status == "applied" and after.level == Level.CONFIDENTIAL
    assert (after.marking_zh, after.marking_en) == ("秘密★10年", "Confidential★10 years")
    event = AuditEvent.objects.get(action="carrier.reclassified", target_id=str(after.pk))
    assert (event.details["before"]["level"], event.details["after"]["level"]) == (Level.SECRET, Level.CONFIDENTIAL)


@pytest.mark.parametrize("new_level,code", [(0, "to_unclassified"), (-1, "to_unclassified"),
                                            (Level.SECRET, "not_lower"), (Level.TOP_SECRET, "not_lower")])
def test_downgrading_to_unclassified_or_not_lower_is_refused(org, periods, audit_count, new_level, code):
    before = snapshot(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        propose(org, periods.soon, outcome="downgrade", new_level=new_level)
    assert exc.value.code == code
    unchanged(audit_count, before)


def test_a_downgrade_keeps_within_the_lower_levels_maximum(org, audit_count):
    top = carrier(org, level=Level.TOP_SECRET, years=30, ends_in_days=20)
    before = snapshot(audit_count)
    with pytest.raises(ValidationFailed) as exc:  # 30 years is beyond Secret's 20
        propose(org, top, outcome="downgrade", new_level=Level.SECRET)
    assert exc.value.code == "beyond_statutory_maximum"
    unchanged(audit_count, before)
    review = propose(org, top, outcome="downgrade", new_level=Level.SECRET, new_secrecy_years=20)
    assert [s.approver_role for s in ApprovalRequest.objects.get(pk=review.approval_id).steps.order_by("order")] == [
        "department_head", "secrecy_office", "unit_head"]
    approve_all(org, review)
    after = Carrier.objects.get(pk=top.pk)
    assert (after.level, after.secrecy_years, after.marking_zh) == (Level.SECRET, 20, "机密★20年")


def test_declassify_moves_the_status_through_the_state_machine(org, periods):
    review = approve_all(org, propose(org, periods.ended, outcome="declassify"))
    after = Carrier.objects.get(pk=periods.ended.pk)
    assert review.status == "applied" and after.status == "declassified"
    move = AuditEvent.objects.filter(action="carrier.status_changed", target_id=str(after.pk)).latest("seq")
    assert (move.details["to"], move.details["declassification_review"]) == ("declassified", review.pk)
    # a declassified carrier is never reviewed again
    with pytest.raises(Conflict):
        propose(org, after, outcome="extend", new_secrecy_years=15)


def test_declassify_is_refused_while_the_carrier_is_out(org, periods, audit_count):
    carrier_services.transition(carrier=periods.ended, to_status="on_loan", actor=org.secretary, reason="借出")
    before = snapshot(audit_count)
    with pytest.raises(Conflict) as exc:
        propose(org, periods.ended, outcome="declassify")
    assert exc.value.code == "not_in_custody"
    unchanged(audit_count, before)


def test_an_approval_that_cannot_be_applied_changes_nothing(org, periods, audit_count):
    review = propose(org, periods.ended, outcome="declassify")
    approvals.decide(actor=org.head_res, request_id=review.approval_id, outcome="approve", password=org.password)
    carrier_services.transition(carrier=periods.ended, to_status="on_loan", actor=org.secretary, reason="借出")
    before = audit_count()
    with pytest.raises(Conflict):
        approvals.decide(actor=org.secretary, request_id=review.approval_id, outcome="approve", password=org.password)
    assert audit_count() == before
    review.refresh_from_db()
    assert review.status == "submitted" and Carrier.objects.get(pk=periods.ended.pk).status == "on_loan"


def test_rejection_changes_nothing_on_the_carrier(org, periods):
    review = propose(org, periods.soon, outcome="declassify")
    approvals.decide(actor=org.head_res, request_id=review.approval_id, outcome="reject", password=org.password,
                     reason="仍需保密")
    review.refresh_from_db()
    assert review.status == "rejected"
    assert Carrier.objects.get(pk=periods.soon.pk).status == "in_custody"
    assert not AuditEvent.objects.filter(action="carrier.reclassified").exists()
    # a new review may follow
    assert propose(org, periods.soon, outcome="extend", new_secrecy_years=12).status == "submitted"


def test_one_open_review_and_outcome_terms(org, periods, audit_count):
    propose(org, periods.soon, outcome="extend", new_secrecy_years=12)
    before = snapshot(audit_count)
    with pytest.raises(Conflict) as exc:
        propose(org, periods.soon, outcome="declassify")
    assert exc.value.code == "review_open"
    for bad in (dict(outcome="extend"), dict(outcome="downgrade"), dict(outcome="declassify", new_secrecy_years=3),
                dict(outcome="extend", new_secrecy_years=0), dict(outcome="extend", new_secrecy_months=12),
                dict(outcome="destroy"), dict(outcome="extend", new_secrecy_years=12, reason=" ")):
        with pytest.raises(ValidationFailed):
            propose(org, periods.ended, **bad)
    unchanged(audit_count, before)


def test_only_the_originating_unit_reviews(org, audit_count):
    foreign = carrier(org, ends_in_days=5, originating_unit=org.other_unit)
    hidden = carrier(org, ends_in_days=5, copy_number="000002", scope_departments=[org.gen])
    before = snapshot(audit_count)
    with pytest.raises(Refused) as exc:
        propose(org, foreign, outcome="declassify")
    assert exc.value.code == "not_originating_unit"
    unchanged(audit_count, before)
    with pytest.raises(Http404):
        propose(org, hidden, outcome="declassify")
    unchanged(audit_count, before)


def test_condition_met_opens_a_review_closed_when_applied(org, periods, audit_count, today):
    record = services.record_condition_met(actor=org.staff_core, carrier=periods.condition, note="项目已验收")
    assert record.is_open and record.unit == org.unit and record.condition == "项目验收后解密"
    event = AuditEvent.objects.get(action="declassification.condition_met", target_id=str(periods.condition.pk))
    assert event.details["condition_met"] == record.pk
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        services.record_condition_met(actor=org.staff_core, carrier=periods.condition, note="再次记录")
    assert exc.value.code == "condition_already_recorded"
    with pytest.raises(Conflict) as exc:  # no condition: its period is reviewed instead
        services.record_condition_met(actor=org.staff_core, carrier=periods.soon, note="无条件")
    assert exc.value.code == "no_condition"
    assert audit_count() == before and ConditionMet.objects.count() == 1
    fresh = carrier(org, declassification_condition="另一条件", copy_number="000002")
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.record_condition_met(actor=org.staff_core, carrier=fresh, note=" ", met_on=today)
    assert audit_count() == before and ConditionMet.objects.count() == 1
    review = propose(org, periods.condition, outcome="declassify", reason="解密条件已满足")
    assert review.condition_met == record
    approve_all(org, review)
    record.refresh_from_db()
    assert record.closed_by == review and record.closed_at
    assert Carrier.objects.get(pk=periods.condition.pk).status == "declassified"


def test_condition_met_in_the_future_is_refused(org, periods, today):
    with pytest.raises(ValidationFailed):
        services.record_condition_met(actor=org.staff_core, carrier=periods.condition, note="x",
                                      met_on=today + timedelta(days=1))


def test_reclassify_refuses_unclassified_and_final_carriers(org, periods):
    with pytest.raises(ValidationFailed) as exc:
        carrier_services.reclassify(actor=org.secretary, carrier=periods.soon, level=0, secrecy_years=10,
                                    secrecy_months=None, reason="x")
    assert exc.value.code == "to_unclassified"
    carrier_services.transition(carrier=periods.ended, to_status="declassified", actor=org.secretary, reason="x")
    with pytest.raises(Conflict):
        carrier_services.reclassify(actor=org.secretary, carrier=periods.ended, level=Level.SECRET, secrecy_years=12,
                                    secrecy_months=None, reason="x")


def test_who_sees_a_review(org, periods):
    review = propose(org, periods.soon, outcome="extend", new_secrecy_years=12)
    for user in (org.staff_core, org.head_res, org.secretary, org.auditor):
        assert selectors.review_get(user=user, pk=review.pk).pk == review.pk
    for user in (org.staff_general, org.other_secretary, org.head_gen):
        with pytest.raises(Http404):
            selectors.review_get(user=user, pk=review.pk)


def test_rules_are_pure_and_bilingual_ready():
    assert rules.never_unclassified(new_level=0).code == "to_unclassified"
    assert rules.within_statutory_maximum(level=Level.TOP_SECRET, years=30, months=0) is None
    assert rules.within_statutory_maximum(level=Level.TOP_SECRET, years=30, months=1).code == "beyond_statutory_maximum"
