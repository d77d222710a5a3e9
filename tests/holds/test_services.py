"""Holds through the services: placed by the secrecy office with a reason, each stage refused on a
held carrier with the hold's number and reason and nothing written, lifted with a signature, and
what a loss incident offers."""

import pytest
from django.http import Http404

from audit.models import AuditEvent, Signature
from carriers.carrying import services as carrying
from carriers.copying import services as copying
from carriers.declassification import services as declassification
from carriers.destruction import services as destruction
from carriers.destruction.models import DestructionRequest
from carriers.holds import services
from carriers.holds.models import Hold, HoldItem
from carriers.models import Carrier
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from incidents import services as incidents
from tests.destruction.conftest import approve_all as approve_destruction
from tests.destruction.conftest import execute
from tests.factories import register
from tests.transmission.helpers import send

from .conftest import place


def test_placing_a_hold_is_audited_and_numbered(org, held):
    hold = held.hold
    assert hold.number.startswith("HOLD-U-") and hold.unit_id == org.unit.pk and hold.is_active
    assert (hold.kind, hold.level, hold.carrier_count) == ("inspection", Level.SECRET, 2)
    assert set(HoldItem.objects.filter(hold=hold, is_active=True).values_list("carrier_id", flat=True)) == {
        c.pk for c in held.papers[:2]}
    event = AuditEvent.objects.get(action="hold.placed", target_id=str(hold.pk))
    assert event.details["carriers"] == sorted(c.registry_number for c in held.papers[:2])
    assert event.details["reason"] == "保密检查发现登记不符，待核查" and event.actor_id == org.secretary.pk


@pytest.mark.parametrize("who", ["staff_core", "head_res", "auditor", "unit_head"])
def test_only_the_secrecy_office_places_holds(org, held, audit_count, who):
    before = (audit_count(), Hold.objects.count())
    with pytest.raises(Refused):
        place(org, [held.free], actor=getattr(org, who))
    assert (audit_count(), Hold.objects.count()) == before


@pytest.mark.parametrize("fields,field", [
    ({"reason": "   "}, "reason"),
    ({"kind": "whim"}, "kind"),
    ({"kind": "incident"}, "incident"),
])
def test_bad_input_is_refused_per_field_and_writes_nothing(org, held, audit_count, fields, field):
    before = (audit_count(), Hold.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        place(org, [held.free], **fields)
    assert field in exc.value.errors
    assert (audit_count(), Hold.objects.count()) == before


def test_a_carrier_the_office_may_not_open_cannot_be_held(org, held, audit_count):
    theirs = register(org.other_secretary, container=org.other_safe, level=Level.SECRET)
    before = (audit_count(), Hold.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        place(org, [held.free, theirs])
    assert "carriers" in exc.value.errors and theirs.registry_number not in str(exc.value.errors)
    with pytest.raises(ValidationFailed):
        place(org, [])
    assert (audit_count(), Hold.objects.count()) == before


def _refusal_names_the_hold(exc, hold, carrier):
    text = str(exc.value.message)
    assert exc.value.code == "carrier_held" and exc.value.status == 409
    assert hold.number in text and hold.reason in text and carrier.registry_number in text


def test_a_held_carrier_is_not_put_up_for_destruction(org, held, audit_count):
    before = (audit_count(), DestructionRequest.objects.count())
    with pytest.raises(Conflict) as exc:
        destruction.submit_destruction_request(actor=org.secretary, carriers=[held.papers[0], held.free],
                                               reason="过期", method="shredding", route="in_house")
    _refusal_names_the_hold(exc, held.hold, held.papers[0])
    assert held.free.registry_number not in str(exc.value.message)
    assert (audit_count(), DestructionRequest.objects.count()) == before


def test_a_hold_placed_after_approval_stops_the_destruction(org, head_sec, audit_count):
    papers = [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}")
              for i in (1, 2)]
    request = approve_destruction(org, destruction.submit_destruction_request(
        actor=org.secretary, carriers=papers, reason="过期", method="shredding", route="in_house"), head_sec)
    hold = place(org, [papers[1]], kind="legal", reason="诉讼证据保全")
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        execute(org, request)
    _refusal_names_the_hold(exc, hold, papers[1])
    assert audit_count() == before
    assert set(Carrier.objects.filter(pk__in=[p.pk for p in papers]).values_list("status", flat=True)) == {
        "pending_destruction"}
    services.lift_hold(actor=org.clerk, password=org.password, hold_id=hold.pk, reason="诉讼终结")
    assert execute(org, request).status == "destroyed"


@pytest.mark.parametrize("outcome,extra", [
    ("declassify", {}),
    ("downgrade", {"new_level": Level.CONFIDENTIAL}),
])
def test_a_held_carrier_is_not_declassified_or_downgraded(org, held, audit_count, outcome, extra):
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        declassification.propose_review(actor=org.staff_core, carrier=held.papers[0], outcome=outcome,
                                        reason="保密期限届满", **extra)
    _refusal_names_the_hold(exc, held.hold, held.papers[0])
    assert audit_count() == before


def test_extending_a_held_carriers_period_is_allowed(org, held):
    review = declassification.propose_review(actor=org.staff_core, carrier=held.papers[0], outcome="extend",
                                             reason="仍需保密", new_secrecy_years=15)
    assert review.pk


def test_a_held_carrier_is_not_copied_or_extracted(org, held, audit_count):
    copying.record_licence(actor=org.secretary, unit=org.unit, licensed_on=held.papers[0].period_start,
                           granted_by="国家保密局", licence_number="复制许可-2026-09")
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        copying.submit_copy_request(actor=org.staff_core, source=held.papers[0], copies=2, purpose="讨论")
    _refusal_names_the_hold(exc, held.hold, held.papers[0])
    assert audit_count() == before
    # the free one may be asked for
    assert copying.submit_copy_request(actor=org.staff_core, source=held.free, copies=2, purpose="讨论").pk


def test_a_held_carrier_is_not_sent_outside_the_unit(org, held, audit_count):
    Carrier.scope_units.through.objects.create(carrier_id=held.papers[1].pk, unit_id=org.other_unit.pk)
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        send(org, [held.papers[1]])
    _refusal_names_the_hold(exc, held.hold, held.papers[1])
    assert audit_count() == before and Carrier.objects.get(pk=held.papers[1].pk).status == "in_custody"


def test_a_held_carrier_is_not_carried_out(org, held, audit_count):
    """Not asked for, and not checked out when the hold came after the approval (the carrier stays
    on the premises while it is examined)."""
    from carriers.carrying.models import CarryOutRequest
    from tests.carrying.conftest import approve_all as approve_carry
    from tests.carrying.conftest import submit as submit_carry

    before = audit_count()
    with pytest.raises(Conflict) as exc:
        submit_carry(org, [held.papers[0]])
    _refusal_names_the_hold(exc, held.hold, held.papers[0])
    assert audit_count() == before and not CarryOutRequest.objects.exists()

    carry = submit_carry(org, [held.free])
    approve_carry(org, carry)
    later = place(org, [held.free], reason="新发现的问题")
    before = audit_count()
    with pytest.raises(Conflict) as exc:
        carrying.check_out(actor=org.secretary, password=org.password, request_id=carry.pk, declared_count=1)
    _refusal_names_the_hold(exc, later, held.free)
    assert audit_count() == before
    assert Carrier.objects.get(pk=held.free.pk).holder_id == org.secretary.pk


def test_lifting_needs_a_reason_and_the_signers_password(org, held, audit_count):
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        services.lift_hold(actor=org.clerk, password="wrong", hold_id=held.hold.pk, reason="核查完毕")
    assert "password" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.lift_hold(actor=org.clerk, password=org.password, hold_id=held.hold.pk, reason=" ")
    assert "reason" in exc.value.errors
    assert audit_count() == before and Hold.objects.get(pk=held.hold.pk).is_active
    with pytest.raises(Refused):
        services.lift_hold(actor=org.auditor, password=org.password, hold_id=held.hold.pk, reason="核查完毕")
    with pytest.raises(Http404):
        services.lift_hold(actor=org.other_secretary, password=org.password, hold_id=held.hold.pk, reason="x")


def test_lifted_with_a_signature_the_carriers_are_free_unless_held_again(org, held, head_sec):
    second = place(org, [held.papers[1]], kind="legal", reason="纪检调查")
    lifted = services.lift_hold(actor=org.clerk, password=org.password, hold_id=held.hold.pk, reason="核查完毕")
    assert lifted.lifted_by == org.clerk and lifted.lift_reason == "核查完毕"
    signature = Signature.objects.get(pk=lifted.lift_signature_id)
    assert signature.signer == org.clerk and signature.target_id == str(held.hold.pk)
    assert AuditEvent.objects.filter(action="hold.lifted", target_id=str(held.hold.pk)).exists()
    with pytest.raises(Conflict):
        services.lift_hold(actor=org.clerk, password=org.password, hold_id=held.hold.pk, reason="再次")
    # the first paper is free; the second is still held by the legal hold
    assert destruction.submit_destruction_request(actor=org.secretary, carriers=[held.papers[0]], reason="过期",
                                                  method="shredding", route="in_house").pk
    with pytest.raises(Conflict) as exc:
        destruction.submit_destruction_request(actor=org.secretary, carriers=[held.papers[1]], reason="过期",
                                               method="shredding", route="in_house")
    _refusal_names_the_hold(exc, second, held.papers[1])
    assert held.hold.number not in str(exc.value.message)


def test_a_loss_incident_holds_every_carrier_it_concerns(org, held):
    incident = incidents.report_incident(actor=org.staff_core, kind="loss", summary="出差途中遗失",
                                         carriers=[held.free, held.papers[0]])
    hold = services.hold_for_incident(actor=org.secretary, incident_id=incident.pk, reason="遗失事件调查期间冻结")
    assert (hold.kind, hold.incident_id, hold.carrier_count) == ("incident", incident.pk, 2)
    assert AuditEvent.objects.get(action="hold.placed", target_id=str(hold.pk)).details["incident"] == incident.number
    violation = incidents.report_incident(actor=org.staff_core, kind="violation", summary="违规携带")
    with pytest.raises(Conflict):
        services.hold_for_incident(actor=org.secretary, incident_id=violation.pk, reason="x")
    # an incident the office of another unit cannot see: 404
    with pytest.raises(Http404):
        services.hold_for_incident(actor=org.other_secretary, incident_id=incident.pk, reason="x")


def test_destroyed_carriers_cannot_be_held(org, held, audit_count):
    from carriers import services as carrier_services

    gone = register(org.secretary, container=org.cabinet, level=Level.SECRET)
    carrier_services.transition(carrier=gone, to_status="declassified", actor=org.secretary, reason="已解密")
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        place(org, [gone])
    assert gone.registry_number in str(exc.value.errors["carriers"])
    assert audit_count() == before


def test_who_sees_holds(org, held):
    from common import access

    visible = lambda user: set(access.restrict(Hold.objects.all(), user).values_list("pk", flat=True))  # noqa: E731
    assert held.hold.pk in visible(org.secretary) and held.hold.pk in visible(org.auditor)
    # the head of unit sees a hold only if they may open every carrier it holds (these are in
    # Research's scope): named in the carriers' scope, they see it
    assert held.hold.pk not in visible(org.unit_head)
    for paper in held.papers[:2]:
        Carrier.scope_people.through.objects.create(carrier_id=paper.pk, user_id=org.unit_head.pk)
    assert held.hold.pk in visible(org.unit_head)
    assert not visible(org.staff_core) and not visible(org.other_secretary) and not visible(org.head_res)
    # the carrier's readers see that it is held (its line), not the hold's other carriers
    lines = access.restrict(HoldItem.objects.all(), org.staff_core)
    assert set(lines.values_list("carrier_id", flat=True)) == {held.papers[0].pk, held.papers[1].pk}
    assert not access.restrict(HoldItem.objects.all(), org.staff_general).exists()
