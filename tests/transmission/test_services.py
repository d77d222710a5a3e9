"""R2 through the services: each clause refused when violated (with nothing written) and allowed
when met; counted receipt; discrepancies and their resolution; the audit chain stays whole."""


import pytest
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent, Signature
from audit.selectors import verify_chain
from carriers import services as carrier_services
from carriers.models import Carrier, Handover, HandoverItem
from carriers.transmission import services
from carriers.transmission.models import Dispatch, DispatchDiscrepancy, TransmissionNotice
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import audit_count_but_security, register

from .helpers import receive, send


def state():
    return (
        audit_count_but_security(), Signature.objects.count(), Dispatch.objects.count(), Handover.objects.count(),
        DispatchDiscrepancy.objects.count(), TransmissionNotice.objects.count(),
        sorted(Carrier.objects.values_list("pk", "holder_id", "status", "container_id")),
        sorted(HandoverItem.objects.values_list("pk", "is_open")),
    )


def nothing_written(fn, exc, match=None):
    before = state()
    with pytest.raises(exc, match=match):
        fn()
    assert state() == before


def fresh(carriers):
    return list(Carrier.objects.filter(pk__in=[c.pk for c in carriers]).order_by("pk"))


# --- dispatch ---------------------------------------------------------------------------------


def test_dispatch_registers_numbers_signs_and_puts_carriers_in_transit(org, outbound):
    sent = send(org, outbound[:2])
    year = timezone.localdate().year
    assert sent.number == f"U-FS-{year}-000001" and sent.sending_unit == org.unit and sent.receiving_unit == org.other_unit
    assert sent.status == Dispatch.Status.IN_TRANSIT and sent.level == Level.SECRET and sent.declared_count == 2
    assert sent.handover.kind == "dispatch" and sent.handover.channel == "confidential_courier"
    assert sent.handover.giver_signature.signer == org.secretary
    assert sent.handover.giver_signature.meaning == Signature.Meaning.HANDED_OVER
    for carrier in fresh(outbound[:2]):
        assert carrier.status == Carrier.Status.IN_TRANSIT and carrier.holder == org.secretary
    assert fresh(outbound[2:])[0].status == Carrier.Status.IN_CUSTODY
    event = AuditEvent.objects.get(action="dispatch.sent")
    assert event.details["number"] == sent.number and len(event.details["carriers"]) == 2
    # numbers are gap-free per sending unit and year
    assert send(org, outbound[2:]).number == f"U-FS-{year}-000002"
    assert verify_chain().ok


def test_ordinary_mail_is_refused_and_the_confidential_channels_allowed(org, outbound):
    nothing_written(lambda: send(org, outbound[:1], channel="ordinary_mail"), Refused, "ordinary mail")
    assert send(org, outbound[:1], channel="confidential_communication").channel == "confidential_communication"
    assert send(org, outbound[1:2], channel="confidential_courier").channel == "confidential_courier"


def test_recipient_outside_the_scope_is_refused(org):
    in_unit_only = register(org.secretary, container=org.cabinet, scope_departments=[org.res])
    nothing_written(lambda: send(org, [in_unit_only]), Refused, "outside the distribution scope")


def test_one_carrier_out_of_scope_refuses_the_whole_dispatch(org, outbound):
    in_unit_only = register(org.secretary, container=org.cabinet, copy_number="000003")
    nothing_written(lambda: send(org, [outbound[0], in_unit_only]), Refused, in_unit_only.registry_number)


def test_named_person_of_another_unit_may_receive_only_when_named(org, x_staff):
    named = register(org.secretary, container=org.cabinet, scope_people=[x_staff])
    not_named = register(org.secretary, container=org.cabinet, copy_number="000002", scope_units=[org.other_unit])
    # the unit is in scope, but x_staff is not its secrecy office: the unit's scope reaches the office only
    nothing_written(lambda: send(org, [not_named], recipient=x_staff), Refused, "outside the distribution scope")
    sent = send(org, [named], recipient=x_staff)
    assert sent.recipient == x_staff and sent.receiving_unit == org.other_unit


def test_recipient_in_the_own_unit_is_refused(org, outbound):
    nothing_written(lambda: send(org, outbound[:1], recipient=org.clerk), ValidationFailed, "own unit")


def test_only_the_secrecy_office_dispatches(org):
    carrier = register(org.secretary, container=org.cabinet, scope_units=[org.other_unit], scope_departments=[org.res])
    handover = carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.staff_core,
                                               carriers=[carrier], declared_count=1)
    carrier_services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk,
                                     counted_count=1, container=org.cabinet)
    nothing_written(lambda: send(org, [carrier], actor=org.staff_core), Refused, "secrecy office")


def test_only_the_holder_dispatches(org, outbound):
    nothing_written(lambda: send(org, outbound[:1], actor=org.clerk), Conflict, "do not hold")


def test_count_must_match_the_list(org, outbound):
    nothing_written(lambda: send(org, outbound[:2], count=3), ValidationFailed, "does not match the 2 carriers")


def test_wrong_password_writes_nothing(org, outbound):
    nothing_written(lambda: send(org, outbound[:1], password="wrong"), ValidationFailed, "password")


def test_a_carrier_in_transit_cannot_be_dispatched_again(org, outbound):
    send(org, outbound[:1])
    nothing_written(lambda: send(org, outbound[:1]), Conflict)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"route": "专车，经长安街", "protective_measures": "密封箱，两人同行"}, "courier"),
        ({"courier": "staff_core", "protective_measures": "密封箱，两人同行"}, "route"),
        ({"courier": "staff_core", "route": "专车，经长安街"}, "protective_measures"),
    ],
)
def test_hand_delivery_needs_courier_route_and_measures(org, outbound, extra, field):
    extra = {k: getattr(org, v) if k == "courier" else v for k, v in extra.items()}
    with pytest.raises(ValidationFailed) as info:
        send(org, outbound[:1], channel="hand_delivery", **extra)
    assert field in info.value.errors
    assert Dispatch.objects.count() == 0


def test_hand_delivery_needs_a_cleared_courier_of_the_sending_unit(org, outbound):
    measures = {"route": "专车，经长安街", "protective_measures": "密封箱，两人同行"}
    nothing_written(lambda: send(org, outbound[:1], channel="hand_delivery", courier=org.staff_general, **measures),
                    Refused, "clearance")
    nothing_written(lambda: send(org, outbound[:1], channel="hand_delivery", courier=org.other_secretary, **measures),
                    Refused, "sending unit")
    sent = send(org, outbound[:1], channel="hand_delivery", courier=org.staff_core, **measures)
    assert sent.courier == org.staff_core and sent.route == measures["route"]
    assert sent.protective_measures == measures["protective_measures"]


def test_abroad_needs_the_diplomatic_courier_or_an_approval(org, outbound):
    nothing_written(lambda: send(org, outbound[:1], is_abroad=True), Refused, "diplomatic courier")
    sent = send(org, outbound[:1], channel="diplomatic_courier", destination="驻外使馆")
    assert sent.is_abroad and sent.channel == "diplomatic_courier"


def test_abroad_with_an_approval_uses_it_once(org, outbound, abroad_approval):
    sent = send(org, outbound[:1], is_abroad=True, approval=abroad_approval, destination="境外合作方")
    abroad_approval.refresh_from_db()
    assert sent.approval == abroad_approval and abroad_approval.consumed_at is not None
    assert AuditEvent.objects.filter(action="approval.consumed", target_id=str(abroad_approval.pk)).count() == 1
    # a used approval does not carry a second dispatch
    nothing_written(lambda: send(org, outbound[1:2], is_abroad=True, approval=abroad_approval), Conflict, "already been used")


def test_abroad_approval_must_be_approved_fitting_and_of_the_right_kind(org, outbound, abroad_approval):
    from approvals.models import ApprovalRequest

    abroad_approval.status = ApprovalRequest.Status.IN_REVIEW
    abroad_approval.save()
    nothing_written(lambda: send(org, outbound[:1], is_abroad=True, approval=abroad_approval), Refused, "not been approved")
    abroad_approval.status = ApprovalRequest.Status.APPROVED
    abroad_approval.level = Level.CONFIDENTIAL
    abroad_approval.save()
    nothing_written(lambda: send(org, outbound[:1], is_abroad=True, approval=abroad_approval), Refused, "covers carriers up to")
    abroad_approval.level = Level.SECRET
    abroad_approval.kind = "carrying_out"
    abroad_approval.save()
    nothing_written(lambda: send(org, outbound[:1], is_abroad=True, approval=abroad_approval), ValidationFailed,
                    "not for carrying abroad")
    abroad_approval.kind = "carrying_abroad"
    abroad_approval.save()
    # an approval at home is not needed and is not spent
    nothing_written(lambda: send(org, outbound[:1], approval=abroad_approval), ValidationFailed, "only for dispatches abroad")


def test_the_database_refuses_ordinary_mail_and_unarranged_hand_delivery(org, outbound):
    """The rules are backed by CHECK constraints: no code path can store a forbidden dispatch."""
    from django.db import IntegrityError, transaction

    sent = send(org, outbound[:1])
    for change in ({"channel": "ordinary_mail"}, {"channel": "hand_delivery"}, {"is_abroad": True}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dispatch.objects.filter(pk=sent.pk).update(**change)


# --- receipt ----------------------------------------------------------------------------------


def test_counted_receipt_moves_custody_to_the_recipient(org, outbound):
    sent = send(org, outbound[:2])
    received = receive(org, sent)
    year = timezone.localdate().year
    assert received.status == Dispatch.Status.RECEIVED and received.receipt_number == f"X-SW-{year}-000001"
    assert received.received_by == org.other_secretary and received.counted_count == 2
    handover = Handover.objects.get(pk=sent.handover_id)
    assert handover.status == "completed" and handover.taker_signature.signer == org.other_secretary
    assert handover.taker_signature.meaning == Signature.Meaning.RECEIVED
    for carrier in fresh(outbound[:2]):
        assert carrier.status == Carrier.Status.IN_CUSTODY
        assert carrier.holder == org.other_secretary and carrier.container == org.other_safe
    assert not HandoverItem.objects.filter(handover=handover, is_open=True).exists()
    assert TransmissionNotice.objects.count() == 0
    assert verify_chain().ok


def test_receiving_twice_is_refused(org, outbound):
    sent = send(org, outbound[:1])
    receive(org, sent)
    nothing_written(lambda: receive(org, sent), Conflict, "already been received")


def test_count_that_does_not_match_without_a_discrepancy_is_refused(org, outbound):
    sent = send(org, outbound[:2])
    nothing_written(lambda: receive(org, sent, counted=1), ValidationFailed, "does not match the 2 carriers")
    nothing_written(lambda: receive(org, sent, counted=2, carriers=[outbound[0].pk]), ValidationFailed, "does not match the list")
    nothing_written(lambda: receive(org, sent, unexpected=["X-1 秘密 不明文件"], counted=3), ValidationFailed)
    assert Dispatch.objects.get(pk=sent.pk).status == Dispatch.Status.IN_TRANSIT


def test_only_the_recipient_receives(org, outbound):
    sent = send(org, outbound[:1])
    nothing_written(lambda: receive(org, sent, actor=org.secretary), Refused, "Only the recipient")
    nothing_written(lambda: receive(org, sent, actor=org.staff_general), Http404)


def test_receipt_checks_the_container_and_the_list(org, outbound):
    sent = send(org, outbound[:1])
    nothing_written(lambda: receive(org, sent, container=org.cabinet), ValidationFailed, "another unit")
    nothing_written(lambda: receive(org, sent, carriers=[outbound[0].pk, outbound[1].pk], discrepancy_note="x"),
                    ValidationFailed, "not on this dispatch")


def test_wrong_password_on_receipt_writes_nothing(org, outbound):
    sent = send(org, outbound[:2])
    nothing_written(lambda: receive(org, sent, password="wrong"), ValidationFailed, "password")
    nothing_written(lambda: receive(org, sent, password="wrong", counted=1, discrepancy_note="少一份"),
                    ValidationFailed, "password")


# --- discrepancies ------------------------------------------------------------------------------


@pytest.fixture
def short_receipt(org, outbound):
    """Three sent, two arrived and counted; the difference recorded."""
    sent = send(org, outbound)
    return receive(org, sent, counted=2, carriers=[outbound[0].pk, outbound[1].pk],
                   discrepancy_note="封装完好，但只有两份")


def test_a_recorded_difference_splits_custody_and_tells_both_offices(org, outbound, short_receipt):
    sent = short_receipt
    assert sent.status == Dispatch.Status.DISCREPANCY and sent.counted_count == 2
    arrived, missing = fresh(outbound[:2]), fresh(outbound[2:])[0]
    assert all(c.holder == org.other_secretary and c.status == "in_custody" for c in arrived)
    assert missing.holder == org.secretary and missing.status == "in_transit"
    [row] = DispatchDiscrepancy.objects.filter(dispatch=sent)
    assert row.kind == "missing" and row.carrier_id == missing.pk and row.is_open
    # the missing carrier is still being handed over: it cannot go anywhere else meanwhile
    assert HandoverItem.objects.get(handover_id=sent.handover_id, carrier=missing).is_open
    told = set(TransmissionNotice.objects.filter(dispatch=sent, kind="discrepancy").values_list("recipient__username", flat=True))
    assert told == {"secretary", "clerk", "other_secretary"}
    signature = Handover.objects.get(pk=sent.handover_id).taker_signature
    assert signature.signer == org.other_secretary and signature.meaning == "received"
    event = AuditEvent.objects.get(action="dispatch.received")
    assert event.details["missing"] == [missing.registry_number] and event.details["note"] == "封装完好，但只有两份"
    assert verify_chain().ok


def test_unexpected_and_count_differences_are_recorded(org, outbound):
    sent = send(org, outbound[:2])
    receive(org, sent, counted=3, unexpected=["Y-2026-000009 机密★10年 未列入清单"], discrepancy_note="多一份")
    rows = list(DispatchDiscrepancy.objects.filter(dispatch=sent).order_by("pk"))
    assert [r.kind for r in rows] == ["unexpected"] and "未列入清单" in rows[0].description

    other = send(org, [outbound[2]])
    receive(org, other, counted=2, discrepancy_note="计数为二")
    [row] = DispatchDiscrepancy.objects.filter(dispatch=other)
    assert row.kind == "count" and row.counted_count == 2 and row.expected_count == 1
    assert fresh([outbound[2]])[0].holder == org.other_secretary  # it arrived: the recipient holds it


def resolve(org, dispatch, row, *, actor, resolution, note="已查明", container=None, password=None):
    return services.resolve_discrepancy(
        actor=actor, password=password or org.password, dispatch_id=dispatch.pk, discrepancy_id=row.pk,
        resolution=resolution, note=note, container=container,
    )


def test_missing_carrier_found_is_received_with_a_signature(org, outbound, short_receipt):
    row = DispatchDiscrepancy.objects.get(dispatch=short_receipt)
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.secretary, resolution="found"), Refused, "recipient")
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.other_secretary, resolution="found", note=" "),
                    ValidationFailed, "how the discrepancy")
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.other_secretary, resolution="found"),
                    ValidationFailed, "container")
    resolve(org, short_receipt, row, actor=org.other_secretary, resolution="found", note="夹在另一封中，已找到",
            container=org.other_safe)
    row.refresh_from_db()
    carrier = fresh(outbound[2:])[0]
    assert row.resolution == "found" and row.resolved_by == org.other_secretary and row.signature.meaning == "received"
    assert carrier.status == "in_custody" and carrier.holder == org.other_secretary and carrier.container == org.other_safe
    assert not HandoverItem.objects.filter(handover_id=short_receipt.handover_id, is_open=True).exists()
    sent = Dispatch.objects.get(pk=short_receipt.pk)
    assert sent.status == Dispatch.Status.RESOLVED and sent.resolved_at is not None
    assert TransmissionNotice.objects.filter(dispatch=sent, kind="resolved").count() == 3
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.other_secretary, resolution="lost"),
                    Conflict, "already been resolved")
    assert verify_chain().ok


def test_missing_carrier_lost_by_either_office(org, outbound, short_receipt):
    row = DispatchDiscrepancy.objects.get(dispatch=short_receipt)
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.staff_core, resolution="lost"), Http404)
    resolve(org, short_receipt, row, actor=org.other_secretary, resolution="lost", note="运输途中遗失，已报告")
    carrier = fresh(outbound[2:])[0]
    assert carrier.status == Carrier.Status.LOST and carrier.holder == org.secretary
    assert AuditEvent.objects.filter(action="carrier.status_changed", target_id=str(carrier.pk),
                                     details__to="lost").count() == 1
    assert Dispatch.objects.get(pk=short_receipt.pk).status == Dispatch.Status.RESOLVED


def test_missing_carrier_returned_only_by_the_sending_office(org, outbound, short_receipt):
    row = DispatchDiscrepancy.objects.get(dispatch=short_receipt)
    nothing_written(lambda: resolve(org, short_receipt, row, actor=org.other_secretary, resolution="returned"),
                    Refused, "sending unit")
    resolve(org, short_receipt, row, actor=org.clerk, resolution="returned", note="未装入封套，留在本单位")
    carrier = fresh(outbound[2:])[0]
    assert carrier.status == "in_custody" and carrier.holder == org.secretary and carrier.container == org.cabinet
    # back home it can be sent again
    again = send(org, [carrier])
    assert again.status == Dispatch.Status.IN_TRANSIT


def test_unexpected_item_cannot_be_lost(org, outbound):
    sent = send(org, outbound[:1])
    receive(org, sent, counted=2, unexpected=["无编号光盘一张"], discrepancy_note="多出一张光盘")
    row = DispatchDiscrepancy.objects.get(dispatch=sent)
    nothing_written(lambda: resolve(org, sent, row, actor=org.other_secretary, resolution="lost"), ValidationFailed)
    resolve(org, sent, row, actor=org.other_secretary, resolution="returned", note="已退回发文单位")
    assert Dispatch.objects.get(pk=sent.pk).status == Dispatch.Status.RESOLVED


def test_numbers_are_per_unit(org, outbound):
    """Unit X's own dispatches start at 000001 too; receipts are numbered by the receiving unit."""
    sent = send(org, outbound[:1])
    receive(org, sent)
    back = services.dispatch(actor=org.other_secretary, password=org.password, recipient=org.secretary,
                             carriers=[outbound[0]], declared_count=1, channel="confidential_communication")
    year = timezone.localdate().year
    assert back.number == f"X-FS-{year}-000001"
    assert receive(org, back, actor=org.secretary, container=org.cabinet).receipt_number == f"U-SW-{year}-000001"


def test_nothing_arrived_is_a_recorded_discrepancy(org, outbound):
    sent = send(org, outbound[:2])
    received = receive(org, sent, counted=0, carriers=[], container=None, discrepancy_note="封套为空")
    assert received.status == Dispatch.Status.DISCREPANCY and received.container is None
    assert sorted(DispatchDiscrepancy.objects.filter(dispatch=sent).values_list("kind", flat=True)) == ["missing", "missing"]
    assert all(c.status == "in_transit" and c.holder == org.secretary for c in fresh(outbound[:2]))
    assert Handover.objects.get(pk=sent.handover_id).taker_signature.signer == org.other_secretary


def test_a_named_person_receives_into_their_units_container(org, x_staff):
    carrier = register(org.secretary, container=org.cabinet, scope_people=[x_staff])
    sent = send(org, [carrier], recipient=x_staff)
    nothing_written(lambda: receive(org, sent), Refused, "Only the recipient")  # X's office is not the recipient
    receive(org, sent, actor=x_staff)
    carrier.refresh_from_db()
    assert carrier.holder == x_staff and carrier.container == org.other_safe and carrier.status == "in_custody"
