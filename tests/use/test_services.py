"""R3 through the services: each clause refused when violated (the reason given, nothing written:
no row, no audit event) and allowed when met."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from approvals import services as approvals
from audit.models import AuditEvent, Signature
from audit.selectors import verify_chain
from carriers import services as carrier_services
from carriers.models import Carrier, Handover
from carriers.use import selectors, services
from carriers.use.models import Circulation, Loan, LoanExtension, ReadingPlace, ReadingSession
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


def refused(exc_type, code, call, audit_count, *models):
    """The call raises exc_type with `code`, writes no audit event and no row of `models`."""
    before = audit_count(), [m.objects.count() for m in models]
    with pytest.raises(exc_type) as info:
        call()
    assert (audit_count(), [m.objects.count() for m in models]) == before
    if code is not None:
        assert info.value.code == code, info.value.code
    return str(info.value.message)


# --- reading places ---------------------------------------------------------------------------------


def test_only_the_secrecy_office_registers_reading_places(org, audit_count):
    def make(actor):
        return services.create_place(actor=actor, name_zh="阅文室", name_en="Reading room", kind="reading_room",
                                     max_level=Level.SECRET)

    message = refused(Refused, "not_office", lambda: make(org.staff_core), audit_count, ReadingPlace)
    assert "secrecy office" in message
    place = make(org.clerk)
    assert place.unit == org.unit and AuditEvent.objects.filter(action="use.place_created").count() == 1


def test_a_place_withdrawn_from_use(org, room, doc, audit_count):
    services.update_place(actor=org.secretary, place_id=room.pk, is_active=False)
    assert refused(ValidationFailed, "place_inactive", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=room, rules_told=True,
    ), audit_count, ReadingSession)
    with pytest.raises(Refused):
        services.update_place(actor=org.staff_core, place_id=room.pk, is_active=True)


# --- reading sessions -------------------------------------------------------------------------------


def test_a_reading_session_is_recorded_and_ended(org, room, doc):
    session = services.record_session(actor=org.secretary, carrier=doc, reader=org.staff_core, place=room,
                                      rules_told=True, purpose="审阅")
    assert session.level == Level.SECRET and session.ended_at is None
    assert AuditEvent.objects.filter(action="carrier.read", target_id=str(doc.pk)).count() == 1
    services.end_session(actor=org.staff_core, session_id=session.pk)
    session.refresh_from_db()
    assert session.ended_at is not None
    with pytest.raises(Conflict):
        services.end_session(actor=org.secretary, session_id=session.pk)
    assert verify_chain().ok


@pytest.mark.parametrize(
    "reader, level, exc, code",
    [
        ("staff_important", Level.TOP_SECRET, Refused, "clearance"),  # in scope, cleared only for Secret
        ("head_gen", Level.SECRET, Refused, "out_of_scope"),  # cleared, but General Affairs is not in scope
        ("departed", Level.SECRET, Refused, "inactive"),
    ],
)
def test_a_reader_without_a_credential_is_refused(org, room, audit_count, reader, level, exc, code):
    carrier = register(org.secretary, container=org.safe, level=level, scope_departments=[org.res])
    refused(exc, code, lambda: services.record_session(
        actor=org.secretary, carrier=carrier, reader=getattr(org, reader), place=room, rules_told=True,
    ), audit_count, ReadingSession)


def test_reading_only_in_a_place_approved_for_the_level(org, office, room, doc, audit_count):
    message = refused(Refused, "place_level", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=office, rules_told=True,
    ), audit_count, ReadingSession)
    assert "approved for reading up to Confidential" in message
    other = ReadingPlace.objects.create(unit=org.other_unit, name_zh="乙", name_en="X room", kind="reading_room",
                                        max_level=Level.TOP_SECRET)
    refused(ValidationFailed, "place_unit", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=other, rules_told=True,
    ), audit_count, ReadingSession)


def test_the_reader_must_be_told_the_rules(org, room, doc, audit_count):
    message = refused(ValidationFailed, "rules_not_told", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=room, rules_told=False,
    ), audit_count, ReadingSession)
    assert "no recording, photographing or keeping" in message


def test_only_the_holder_or_the_office_records_reading(org, room, doc, audit_count):
    refused(Refused, "not_holder", lambda: services.record_session(
        actor=org.staff_core, carrier=doc, reader=org.staff_important, place=room, rules_told=True,
    ), audit_count, ReadingSession)
    # a carrier the actor may not see: as if it did not exist
    with pytest.raises(Http404):
        services.record_session(actor=org.staff_general, carrier=doc, reader=org.staff_core, place=room,
                                rules_told=True)


def test_session_times(org, room, doc, audit_count):
    now = timezone.now()
    refused(ValidationFailed, "future", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=room, rules_told=True,
        started_at=now + timedelta(hours=1),
    ), audit_count, ReadingSession)
    refused(ValidationFailed, "ends_before", lambda: services.record_session(
        actor=org.secretary, carrier=doc, reader=org.staff_core, place=room, rules_told=True,
        started_at=now - timedelta(hours=1), ended_at=now - timedelta(hours=2),
    ), audit_count, ReadingSession)
    done = services.record_session(actor=org.secretary, carrier=doc, reader=org.staff_core, place=room,
                                   rules_told=True, started_at=now - timedelta(hours=2),
                                   ended_at=now - timedelta(hours=1))
    assert done.ended_at < now


# --- circulation ------------------------------------------------------------------------------------


def circulate(org, doc, readers=None):
    readers = readers or [org.staff_core, org.staff_important, org.head_res]
    return services.start_circulation(actor=org.secretary, carrier=doc, readers=readers, note="请传阅")


def sign(org, circulation, user, **extra):
    return services.sign_circulation(actor=user, password=extra.pop("password", org.password),
                                     circulation_id=circulation.pk, **extra)


def test_circulation_goes_round_in_order_and_completes(org, doc):
    circulation = circulate(org, doc)
    assert selectors.circulations_to_sign(user=org.staff_core).get() == circulation
    assert not selectors.circulations_to_sign(user=org.staff_important).exists()
    sign(org, circulation, org.staff_core, pass_to=org.staff_important)
    sign(org, circulation, org.staff_important)
    circulation.refresh_from_db()
    assert circulation.status == Circulation.Status.IN_PROGRESS
    sign(org, circulation, org.head_res, pass_to=org.secretary)  # the last gives it back to the sender
    circulation.refresh_from_db()
    assert circulation.status == Circulation.Status.COMPLETED and circulation.completed_at
    rows = list(circulation.readers.order_by("position"))
    assert all(r.signature.meaning == Signature.Meaning.READ for r in rows)
    assert [r.signature.printed_name for r in rows] == ["staff_core-name", "staff_important-name", "head_res-name"]
    assert AuditEvent.objects.filter(action="use.circulation_completed").count() == 1
    people = {line["person"].pk for line in selectors.disclosures(user=org.secretary, carrier=doc)}
    assert people == {org.staff_core.pk, org.staff_important.pk, org.head_res.pk}
    assert verify_chain().ok


def test_circulation_readers_outside_scope_or_clearance_are_refused_with_reasons(org, doc, audit_count):
    message = refused(Refused, "readers_refused", lambda: circulate(
        org, doc, [org.staff_core, org.head_gen, org.staff_general, org.departed]
    ), audit_count, Circulation)
    assert "head_gen-name" in message and "outside the carrier's distribution scope" in message
    assert "staff_general-name" in message and "departed-name" in message and "staff_core-name" not in message
    refused(ValidationFailed, "duplicate", lambda: circulate(org, doc, [org.staff_core, org.staff_core]),
            audit_count, Circulation)
    refused(Refused, "not_holder", lambda: services.start_circulation(
        actor=org.staff_core, carrier=doc, readers=[org.staff_important]), audit_count, Circulation)


def test_one_circulation_at_a_time(org, doc, audit_count):
    circulate(org, doc)
    refused(Conflict, "circulating", lambda: circulate(org, doc), audit_count, Circulation)


def test_signing_out_of_turn_off_the_list_or_without_password(org, doc, audit_count):
    circulation = circulate(org, doc)
    refused(Conflict, "not_your_turn", lambda: sign(org, circulation, org.staff_important), audit_count,
            Signature)
    # the auditor may see the circulation but is not on the list
    refused(Refused, "not_on_list", lambda: sign(org, circulation, org.auditor), audit_count, Signature)
    # not on the list and may not see it: as if it did not exist
    with pytest.raises(Http404):
        sign(org, circulation, org.head_gen)
    # passing it on to someone off the list: refused, nothing signed
    message = refused(Refused, "off_the_list", lambda: sign(org, circulation, org.staff_core, pass_to=org.head_gen),
                      audit_count, Signature)
    assert "off the circulation list" in message
    refused(Conflict, "out_of_order", lambda: sign(org, circulation, org.staff_core, pass_to=org.head_res),
            audit_count, Signature)
    refused(ValidationFailed, None, lambda: sign(org, circulation, org.staff_core, password="wrong"),
            audit_count, Signature)
    sign(org, circulation, org.staff_core)
    refused(Conflict, "already_signed", lambda: sign(org, circulation, org.staff_core), audit_count, Signature)


def test_a_cancelled_circulation_takes_no_signatures(org, doc, audit_count):
    circulation = circulate(org, doc)
    with pytest.raises(Refused):
        services.cancel_circulation(actor=org.staff_core, circulation_id=circulation.pk, reason="x")
    services.cancel_circulation(actor=org.secretary, circulation_id=circulation.pk, reason="改为会议传达")
    refused(Conflict, "circulation_closed", lambda: sign(org, circulation, org.staff_core), audit_count, Signature)


# --- borrowing ----------------------------------------------------------------------------------------


def test_loan_moves_custody_by_handover_only(org, doc, flow):
    loan = flow.request(doc)
    assert loan.due_on == timezone.localdate() + timedelta(days=services.loan_default_days())
    flow.lend(loan)
    doc.refresh_from_db()
    loan.refresh_from_db()
    # lent but not yet signed for: still the lender's, in custody
    assert (doc.holder_id, doc.status, loan.status) == (org.secretary.pk, "in_custody", "lending")
    assert loan.lend_handover.kind == Handover.Kind.LENDING and loan.lender_id == org.secretary.pk
    flow.accept(loan)
    doc.refresh_from_db()
    loan.refresh_from_db()
    assert (doc.holder_id, doc.status, loan.status) == (org.staff_core.pk, "on_loan", "on_loan")
    flow.give_back(loan)
    doc.refresh_from_db()
    loan.refresh_from_db()
    # returned but not yet signed for by the lender: still the borrower's, on loan
    assert (doc.holder_id, doc.status, loan.status) == (org.staff_core.pk, "on_loan", "returning")
    assert loan.return_handover.kind == Handover.Kind.RETURN and loan.return_handover.taker_id == org.secretary.pk
    flow.take_back(loan)
    doc.refresh_from_db()
    loan.refresh_from_db()
    assert (doc.holder_id, doc.status, doc.container_id) == (org.secretary.pk, "in_custody", org.cabinet.pk)
    assert loan.status == "returned" and loan.returned_at
    custody = AuditEvent.objects.filter(action="carrier.custody_changed", target_id=str(doc.pk))
    assert [e.details["kind"] for e in custody.order_by("seq")] == ["lending", "return"]
    lines = selectors.disclosures(user=org.secretary, carrier=doc)
    assert [(line["kind"], line["person"].pk) for line in lines] == [("loan", org.staff_core.pk)]
    assert verify_chain().ok


@pytest.mark.parametrize(
    "borrower, code",
    [("staff_general", "clearance"), ("head_gen", "out_of_scope"), ("departed", "inactive")],
)
def test_borrowing_without_a_credential_is_refused(org, doc, flow, audit_count, borrower, code):
    """The secrecy office asks for a borrower who shows their credential: refused with the reason."""
    message = refused(Refused, code, lambda: services.request_loan(
        actor=org.secretary, carrier=doc, purpose="借阅", borrower=getattr(org, borrower),
    ), audit_count, Loan)
    assert "borrower" in message.lower()


def test_a_carrier_the_borrower_may_not_see_is_missing(org, doc):
    with pytest.raises(Http404):
        services.request_loan(actor=org.staff_general, carrier=doc, purpose="借阅")


def test_only_the_borrower_or_the_office_asks(org, doc, audit_count):
    refused(Refused, "not_for_others", lambda: services.request_loan(
        actor=org.staff_core, carrier=doc, purpose="代借", borrower=org.staff_important,
    ), audit_count, Loan)


def test_due_date_default_and_maximum(org, doc, flow, audit_count, settings):
    settings.REGISTRY = {**settings.REGISTRY, "LOAN_MAX_DAYS": 10, "LOAN_DEFAULT_DAYS": 7}
    today = timezone.localdate()
    refused(ValidationFailed, "due_too_far", lambda: flow.request(doc, due_on=today + timedelta(days=11)),
            audit_count, Loan)
    refused(ValidationFailed, "due_past", lambda: flow.request(doc, due_on=today), audit_count, Loan)
    assert flow.request(doc).due_on == today + timedelta(days=7)
    refused(Conflict, "loan_open", lambda: flow.request(doc), audit_count, Loan)
    assert flow.request(doc, org.staff_important, due_on=today + timedelta(days=10)).due_on == today + timedelta(days=10)


def test_only_the_holder_in_the_secrecy_office_lends(org, doc, flow, audit_count):
    loan = flow.request(doc)
    refused(Refused, "not_holder", lambda: flow.lend(loan, actor=org.clerk), audit_count, Handover)
    mine = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res])
    carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.head_res, carriers=[mine],
                                    declared_count=1)
    handover = Handover.objects.get(items__carrier=mine)
    carrier_services.accept_handover(actor=org.head_res, password=org.password, handover_id=handover.pk,
                                     counted_count=1, container=org.cabinet)
    other = flow.request(mine)
    refused(Refused, "not_office", lambda: flow.lend(other, actor=org.head_res), audit_count, Handover)


def test_the_credential_is_checked_again_when_lending(org, doc, flow, audit_count):
    loan = flow.request(doc, org.staff_important)
    from personnel.models import Person

    Person.objects.filter(user=org.staff_important).update(secrecy_post="general")
    refused(Refused, "clearance", lambda: flow.lend(loan), audit_count, Handover)


def test_only_the_borrower_signs_for_it(org, doc, flow, audit_count):
    loan = flow.request(doc)
    flow.lend(loan)
    refused(Refused, "not_borrower", lambda: flow.accept(loan, actor=org.secretary), audit_count, Signature)
    with pytest.raises(Http404):  # may not see the loan at all
        flow.accept(loan, actor=org.staff_important)
    refused(ValidationFailed, "count_mismatch", lambda: services.accept_loan(
        actor=org.staff_core, password=org.password, loan_id=loan.pk, counted_count=2), audit_count, Signature)


def test_return_to_the_lender_only(org, doc, flow, audit_count):
    loan = flow.on_loan(doc)
    message = refused(Refused, "not_lender", lambda: flow.give_back(loan, taker=org.clerk), audit_count, Handover)
    assert "returned to the lender only" in message
    flow.give_back(loan, taker=org.secretary)
    refused(Refused, "not_lender", lambda: flow.take_back(loan, actor=org.clerk), audit_count, Signature)
    refused(Conflict, "loan_status", lambda: flow.give_back(loan), audit_count, Handover)


def test_a_borrower_cannot_pass_the_carrier_on(org, doc, flow, audit_count):
    """The state machine and the handover table refuse any transfer or dispatch of a carrier on
    loan: only a return to the lender."""
    flow.on_loan(doc)
    doc.refresh_from_db()
    for kind in ("transfer", "dispatch", "lending", "carry_out", "storage"):
        refused(Conflict, "bad_status", lambda kind=kind: carrier_services.start_handover(
            actor=org.staff_core, password=org.password, taker=org.staff_important, carriers=[doc], declared_count=1,
            kind=kind,
        ), audit_count, Handover)
    # nor lend it on as a borrower
    refused(Conflict, "bad_transition", lambda: carrier_services.transition(
        carrier=doc, to_status="carried_out", actor=org.staff_core), audit_count)
    doc.refresh_from_db()
    assert doc.holder_id == org.staff_core.pk and doc.status == "on_loan"


def test_a_borrower_cannot_ask_for_what_they_hold_and_a_lent_carrier_is_not_lent_twice(org, doc, flow, audit_count):
    loan = flow.on_loan(doc)
    refused(Conflict, "already_holder", lambda: flow.request(doc), audit_count, Loan)
    second = flow.request(doc, org.staff_important)
    refused(Refused, "not_holder", lambda: flow.lend(second), audit_count, Handover)
    assert loan.status == "on_loan"


def test_cancelling_before_it_is_handed_over(org, doc, flow, audit_count):
    loan = flow.request(doc)
    services.cancel_loan(actor=org.staff_core, loan_id=loan.pk, reason="不需要了")
    loan.refresh_from_db()
    assert loan.status == "cancelled"
    lent = flow.request(doc)
    flow.lend(lent)
    refused(Refused, "may_not_cancel", lambda: services.cancel_loan(actor=org.staff_core, loan_id=lent.pk),
            audit_count, Loan)
    services.cancel_loan(actor=org.secretary, loan_id=lent.pk, reason="借阅人未到")
    lent.refresh_from_db()
    assert lent.status == "cancelled" and lent.lend_handover.status == "cancelled"
    # the carrier is free again
    flow.on_loan(doc)
    on_loan = Loan.objects.get(status="on_loan")
    refused(Conflict, "loan_status", lambda: services.cancel_loan(actor=org.secretary, loan_id=on_loan.pk),
            audit_count, Loan)


def test_no_loan_while_circulating(org, doc, flow, audit_count):
    loan = flow.request(doc)
    circulate(org, doc)
    refused(Conflict, "circulating", lambda: flow.lend(loan), audit_count, Handover)


# --- extensions -------------------------------------------------------------------------------------------


def decide(org, extension, outcome, reason=""):
    return approvals.decide(actor=org.head_res, request_id=extension.approval_id, outcome=outcome,
                            password=org.password, reason=reason)


def test_an_approved_extension_moves_the_due_date(org, doc, flow):
    loan = flow.on_loan(doc)
    later = loan.due_on + timedelta(days=5)
    extension = services.request_extension(actor=org.staff_core, loan_id=loan.pk, due_on=later, reason="项目延期")
    assert extension.approval.kind == "loan_extension" and extension.approval.level == Level.SECRET
    assert doc.title not in extension.approval.title
    decide(org, extension, "approve")
    loan.refresh_from_db()
    extension.refresh_from_db()
    assert loan.due_on == later and extension.status == LoanExtension.Status.APPROVED
    assert AuditEvent.objects.filter(action="use.extension_decided", details__moved=True).count() == 1


def test_a_rejected_extension_leaves_the_due_date(org, doc, flow):
    loan = flow.on_loan(doc)
    due = loan.due_on
    extension = services.request_extension(actor=org.staff_core, loan_id=loan.pk, due_on=due + timedelta(days=3),
                                           reason="再看几天")
    decide(org, extension, "reject", reason="按期归还")
    loan.refresh_from_db()
    extension.refresh_from_db()
    assert loan.due_on == due and extension.status == LoanExtension.Status.REJECTED


def test_extension_refusals(org, doc, flow, audit_count, settings):
    loan = flow.request(doc)
    refused(Conflict, "loan_status", lambda: services.request_extension(
        actor=org.staff_core, loan_id=loan.pk, due_on=loan.due_on + timedelta(days=1), reason="x"),
        audit_count, LoanExtension)
    flow.lend(loan)
    flow.accept(loan)
    refused(ValidationFailed, "not_later", lambda: services.request_extension(
        actor=org.staff_core, loan_id=loan.pk, due_on=loan.due_on, reason="x"), audit_count, LoanExtension)
    refused(ValidationFailed, "due_too_far", lambda: services.request_extension(
        actor=org.staff_core, loan_id=loan.pk, due_on=timezone.localdate() + timedelta(days=400), reason="x"),
        audit_count, LoanExtension)
    refused(Refused, "not_borrower", lambda: services.request_extension(
        actor=org.secretary, loan_id=loan.pk, due_on=loan.due_on + timedelta(days=1), reason="x"),
        audit_count, LoanExtension)
    services.request_extension(actor=org.staff_core, loan_id=loan.pk, due_on=loan.due_on + timedelta(days=1),
                               reason="x")
    refused(Conflict, "extension_pending", lambda: services.request_extension(
        actor=org.staff_core, loan_id=loan.pk, due_on=loan.due_on + timedelta(days=2), reason="y"),
        audit_count, LoanExtension)


def test_carrier_statuses_seen_by_the_state_machine(org, doc, flow):
    loan = flow.on_loan(doc)
    assert Carrier.objects.get(pk=doc.pk).status == Carrier.Status.ON_LOAN
    flow.give_back(loan)
    flow.take_back(loan)
    moves = AuditEvent.objects.filter(action="carrier.status_changed", target_id=str(doc.pk)).order_by("seq")
    assert [(e.details["from"], e.details["to"]) for e in moves] == [("in_custody", "on_loan"),
                                                                      ("on_loan", "in_custody")]
