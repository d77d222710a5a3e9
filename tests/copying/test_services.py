"""R4 through the services: each clause refused when violated (nothing written) and allowed when met."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestStep
from audit.models import AuditEvent
from carriers.copying import selectors, services
from carriers.copying.models import CopyRequest, Derivation
from carriers.models import Carrier
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import audit_count_but_security

from .conftest import (
    approve_all,
    approve_compilation,
    approved_copy,
    ask_compilation,
    ask_copy,
    execute,
    extract,
    make,
)


def _nothing_written(before_carriers, before_events):
    assert Carrier.objects.count() == before_carriers
    assert audit_count_but_security() == before_events


@pytest.fixture
def counts():
    return lambda: (Carrier.objects.count(), audit_count_but_security())


# --- copying -------------------------------------------------------------------------------------


def test_copies_are_carriers_in_their_own_right_with_the_originals_terms(org, licence, src):
    request = approved_copy(org, src.secret, copies=3)
    execute(org, request)
    request.refresh_from_db()
    assert request.status == CopyRequest.Status.EXECUTED
    copies = list(selectors.copies_of(user=org.secretary, request=request))
    assert [c.copy_number for c in copies] == ["000001", "000002", "000003"]
    source = src.secret
    for copy in copies:
        assert copy.pk != source.pk and copy.registry_number != source.registry_number
        assert (copy.level, copy.period_start, copy.secrecy_years, copy.expires_on, copy.marking_zh) == (
            source.level, source.period_start, source.secrecy_years, source.expires_on, source.marking_zh)
        assert list(copy.scope_departments.all()) == [org.res]
        assert list(copy.sources.all()) == [source]
        assert copy.copies_total == 3 and copy.holder == org.secretary and copy.status == "in_custody"
        # registered and signed through the core's one path, sources among the signed facts
        event = AuditEvent.objects.get(target_type="carriers.carrier", target_id=str(copy.pk), action="carrier.registered")
        assert event.details["sources"] == [source.pk]
    approval = ApprovalRequest.objects.get(pk=request.approval_id)
    assert approval.consumed_at is not None
    assert AuditEvent.objects.filter(action="copying.executed", target_id=str(request.pk)).count() == 1


def test_a_copy_is_treated_as_an_original_and_can_be_copied_again(org, licence, src):
    first = approved_copy(org, src.secret, copies=1)
    execute(org, first)
    copy = selectors.copies_of(user=org.secretary, request=first).get()
    again = approved_copy(org, copy, copies=1)
    execute(org, again)
    second = selectors.copies_of(user=org.secretary, request=again).get()
    assert again.authority_unit == first.authority_unit  # the original's issuing authority still approves
    assert second.expires_on == src.secret.expires_on and second.level == src.secret.level
    found = selectors.lineage(user=org.secretary, carrier=second)
    assert [(c.pk, c.lineage_depth) for c in found["ancestors"]] == [(copy.pk, 1), (src.secret.pk, 2)]


def test_the_condition_of_a_conditional_original_is_copied(org, licence, src):
    request = approved_copy(org, src.conditional, copies=1)
    execute(org, request)
    copy = selectors.copies_of(user=org.secretary, request=request).get()
    assert copy.expires_on is None and copy.declassification_condition == "项目验收后解密"


def test_a_copy_of_a_copy_goes_to_the_originals_issuing_authority(org, src):
    services.record_licence(actor=org.secretary, unit=org.unit, licensed_on=date(2025, 1, 1), granted_by="局")
    first = approved_copy(org, src.top, copies=1)
    execute(org, first, container=org.safe)
    copy = selectors.copies_of(user=org.secretary, request=first).get()
    again = ask_copy(org, copy, copies=1)
    assert again.authority_unit == org.other_unit
    assert RequestStep.objects.get(request_id=again.approval_id, approver_role="secrecy_office").approver_unit == org.other_unit


def test_copying_is_approved_by_the_issuing_authority(org, src):
    """A Top Secret carrier originated by unit X: the secrecy office step is X's (policy D -> S)."""
    request = ask_copy(org, src.top, copies=1)
    steps = list(RequestStep.objects.filter(request_id=request.approval_id).order_by("order"))
    assert [(s.approver_role, s.approver_unit) for s in steps] == [
        ("department_head", org.res), ("secrecy_office", org.other_unit)]
    assert request.authority_unit == org.other_unit
    approvals.decide(actor=org.head_res, request_id=request.approval_id, outcome="approve", password=org.password)
    # the requester's own secrecy office is not the issuing authority: no grant, 404 like any other
    from django.http import Http404
    with pytest.raises(Http404):
        approvals.decide(actor=org.secretary, request_id=request.approval_id, outcome="approve",
                         password=org.password)
    approvals.decide(actor=org.other_secretary, request_id=request.approval_id, outcome="approve",
                     password=org.password)
    request.refresh_from_db()
    assert request.status == CopyRequest.Status.APPROVED


def test_unlicensed_unit_may_not_copy(org, src, counts):
    request = approved_copy(org, src.secret)
    before = counts()
    with pytest.raises(Refused) as refused:
        execute(org, request)
    assert refused.value.code == "unit_unlicensed"
    _nothing_written(*before)
    assert ApprovalRequest.objects.get(pk=request.approval_id).consumed_at is None


@pytest.mark.parametrize("change", ["withdrawn", "expired", "future"])
def test_withdrawn_or_expired_licence_refused(org, licence, src, change, counts):
    today = timezone.localdate()
    fields = dict(actor=org.secretary, unit=org.unit, granted_by="国家保密局")
    if change == "withdrawn":
        services.record_licence(licensed=False, licensed_on=today, **fields)
    elif change == "expired":
        services.record_licence(licensed_on=today - timedelta(days=400), valid_until=today - timedelta(days=1), **fields)
    else:
        services.record_licence(licensed_on=today + timedelta(days=3), **fields)
    request = approved_copy(org, src.secret)
    before = counts()
    with pytest.raises(Refused):
        execute(org, request)
    _nothing_written(*before)


def test_coded_telegram_only_in_a_confidential_department(org, licence, src, counts):
    request = approved_copy(org, src.telegram, copies=1)
    before = counts()
    with pytest.raises(Refused) as refused:
        execute(org, request)
    assert refused.value.code == "coded_telegram"
    _nothing_written(*before)
    # the secrecy office's department is registered as the confidential department
    services.record_licence(actor=org.secretary, unit=org.sec, licensed_on=date(2025, 1, 1), granted_by="机要局",
                            may_copy_coded_telegrams=True)
    execute(org, request)
    copy = selectors.copies_of(user=org.secretary, request=request).get()
    assert copy.is_coded_telegram


def test_no_copying_without_approval(org, licence, src, counts):
    request = ask_copy(org, src.secret)
    before = counts()
    with pytest.raises(Refused) as refused:
        execute(org, request)
    assert refused.value.code == "not_approved"
    _nothing_written(*before)
    approvals.decide(actor=org.head_res, request_id=request.approval_id, outcome="reject", password=org.password,
                     reason="不必复制")
    request.refresh_from_db()
    assert request.status == CopyRequest.Status.REJECTED
    with pytest.raises(Refused):
        execute(org, request)
    _nothing_written(*before[:1], audit_count_but_security())


def test_no_more_copies_than_approved(org, licence, src, counts):
    request = approved_copy(org, src.secret, copies=3, approved_quantity=2)
    before = counts()
    with pytest.raises(Refused) as refused:
        execute(org, request, quantity=3)
    assert refused.value.code == "over_quantity"
    _nothing_written(*before)
    execute(org, request)  # the approved quantity
    assert selectors.copies_of(user=org.secretary, request=request).count() == 2


def test_approval_used_once(org, licence, src, counts):
    request = approved_copy(org, src.secret, copies=1)
    execute(org, request)
    before = counts()
    with pytest.raises(Conflict):
        execute(org, request)
    _nothing_written(*before)


def test_only_the_secrecy_office_of_the_unit_copies(org, licence, src, counts):
    request = approved_copy(org, src.secret, copies=1)
    before = counts()
    with pytest.raises(Refused):
        execute(org, request, actor=org.staff_core)
    from django.http import Http404
    with pytest.raises(Http404):  # another unit's secrecy office does not even see the request
        execute(org, request, actor=org.other_secretary, container=org.other_safe)
    _nothing_written(*before)


def test_wrong_password_and_weak_container_write_nothing(org, licence, src, counts):
    request = approved_copy(org, src.top, copies=1)
    before = counts()
    with pytest.raises(ValidationFailed) as invalid:
        execute(org, request, container=org.cabinet)  # Top Secret needs a combination safe
    assert "container" in invalid.value.errors
    with pytest.raises(ValidationFailed) as invalid:
        services.execute_copy_request(actor=org.secretary, password="wrong", request_id=request.pk,
                                      container=org.safe)
    assert "password" in invalid.value.errors
    _nothing_written(*before)
    assert ApprovalRequest.objects.get(pk=request.approval_id).consumed_at is None


def test_copy_request_needs_need_to_know_and_a_live_source(org, src):
    with pytest.raises(ValidationFailed):  # staff_general is outside the scope: as if it did not exist
        ask_copy(org, src.secret, actor=org.staff_general)
    with pytest.raises(ValidationFailed):
        ask_copy(org, src.secret, copies=0)
    assert not CopyRequest.objects.exists()


# --- extracts ------------------------------------------------------------------------------------


def test_extract_inherits_the_highest_level_and_latest_end(org, src):
    derivation = extract(org, [src.secret, src.later])
    carrier = derivation.carrier
    assert carrier.level == Level.SECRET
    assert carrier.expires_on == src.secret.expires_on == date(2036, 1, 1)  # later than 2031-08-01
    assert set(carrier.sources.all()) == {src.secret, src.later}
    assert derivation.status == Derivation.Status.MADE
    assert list(carrier.scope_departments.all()) == [org.res]  # the scope the sources share


def test_extract_keeps_a_sources_condition(org, src):
    carrier = extract(org, [src.secret, src.conditional]).carrier
    assert carrier.expires_on is None
    assert carrier.declassification_condition == "项目验收后解密"
    assert carrier.level == Level.SECRET


def test_extract_may_be_higher_and_later(org, src):
    carrier = extract(org, [src.secret], level=Level.TOP_SECRET, secrecy_years=20).carrier
    assert carrier.level == Level.TOP_SECRET and carrier.expires_on == date(2046, 1, 1)


@pytest.mark.parametrize("asked, field", [
    (dict(level=Level.CONFIDENTIAL), "level"),
    (dict(secrecy_years=5), "secrecy_years"),
    (dict(period_start=date(2025, 1, 1)), "secrecy_years"),
])
def test_extract_below_its_source_is_refused(org, src, counts, asked, field):
    before = counts()
    with pytest.raises(ValidationFailed) as invalid:
        extract(org, [src.secret], **asked)
    assert field in invalid.value.errors
    _nothing_written(*before)
    assert not Derivation.objects.exists()


def test_extract_may_not_drop_a_condition_or_end_on_a_date(org, src, counts):
    before = counts()
    with pytest.raises(ValidationFailed) as invalid:
        extract(org, [src.conditional], declassification_condition="另行通知")
    assert "declassification_condition" in invalid.value.errors
    with pytest.raises(ValidationFailed) as invalid:
        extract(org, [src.conditional], secrecy_years=10)
    assert "secrecy_years" in invalid.value.errors
    _nothing_written(*before)


def test_only_the_secrecy_office_registers_extracts(org, src, counts):
    before = counts()
    with pytest.raises(Refused):
        extract(org, [src.secret], actor=org.staff_core)
    _nothing_written(*before)


# --- compilations --------------------------------------------------------------------------------


def test_compilation_approved_then_made_with_highest_level_and_latest_end(org, src):
    derivation = ask_compilation(org, [src.secret, src.later, src.conditional])
    assert derivation.status == Derivation.Status.SUBMITTED
    assert derivation.level == Level.SECRET and derivation.expires_on is None
    approve_compilation(org, derivation)
    assert derivation.status == Derivation.Status.APPROVED
    make(org, derivation)
    derivation.refresh_from_db()
    carrier = derivation.carrier
    assert carrier.level == Level.SECRET and carrier.declassification_condition == "项目验收后解密"
    assert set(carrier.sources.all()) == {src.secret, src.later, src.conditional}
    assert ApprovalRequest.objects.get(pk=derivation.approval_id).consumed_at is not None


def test_compilation_without_approval_is_refused(org, src, counts):
    derivation = ask_compilation(org, [src.secret, src.later])
    before = counts()
    with pytest.raises(Refused) as refused:
        make(org, derivation)
    assert refused.value.code == "not_approved"
    _nothing_written(*before)


def test_compilation_made_once(org, src, counts):
    derivation = approve_compilation(org, ask_compilation(org, [src.secret, src.later]))
    make(org, derivation)
    before = counts()
    with pytest.raises(Conflict):
        make(org, derivation)
    _nothing_written(*before)


def test_compilation_below_its_parts_or_of_one_part_is_refused(org, src):
    with pytest.raises(ValidationFailed) as invalid:
        ask_compilation(org, [src.secret, src.later], level=Level.CONFIDENTIAL)
    assert "level" in invalid.value.errors
    with pytest.raises(ValidationFailed) as invalid:
        ask_compilation(org, [src.secret])
    assert "sources" in invalid.value.errors
    assert not Derivation.objects.exists() and not ApprovalRequest.objects.filter(kind="compilation").exists()


def test_compilation_policy_steps(org, src):
    derivation = ask_compilation(org, [src.secret, src.later])
    steps = list(RequestStep.objects.filter(request_id=derivation.approval_id).order_by("order")
                 .values_list("approver_role", flat=True))
    assert steps == ["department_head", "unit_head"]
    approve_all(derivation.approval_id, org.password)
    derivation.refresh_from_db()
    assert derivation.status == Derivation.Status.APPROVED


# --- licences ------------------------------------------------------------------------------------


def test_licences_by_the_secrecy_office_for_its_own_unit(org):
    with pytest.raises(Refused):
        services.record_licence(actor=org.staff_core, unit=org.unit, licensed_on=date(2026, 1, 1), granted_by="局")
    with pytest.raises(ValidationFailed):
        services.record_licence(actor=org.secretary, unit=org.other_unit, licensed_on=date(2026, 1, 1),
                                granted_by="局")
    first = services.record_licence(actor=org.secretary, unit=org.unit, licensed_on=date(2026, 1, 1), granted_by="局")
    second = services.record_licence(actor=org.secretary, unit=org.unit, licensed_on=date(2026, 2, 1),
                                     granted_by="局", licensed=False)
    rows = {r.pk: r.is_current for r in selectors.visible_licences(user=org.staff_general)}
    assert rows == {first.pk: False, second.pk: True}
    assert selectors.licence_in_force(person=org.secretary.person) == second
    assert not selectors.visible_licences(user=org.other_secretary).exists()


# --- lineage -------------------------------------------------------------------------------------


def test_lineage_both_ways_through_visible_carriers_only(org, licence, src, django_assert_max_num_queries):
    request = approved_copy(org, src.secret, copies=2)
    execute(org, request)
    copies = list(selectors.copies_of(user=org.secretary, request=request))
    summary = extract(org, [copies[0], src.later]).carrier
    compiled = make(org, approve_compilation(org, ask_compilation(org, [summary, src.conditional]))).carrier
    with django_assert_max_num_queries(12):
        down = selectors.lineage(user=org.secretary, carrier=src.secret)
    assert [(c.pk, c.lineage_depth, c.made_how) for c in down["descendants"]] == sorted(
        [(copies[0].pk, 1, "copy"), (copies[1].pk, 1, "copy"), (summary.pk, 2, "extract"),
         (compiled.pk, 3, "compilation")], key=lambda t: (t[1], Carrier.objects.get(pk=t[0]).registry_number))
    up = selectors.lineage(user=org.secretary, carrier=compiled)
    assert {c.pk for c in up["ancestors"]} == {summary.pk, copies[0].pk, src.secret.pk, src.later.pk,
                                               src.conditional.pk}
    assert up["made_how"] == "compilation"
    # someone who may see only part of the tree sees only that part (a Top Secret extract is
    # beyond a Secret clearance)
    hidden = extract(org, [src.secret], level=Level.TOP_SECRET).carrier
    assert hidden.pk in {c.pk for c in selectors.lineage(user=org.secretary, carrier=src.secret)["descendants"]}
    staff = selectors.lineage(user=org.staff_important, carrier=src.secret)
    assert hidden.pk not in {c.pk for c in staff["descendants"]}
    assert compiled.pk in {c.pk for c in staff["descendants"]}


def test_withdrawn_and_expired_requests_are_mirrored(org, licence, src):
    withdrawn = ask_copy(org, src.secret, copies=1)
    approvals.withdraw(actor=org.staff_core, request_id=withdrawn.approval_id)
    withdrawn.refresh_from_db()
    assert withdrawn.status == CopyRequest.Status.WITHDRAWN
    with pytest.raises(Refused):
        execute(org, withdrawn)
    compilation = ask_compilation(org, [src.secret, src.later])
    ApprovalRequest.objects.filter(pk=compilation.approval_id).update(valid_until=date(2020, 1, 1))
    assert approvals.expire_overdue() == 1
    compilation.refresh_from_db()
    assert compilation.status == Derivation.Status.EXPIRED
    with pytest.raises(Refused):
        make(org, compilation)
