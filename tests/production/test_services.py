"""R1 through the services: a production request goes through approval, the approver signs its
terms, the secrecy office runs it once and exactly the approved copies are registered (numbered,
marked, scoped, audited and signed); every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalRequest, Decision
from audit import services as audit
from audit.chain import normalise
from audit.models import AuditEvent, Signature
from carriers.models import Carrier
from carriers.production import services
from carriers.production.models import ProductionPlace, ProductionRequest, ProductionRun
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import audit_count_but_security

from .conftest import approve, run, submit


def written():
    """Rows any production step writes, to show a refusal changed nothing."""
    return (
        ProductionRequest.objects.count(), ApprovalRequest.objects.count(), ProductionRun.objects.count(),
        Carrier.objects.count(), audit_count_but_security(), Signature.objects.count(),
    )


def refused(fn, exc, match=None):
    before = written()
    with pytest.raises(exc, match=match) as info:
        fn()
    assert written() == before
    return info.value


# --- R1: where it is produced ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "match", "exc"),
    [
        ("unapproved_place", "not approved for producing", Refused),
        ("inactive_place", "not approved for producing", Refused),
        ("expired_place", "expired on", Refused),
        ("future_place", "valid only from", Refused),
        ("low_place", "approved only up to Confidential", Refused),
        ("other_unit_place", "another unit", ValidationFailed),
    ],
)
def test_a_place_not_approved_for_it_is_refused(org, sites, where, match, exc):
    refused(lambda: submit(org, sites, place=getattr(sites, where)), exc, match)


@pytest.mark.parametrize(
    ("where", "match"),
    [
        ("individual", "never entrusted to a self-employed individual"),
        ("unlicensed", "holds no licence"),
        ("expired_enterprise", "licence of this enterprise expired"),
        ("low_enterprise", "licensed only up to Confidential"),
    ],
)
def test_an_enterprise_without_a_fitting_licence_or_an_individual_is_refused(org, sites, where, match):
    refused(lambda: submit(org, sites, place=None, enterprise=getattr(sites, where)), Refused, match)


def test_an_individual_is_refused_even_with_a_licence(org, sites):
    individual = services.create_enterprise(
        actor=org.secretary, name="个体户", licence_number="L-9", licensed_level=Level.TOP_SECRET,
        licence_valid_until=sites.today + timedelta(days=30), is_individual=True,
    )
    refused(lambda: submit(org, sites, place=None, enterprise=individual), Refused, "self-employed")


def test_place_and_enterprise_both_or_neither_is_refused(org, sites):
    refused(lambda: submit(org, sites, enterprise=sites.enterprise), ValidationFailed, "either a production place")
    refused(lambda: submit(org, sites, place=None), ValidationFailed, "either a production place")


def test_an_approved_place_and_a_licensed_enterprise_are_allowed(org, sites):
    at_place = submit(org, sites)
    assert at_place.place == sites.place and at_place.status == "submitted"
    outside = submit(org, sites, place=None, enterprise=sites.enterprise)
    assert outside.enterprise == sites.enterprise and outside.place is None
    # the place's level is a ceiling: a Confidential production at the Confidential-only place is fine
    assert submit(org, sites, place=sites.low_place, level=Level.CONFIDENTIAL, secrecy_years=5).pk


# --- R1: level, period and marking ---------------------------------------------------------------


def test_period_beyond_the_statutory_maximum_is_refused(org, sites):
    refused(lambda: submit(org, sites, secrecy_years=21), ValidationFailed, "may not exceed 20 years")
    production = submit(org, sites, secrecy_years=21, declassification_condition="项目验收后")
    assert production.marking_zh == "机密★21年"


def test_no_period_means_the_statutory_longest_and_the_marking_shows_it(org, sites):
    production = submit(org, sites, secrecy_years=None)
    assert production.secrecy_years == 20
    assert (production.marking_zh, production.marking_en) == ("机密★20年", "Secret★20 years")
    with_condition = submit(org, sites, secrecy_years=None, declassification_condition="任务完成后")
    assert with_condition.secrecy_years is None and with_condition.marking_zh == "机密★任务完成后"


def test_above_the_requesters_clearance_is_refused(org, sites):
    refused(lambda: submit(org, sites, actor=org.staff_important, level=Level.TOP_SECRET), Refused, "clearance")


def test_copies_out_of_range_and_a_medium_on_paper_are_refused(org, sites):
    refused(lambda: submit(org, sites, copies=0), ValidationFailed, "1 to")
    refused(lambda: submit(org, sites, medium="usb"), ValidationFailed, "Only electronic media")
    refused(lambda: submit(org, sites, kind="electronic"), ValidationFailed, "which electronic medium")


def test_scope_outside_the_unit_is_refused(org, sites):
    refused(lambda: submit(org, sites, scope_departments=[org.xd]), ValidationFailed, "departments of this unit")
    refused(lambda: submit(org, sites, scope_people=[org.other_secretary]), ValidationFailed, "people of this unit")
    refused(lambda: submit(org, sites, scope_units=[org.unit]), ValidationFailed, "other than this one")
    assert submit(org, sites, scope_units=[org.other_unit]).scope_units.get() == org.other_unit


# --- approval: the approver signs the terms --------------------------------------------------------


def test_submission_goes_to_the_department_head_with_the_copies_as_quantity(org, sites):
    production = submit(org, sites)
    approval = production.approval
    assert (approval.kind, approval.level, approval.approved_quantity, approval.status) == (
        "production", Level.SECRET, 5, "submitted"
    )
    assert approval.target == production and approval.requester == org.staff_core
    assert approvals.eligible_approvers(step=approval.steps.get(status="open")).get() == org.head_res
    requested = AuditEvent.objects.get(action="production.requested", target_id=str(production.pk))
    assert requested.details["marking_zh"] == "机密★10年" and requested.details["copies"] == 5


def test_the_approvers_signature_covers_level_period_marking_and_copies(org, sites):
    production = submit(org, sites, secrecy_years=3, secrecy_months=6)
    approve(org, production)
    decision = Decision.objects.get(request=production.approval)
    event = AuditEvent.objects.get(action="approval.decided", target_id=str(production.approval_id))
    content = {k: v for k, v in event.details.items() if k not in ("signature", "acting_for")}
    terms = content["terms"]
    assert (terms["level"], terms["secrecy_years"], terms["secrecy_months"]) == (Level.SECRET, 3, 6)
    assert (terms["marking_zh"], terms["marking_en"]) == ("机密★3年6个月", "Secret★3 years 6 months")
    assert terms["copies"] == 5 and terms["place"] == sites.place.pk
    assert terms["scope_departments"] == sorted([org.res.pk, org.gen.pk])
    # the signature is bound to exactly this content: another period would not match it
    assert decision.signature.signer == org.head_res
    assert decision.signature.content_hash == audit.content_hash(content)
    other = normalise({**content, "terms": {**terms, "secrecy_years": 2}})
    assert decision.signature.content_hash != audit.content_hash(other)
    assert services.terms_of(production) == terms


def test_top_secret_both_signatures_carry_the_terms(org, sites):
    production = submit(org, sites, level=Level.TOP_SECRET, secrecy_years=30, scope_people=[])
    approve(org, production)
    approve(org, production, user=org.secretary)
    production.refresh_from_db()
    assert production.status == "approved"
    events = AuditEvent.objects.filter(action="approval.decided", target_id=str(production.approval_id))
    assert [e.details["terms"]["marking_zh"] for e in events] == ["绝密★30年", "绝密★30年"]
    refused(lambda: run(org, production), ValidationFailed, "Combination safe")
    made = run(org, production, container=org.safe)
    assert made.copies_made == 5


@pytest.mark.parametrize(("outcome", "status"), [("reject", "rejected"), ("withdraw", "withdrawn")])
def test_the_approval_outcome_is_mirrored(org, sites, outcome, status):
    production = submit(org, sites)
    if outcome == "reject":
        approvals.decide(actor=org.head_res, request_id=production.approval_id, outcome="reject",
                         password=org.password, reason="份数过多")
    else:
        approvals.withdraw(actor=org.staff_core, request_id=production.approval_id)
    production.refresh_from_db()
    assert production.status == status
    refused(lambda: run(org, production), Refused, "not been approved")


def test_an_expired_approval_request_is_mirrored(org, sites):
    production = submit(org, sites)
    ApprovalRequest.objects.filter(pk=production.approval_id).update(valid_until=sites.today - timedelta(days=1))
    assert approvals.expire_overdue() == 1
    production.refresh_from_db()
    assert production.status == "expired"


# --- the run -------------------------------------------------------------------------------------


def test_no_production_without_an_approval(org, sites):
    production = submit(org, sites)
    refused(lambda: run(org, production), Refused, "has not been approved")
    assert not Carrier.objects.filter(production_run__request=production).exists()


def test_the_run_makes_exactly_the_approved_copies_numbered_marked_and_scoped(org, approved):
    before_carriers = Carrier.objects.count()
    made = run(org, approved)
    copies = list(made.carriers.order_by("copy_number"))
    assert len(copies) == 5 == made.copies_made == Carrier.objects.count() - before_carriers
    assert [c.copy_number for c in copies] == ["000001", "000002", "000003", "000004", "000005"]
    for carrier in copies:
        assert (carrier.level, carrier.secrecy_years, carrier.copies_total) == (Level.SECRET, 10, 5)
        assert (carrier.marking_zh, carrier.marking_en) == ("机密★10年", "Secret★10 years")
        assert carrier.period_start == timezone.localdate()
        assert carrier.expires_on == carrier.period_start.replace(year=carrier.period_start.year + 10)
        assert carrier.holder == org.secretary and carrier.container == org.cabinet
        assert carrier.status == "in_custody" and carrier.title == approved.title
        assert set(carrier.scope_departments.all()) == {org.res, org.gen}
        assert list(carrier.scope_people.all()) == [org.staff_important]
        assert carrier.intermediate_kind == "" and carrier.originating_unit == org.unit
        # registered through the one registration path: an audit event and a signature each
        registered = AuditEvent.objects.get(action="carrier.registered", target_id=str(carrier.pk))
        assert registered.details["production_run"] == made.pk and registered.details["copy_number"] == carrier.copy_number
        signature = Signature.objects.get(target_type="carriers.carrier", target_id=str(carrier.pk))
        assert signature.meaning == "registered" and signature.signer == org.secretary
        assert signature.content_hash == audit.content_hash(registered.details)
    assert len({c.registry_number for c in copies}) == 5
    approved.refresh_from_db()
    assert approved.status == "produced" and approved.approval.consumed_at is not None
    event = AuditEvent.objects.get(action="production.run", target_id=str(made.pk))
    assert [number for number, _registry in event.details["carriers"]] == [c.copy_number for c in copies]


def test_copy_numbers_are_unique_and_gap_free_per_run(org, sites):
    runs = []
    for copies in (3, 12):
        production = submit(org, sites, copies=copies)
        approve(org, production)
        runs.append(run(org, production))
    for made in runs:
        numbers = sorted(made.carriers.values_list("copy_number", flat=True))
        assert numbers == [f"{n:06d}" for n in range(1, made.copies_made + 1)]
    # another run starts again from 000001: unique within one batch, not across batches
    assert runs[0].carriers.filter(copy_number="000001").exists() and runs[1].carriers.filter(copy_number="000001").exists()


def test_the_database_refuses_a_duplicate_copy_number_in_a_run(org, approved):
    from django.db import IntegrityError, transaction

    made = run(org, approved)
    with pytest.raises(IntegrityError), transaction.atomic():
        Carrier.objects.filter(pk=made.carriers.get(copy_number="000002").pk).update(copy_number="000001")


def test_a_second_run_is_refused_and_writes_nothing(org, approved):
    run(org, approved)
    refused(lambda: run(org, approved), Conflict, "already been produced")
    refused(lambda: run(org, approved, actor=org.clerk), Conflict, "already been produced")
    assert ProductionRun.objects.filter(request=approved).count() == 1


def test_over_production_is_refused_and_fewer_is_not_this_run(org, approved):
    refused(lambda: run(org, approved, quantity=6), Refused, "over-production")
    refused(lambda: run(org, approved, quantity=4), ValidationFailed, "exactly the approved 5")
    assert run(org, approved, quantity=5).copies_made == 5


def test_the_quantity_the_approver_lowered_is_what_is_made(org, sites):
    production = submit(org, sites, copies=8)
    approve(org, production, approved_quantity=3)
    made = run(org, production)
    assert made.copies_made == 3 == made.carriers.count()
    assert set(made.carriers.values_list("copies_total", flat=True)) == {3}
    refused(lambda: run(org, production), Conflict)


def test_a_place_that_expired_after_approval_is_refused_at_the_run(org, approved):
    ProductionPlace.objects.filter(pk=approved.place_id).update(valid_until=timezone.localdate() - timedelta(days=1))
    refused(lambda: run(org, approved), Refused, "expired on")


def test_an_expired_approval_is_refused_at_the_run(org, approved):
    ApprovalRequest.objects.filter(pk=approved.approval_id).update(valid_until=timezone.localdate() - timedelta(days=1))
    refused(lambda: run(org, approved), Conflict, "approval expired")


def test_terms_changed_after_the_signature_are_refused(org, approved):
    ProductionRequest.objects.filter(pk=approved.pk).update(secrecy_years=5, marking_zh="机密★5年")
    refused(lambda: run(org, approved), Conflict, "differ from what the approver signed")


def test_only_the_secrecy_office_of_the_unit_runs_it(org, approved):
    refused(lambda: run(org, approved, actor=org.staff_core), Refused, "Only the secrecy office")
    refused(lambda: run(org, approved, actor=org.head_res), Refused, "Only the secrecy office")
    refused(lambda: run(org, approved, actor=org.other_secretary, container=org.other_safe), Http404)


def test_a_wrong_password_or_a_weak_container_writes_nothing(org, approved):
    refused(lambda: services.run_production(actor=org.secretary, password="wrong", request_id=approved.pk,
                                            container=org.cabinet), ValidationFailed, "password")
    refused(lambda: run(org, approved, container=org.ordinary), ValidationFailed, "may not hold")
    refused(lambda: run(org, approved, container=org.other_safe), ValidationFailed, "another unit")


def test_an_outside_enterprise_production_runs(org, sites):
    production = submit(org, sites, place=None, enterprise=sites.enterprise)
    approve(org, production)
    assert run(org, production).carriers.count() == 5
