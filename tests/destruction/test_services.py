"""R7 through the services: each clause refused when violated (with the reason, nothing written)
and allowed when met."""

import pytest
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalRequest
from audit.models import Signature
from carriers import services as carrier_services
from carriers.destruction import services
from carriers.destruction.models import DestructionItem, DestructionRequest
from carriers.models import Carrier
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register

from .conftest import approve_all, execute, submit

pytestmark = pytest.mark.django_db


def statuses(carriers):
    return set(Carrier.objects.filter(pk__in=[c.pk for c in carriers]).values_list("status", flat=True))


class TestRequest:
    def test_registered_and_submitted_at_the_highest_level(self, org, media, papers):
        request = submit(org, [media.paper, papers[0]])
        assert request.level == Level.SECRET and request.carrier_count == 2
        assert request.status == DestructionRequest.Status.SUBMITTED
        approval = ApprovalRequest.objects.get(pk=request.approval_id)
        assert approval.kind == "destruction" and approval.level == Level.SECRET
        assert [s.approver_role for s in approval.steps.order_by("order")] == ["department_head", "secrecy_office"]
        # nothing is destroyed or pending before the approval
        assert statuses([media.paper, papers[0]]) == {"in_custody"}

    def test_approval_makes_the_carriers_pending_destruction(self, org, approved, papers):
        assert approved.status == DestructionRequest.Status.APPROVED
        assert statuses(papers) == {"pending_destruction"}

    def test_rejection_leaves_the_carriers_and_frees_them(self, org, papers, head_sec):
        request = submit(org, papers)
        approvals.decide(actor=head_sec, request_id=request.approval_id, outcome="reject", password=org.password,
                         reason="仍需使用")
        request.refresh_from_db()
        assert request.status == DestructionRequest.Status.REJECTED
        assert statuses(papers) == {"in_custody"}
        assert not DestructionItem.objects.filter(request=request, is_open=True).exists()
        submit(org, papers)  # free for a new request

    def test_top_secret_goes_up_to_the_unit_head(self, org, head_sec):
        carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET)
        request = submit(org, [carrier])
        roles = list(ApprovalRequest.objects.get(pk=request.approval_id).steps.order_by("order")
                     .values_list("approver_role", flat=True))
        assert roles == ["department_head", "secrecy_office", "unit_head"]

    @pytest.mark.parametrize("status", ["on_loan", "carried_out", "in_meeting", "in_transit"])
    def test_a_carrier_out_of_custody_is_refused(self, org, papers, audit_count, status, head_sec):
        carrier_services.transition(carrier=papers[0], to_status=status, actor=org.secretary, reason="test")
        before = audit_count()
        with pytest.raises(Conflict) as exc:
            submit(org, papers)
        assert papers[0].registry_number in str(exc.value.message) and exc.value.code == "carrier_not_destructible"
        assert audit_count() == before and not DestructionRequest.objects.exists()

    def test_a_carrier_that_went_out_meanwhile_refuses_the_approval(self, org, papers, head_sec, audit_count):
        request = submit(org, papers[:1])
        approvals.decide(actor=head_sec, request_id=request.approval_id, outcome="approve", password=org.password)
        carrier_services.transition(carrier=papers[0], to_status="on_loan", actor=org.secretary, reason="test")
        before = audit_count()
        with pytest.raises(Conflict) as exc:  # the last step: the secrecy office's countersign
            approvals.decide(actor=org.clerk, request_id=request.approval_id, outcome="approve", password=org.password)
        assert papers[0].registry_number in str(exc.value.message)
        assert audit_count() == before
        assert ApprovalRequest.objects.get(pk=request.approval_id).status == "in_review"
        assert statuses(papers[:1]) == {"on_loan"}

    def test_unfit_method_names_the_carrier(self, org, media, audit_count):
        before = audit_count()
        with pytest.raises(ValidationFailed) as exc:
            submit(org, [media.paper, media.usb], method="shredding")
        assert media.usb.registry_number in exc.value.errors["method"][0]
        assert "Physical crushing" in exc.value.errors["method"][0]
        assert audit_count() == before and not DestructionRequest.objects.exists()

    def test_only_the_holder_or_the_secrecy_office(self, org, papers, audit_count):
        before = audit_count()
        with pytest.raises(Refused):
            submit(org, papers, actor=org.head_res)
        with pytest.raises(Refused):  # another unit's secrecy office
            submit(org, papers, actor=org.other_secretary)
        assert audit_count() == before

    def test_a_carrier_in_two_open_requests(self, org, papers, audit_count):
        submit(org, papers[:2])
        before = audit_count()
        with pytest.raises(Conflict) as exc:
            submit(org, papers[1:])
        assert papers[1].registry_number in str(exc.value.message)
        assert audit_count() == before

    def test_a_batch_must_go_to_a_facility(self, org, facilities, settings, audit_count, head_sec):
        settings.REGISTRY = {**settings.REGISTRY, "DESTRUCTION_IN_HOUSE_MAX": 2}
        carriers = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}") for i in (1, 2, 3)]
        before = audit_count()
        with pytest.raises(ValidationFailed) as exc:
            submit(org, carriers)
        assert "designated destruction facility" in exc.value.errors["route"][0]
        assert audit_count() == before
        request = submit(org, carriers, route="facility", facility=facilities.good)
        assert request.route == "facility"

    @pytest.mark.parametrize("which", ["expired", "inactive", "other_unit"])
    def test_only_a_valid_facility_of_the_unit(self, org, papers, facilities, which, audit_count):
        before = audit_count()
        with pytest.raises((Refused, ValidationFailed)):
            submit(org, papers, route="facility", facility=getattr(facilities, which))
        assert audit_count() == before

    def test_facility_route_needs_a_facility(self, org, papers):
        with pytest.raises(ValidationFailed) as exc:
            submit(org, papers, route="facility")
        assert "facility" in exc.value.errors

    def test_destroyed_carrier_cannot_be_requested_again(self, org, approved, papers):
        execute(org, approved)
        with pytest.raises(Conflict):
            submit(org, papers[:1])

    def test_the_approver_signs_the_carriers_and_the_method(self, org, approved, papers):
        from audit.models import AuditEvent

        event = AuditEvent.objects.filter(action="approval.decided", target_id=str(approved.approval_id)).first()
        assert event.details["terms"]["carriers"] == sorted(c.registry_number for c in papers)
        assert event.details["terms"]["method"] == "shredding"


class TestInHouse:
    def test_destroyer_and_supervisor_both_sign_and_the_carriers_are_destroyed(self, org, approved, papers):
        request = execute(org, approved)
        assert request.status == DestructionRequest.Status.DESTROYED
        assert statuses(papers) == {"destroyed"}
        assert request.destroyer == org.secretary and request.supervisor == org.clerk
        sigs = Signature.objects.filter(pk__in=[request.destroyer_signature_id, request.supervisor_signature_id])
        assert {s.signer_id for s in sigs} == {org.secretary.pk, org.clerk.pk}
        assert ApprovalRequest.objects.get(pk=request.approval_id).consumed_at is not None
        assert not DestructionItem.objects.filter(request=request, is_open=True).exists()

    def test_same_person_is_refused(self, org, approved, papers, audit_count):
        before = audit_count()
        with pytest.raises(ValidationFailed) as exc:
            execute(org, approved, destroyer=org.clerk, supervisor=org.clerk)
        assert "two different people" in exc.value.errors["supervisor"][0]
        assert audit_count() == before and statuses(papers) == {"pending_destruction"}

    def test_without_approval_is_refused(self, org, papers, audit_count):
        request = submit(org, papers)
        before = audit_count()
        with pytest.raises(Refused) as exc:
            execute(org, request)
        assert exc.value.code == "not_approved"
        assert audit_count() == before and statuses(papers) == {"in_custody"}

    def test_rejected_is_refused(self, org, papers, head_sec):
        request = submit(org, papers)
        approvals.decide(actor=head_sec, request_id=request.approval_id, outcome="reject", password=org.password,
                         reason="否")
        with pytest.raises(Refused):
            execute(org, request)

    def test_twice_is_refused(self, org, approved, audit_count):
        execute(org, approved)
        before = audit_count()
        with pytest.raises(Conflict):
            execute(org, approved)
        assert audit_count() == before

    def test_signer_not_cleared_for_the_level(self, org, approved, audit_count):
        before = audit_count()
        with pytest.raises(Refused) as exc:
            execute(org, approved, destroyer=org.staff_general)
        assert exc.value.code == "destroyer_clearance"
        with pytest.raises(Refused) as exc:
            execute(org, approved, supervisor=org.staff_general)
        assert exc.value.code == "supervisor_clearance"
        assert audit_count() == before

    def test_signer_not_active(self, org, approved, audit_count):
        before = audit_count()
        with pytest.raises(Refused) as exc:
            execute(org, approved, supervisor=org.departed)
        assert exc.value.code == "supervisor_inactive"
        assert audit_count() == before

    def test_signer_of_another_unit(self, org, approved):
        with pytest.raises(Refused) as exc:
            execute(org, approved, supervisor=org.other_secretary)
        assert exc.value.code == "supervisor_unit"

    @pytest.mark.parametrize("role", ["destroyer", "supervisor"])
    def test_each_password_is_checked(self, org, approved, papers, audit_count, role):
        before = audit_count()
        with pytest.raises(ValidationFailed) as exc:
            execute(org, approved, **{f"{role}_password": "wrong-password"})
        assert f"{role}_password" in exc.value.errors
        assert audit_count() == before and statuses(papers) == {"pending_destruction"}

    def test_one_time_code_where_enrolled(self, org, approved, papers):
        from audit.services import SigningSecret
        from tests.factories import enrol_totp, totp_code

        device = enrol_totp(org.clerk)
        with pytest.raises(ValidationFailed) as exc:
            execute(org, approved)
        assert "supervisor_otp" in exc.value.errors
        execute(org, approved, supervisor_password=SigningSecret(org.password, otp=totp_code(device)))
        assert statuses(papers) == {"destroyed"}

    def test_someone_else_may_not_work_the_screen(self, org, approved, head_sec):
        with pytest.raises(Refused) as exc:
            execute(org, approved, actor=head_sec)
        assert exc.value.code == "not_signer"

    def test_a_carrier_taken_back_meanwhile(self, org, approved, papers, audit_count):
        carrier_services.transition(carrier=papers[0], to_status="in_custody", actor=org.secretary, reason="test")
        before = audit_count()
        with pytest.raises(Conflict) as exc:
            execute(org, approved)
        assert papers[0].registry_number in str(exc.value.message)
        assert audit_count() == before

    def test_a_facility_request_is_not_destroyed_in_house(self, org, papers, facilities, head_sec):
        request = approve_all(org, submit(org, papers, route="facility", facility=facilities.good), head_sec)
        with pytest.raises(Conflict):
            execute(org, request)

    def test_an_invisible_request_is_404(self, org, approved):
        from django.http import Http404

        with pytest.raises(Http404):
            execute(org, approved, actor=org.other_secretary)


class TestFacility:
    @pytest.fixture
    def batch(self, org, papers, facilities, head_sec):
        return approve_all(org, submit(org, papers, route="facility", facility=facilities.good), head_sec)

    def hand_over(self, org, batch, **extra):
        fields = dict(actor=org.secretary, password=org.password, request_id=batch.pk, courier=org.clerk,
                      declared_count=3)
        fields.update(extra)
        return services.hand_over_to_facility(**fields)

    def certify(self, org, batch, papers, **extra):
        fields = dict(actor=org.clerk, password=org.password, request_id=batch.pk, number="XH-2026-0007",
                      issued_on=timezone.localdate(), received_by="张接收",
                      carriers=[c.registry_number for c in papers])
        fields.update(extra)
        return services.record_certificate(**fields)

    def test_handover_receipt_certificate(self, org, batch, papers):
        self.hand_over(org, batch)
        batch.refresh_from_db()
        assert batch.status == "handed_over" and batch.handover.kind == "destruction"
        assert statuses(papers) == {"pending_destruction"}
        services.receive_for_facility(actor=org.clerk, password=org.password, request_id=batch.pk, counted_count=3)
        assert set(Carrier.objects.filter(pk__in=[c.pk for c in papers]).values_list("holder", flat=True)) == {org.clerk.pk}
        certificate = self.certify(org, batch, papers)
        batch.refresh_from_db()
        assert batch.status == "destroyed" and statuses(papers) == {"destroyed"}
        assert certificate.signature.signer == org.clerk and certificate.received_by == "张接收"

    def test_certificate_before_delivery_is_refused(self, org, batch, papers, audit_count):
        self.hand_over(org, batch)
        before = audit_count()
        with pytest.raises(Conflict) as exc:
            self.certify(org, batch, papers, actor=org.secretary)
        assert exc.value.code == "not_delivered"
        assert audit_count() == before

    def test_certificate_must_list_exactly_the_batch(self, org, batch, papers, audit_count):
        self.hand_over(org, batch)
        services.receive_for_facility(actor=org.clerk, password=org.password, request_id=batch.pk, counted_count=3)
        before = audit_count()
        with pytest.raises(ValidationFailed) as exc:
            self.certify(org, batch, papers, carriers=[papers[0].registry_number, "U-2026-999999"])
        message = exc.value.errors["carriers"][0]
        assert papers[1].registry_number in message and "U-2026-999999" in message
        with pytest.raises(ValidationFailed):
            self.certify(org, batch, papers, issued_on=timezone.localdate() + timezone.timedelta(days=1))
        assert audit_count() == before and statuses(papers) == {"pending_destruction"}

    def test_count_must_match(self, org, batch, audit_count):
        before = audit_count()
        with pytest.raises(ValidationFailed):
            self.hand_over(org, batch, declared_count=2)
        assert audit_count() == before

    def test_courier_not_cleared(self, org, batch, audit_count):
        before = audit_count()
        with pytest.raises(Refused):
            self.hand_over(org, batch, courier=org.staff_general)
        assert audit_count() == before

    def test_facility_expired_since_approval(self, org, batch, facilities, audit_count):
        from carriers.destruction.models import DestructionFacility

        DestructionFacility.objects.filter(pk=facilities.good.pk).update(
            valid_until=timezone.localdate() - timezone.timedelta(days=1))
        before = audit_count()
        with pytest.raises(Refused) as exc:
            self.hand_over(org, batch)
        assert exc.value.code == "facility_expired"
        assert audit_count() == before

    def test_handover_without_approval(self, org, papers, facilities):
        request = submit(org, papers, route="facility", facility=facilities.good)
        with pytest.raises(Refused):
            self.hand_over(org, request)

    def test_only_courier_or_office_records(self, org, batch, papers, head_sec):
        from django.http import Http404

        self.hand_over(org, batch)
        services.receive_for_facility(actor=org.clerk, password=org.password, request_id=batch.pk, counted_count=3)
        with pytest.raises((Refused, Http404)):
            self.certify(org, batch, papers, actor=head_sec)

    def test_duplicate_certificate_number(self, org, batch, papers, facilities, head_sec):
        self.hand_over(org, batch)
        services.receive_for_facility(actor=org.clerk, password=org.password, request_id=batch.pk, counted_count=3)
        self.certify(org, batch, papers)
        others = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}") for i in (1, 2, 3)]
        second = approve_all(org, submit(org, others, route="facility", facility=facilities.good), head_sec)
        self.hand_over(org, second)
        services.receive_for_facility(actor=org.clerk, password=org.password, request_id=second.pk, counted_count=3)
        with pytest.raises(ValidationFailed) as exc:
            self.certify(org, second, others)
        assert "number" in exc.value.errors


class TestFacilities:
    def test_only_the_secrecy_office_registers(self, org, audit_count):
        before = audit_count()
        with pytest.raises(Refused):
            services.create_facility(actor=org.head_res, name="x", licence_number="y", address="z",
                                     valid_until=timezone.localdate())
        assert audit_count() == before

    def test_licence_number_once_per_unit(self, org, facilities):
        with pytest.raises(ValidationFailed):
            services.create_facility(actor=org.secretary, name="x", licence_number="XH-2026-01", address="z",
                                     valid_until=timezone.localdate())


def test_withdrawn_request_frees_its_carriers(org, papers, head_sec):
    request = submit(org, papers)
    approvals.withdraw(actor=org.secretary, request_id=request.approval_id)
    request.refresh_from_db()
    assert request.status == DestructionRequest.Status.WITHDRAWN
    assert statuses(papers) == {"in_custody"}
    with pytest.raises(Refused):
        execute(org, request)
    submit(org, papers)
