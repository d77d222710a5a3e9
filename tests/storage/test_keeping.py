"""R6, each clause refused when violated (nothing changed, the reason given) and allowed when met:
approved places and equipment (a container fit for the level), no private keeping without
permission (temporary retention), filing to the archives; the container access log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert
from carriers.models import Container
from carriers.storage import services
from carriers.storage.models import Filing, StorageEntry, TemporaryRetention
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import ContainerFactory, register

from .conftest import give


def _unchanged(carrier, container_id, audit_count, before):
    carrier.refresh_from_db()
    assert carrier.container_id == container_id
    assert audit_count() == before
    assert not StorageEntry.objects.exists()


# --- places and equipment fit for the level ---------------------------------------------------


def test_store_into_a_fit_container_is_audited(org, kept, audit_count):
    before = audit_count()
    entry = services.store_carrier(actor=org.secretary, carrier_id=kept[0].pk, container=org.room, note="搬入密室")
    kept[0].refresh_from_db()
    assert kept[0].container_id == org.room.pk
    assert (entry.from_container_id, entry.to_container_id, entry.stored_by_id) == (org.cabinet.pk, org.room.pk,
                                                                                    org.secretary.pk)
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="storage.stored").get()
    assert event.details["from"] == org.cabinet.pk and event.details["to"] == org.room.pk
    assert audit_count() == before + 1


def test_top_secret_only_in_a_combination_safe(org, kept, audit_count):
    top = kept[3]
    before = audit_count()
    with pytest.raises(ValidationFailed) as refused:
        services.store_carrier(actor=org.secretary, carrier_id=top.pk, container=org.cabinet)
    assert "combination safe" in refused.value.errors["container"][0].lower()
    _unchanged(top, org.safe.pk, audit_count, before)
    # a second safe is fine
    safe2 = ContainerFactory(code="SAFE2", kind=Container.Kind.COMBINATION_SAFE, unit=org.unit, max_level=Level.TOP_SECRET)
    services.store_carrier(actor=org.secretary, carrier_id=top.pk, container=safe2)
    top.refresh_from_db()
    assert top.container_id == safe2.pk


def test_the_least_container_is_configurable(org, kept, settings):
    settings.REGISTRY = {**settings.REGISTRY, "STORAGE_MIN_CONTAINER": {**settings.REGISTRY["STORAGE_MIN_CONTAINER"],
                                                                         2: "combination_safe"}}
    with pytest.raises(ValidationFailed):
        services.store_carrier(actor=org.secretary, carrier_id=kept[0].pk, container=org.room)
    services.store_carrier(actor=org.secretary, carrier_id=kept[0].pk, container=org.safe)


@pytest.mark.parametrize("which", ["ordinary", "other_safe", "inactive", "none"])
def test_unfit_containers_are_refused(org, kept, audit_count, which):
    confidential = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, copies_total=1,
                            copy_number="000001")
    container = {"ordinary": org.ordinary, "other_safe": org.other_safe, "none": None,
                 "inactive": ContainerFactory(code="OLD", kind=Container.Kind.COMBINATION_SAFE, unit=org.unit,
                                              max_level=Level.TOP_SECRET, is_active=False)}[which]
    before = audit_count()
    with pytest.raises(ValidationFailed) as refused:
        services.store_carrier(actor=org.secretary, carrier_id=confidential.pk, container=container)
    assert "container" in refused.value.errors
    _unchanged(confidential, org.cabinet.pk, audit_count, before)


def test_only_the_holder_or_the_secrecy_office_stores(org, staff_carrier, kept, audit_count):
    before = audit_count()
    with pytest.raises(Refused):  # head_res sees it (their staff holds it) but does not hold it
        services.store_carrier(actor=org.head_res, carrier_id=staff_carrier.pk, container=org.room)
    assert audit_count() == before
    services.store_carrier(actor=org.staff_core, carrier_id=staff_carrier.pk, container=org.room)
    services.store_carrier(actor=org.clerk, carrier_id=staff_carrier.pk, container=org.cabinet)
    from django.http import Http404

    with pytest.raises(Http404):  # a carrier one may not see is missing
        services.store_carrier(actor=org.staff_general, carrier_id=kept[0].pk, container=org.room)


def test_a_carrier_not_kept_here_or_in_a_handover_is_not_moved(org, kept, audit_count):
    from carriers import services as carrier_services

    carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.clerk, carriers=[kept[0]],
                                    declared_count=1)
    lent = carrier_services.transition(carrier=kept[1], to_status="on_loan", actor=org.secretary, reason="test")
    before = audit_count()
    for carrier in (kept[0], lent):
        with pytest.raises(Conflict):
            services.store_carrier(actor=org.secretary, carrier_id=carrier.pk, container=org.room)
    with pytest.raises(Conflict):  # already there
        services.store_carrier(actor=org.secretary, carrier_id=kept[2].pk, container=org.cabinet)
    assert audit_count() == before and not StorageEntry.objects.exists()


# --- no private keeping without permission: temporary retention ---------------------------------


def _ask(org, carrier, *, actor=None, days=5, reason="出差途中审阅"):
    return services.request_retention(actor=actor or org.staff_core, carrier_id=carrier.pk, reason=reason,
                                      ends_on=timezone.localdate() + timedelta(days=days))


def test_retention_request_refused_without_reason_date_or_holding(org, staff_carrier, audit_count):
    before = audit_count()
    with pytest.raises(ValidationFailed) as refused:
        _ask(org, staff_carrier, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        _ask(org, staff_carrier, days=0)
    assert "ends_on" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        _ask(org, staff_carrier, days=31)
    assert "ends_on" in refused.value.errors
    with pytest.raises(Refused):
        _ask(org, staff_carrier, actor=org.secretary)  # the office sees it but does not hold it
    assert audit_count() == before and not TemporaryRetention.objects.exists()


def test_keeping_outside_needs_an_approved_retention(org, staff_carrier, approve, audit_count):
    retention = _ask(org, staff_carrier)
    assert retention.status == "submitted" and retention.approval.kind == "temporary_retention"
    before = audit_count()
    with pytest.raises(Refused) as refused:
        services.start_retention(actor=org.staff_core, retention_id=retention.pk)
    assert "approved" in str(refused.value.message)
    staff_carrier.refresh_from_db()
    assert staff_carrier.container_id == org.cabinet.pk and audit_count() == before
    with pytest.raises(Conflict):  # one open retention per carrier
        _ask(org, staff_carrier)

    approve(retention.approval, org)
    retention.refresh_from_db()
    assert retention.status == "approved"
    with pytest.raises(Refused):  # only the person it was approved for
        services.start_retention(actor=org.secretary, retention_id=retention.pk)
    services.start_retention(actor=org.staff_core, retention_id=retention.pk)
    retention.refresh_from_db()
    staff_carrier.refresh_from_db()
    assert retention.status == "active" and retention.container_before_id == org.cabinet.pk
    assert staff_carrier.container_id is None and staff_carrier.holder_id == org.staff_core.pk
    assert retention.approval.__class__.objects.get(pk=retention.approval_id).consumed_at is not None
    with pytest.raises(Conflict):  # taken out once
        services.start_retention(actor=org.staff_core, retention_id=retention.pk)


def test_rejected_retention_never_starts(org, staff_carrier):
    from approvals import services as approvals

    retention = _ask(org, staff_carrier)
    approvals.decide(actor=org.head_res, request_id=retention.approval_id, outcome="reject", password=org.password,
                     reason="不必带出")
    retention.refresh_from_db()
    assert retention.status == "rejected"
    with pytest.raises(Refused):
        services.start_retention(actor=org.staff_core, retention_id=retention.pk)


def _started(org, carrier, approve):
    retention = _ask(org, carrier)
    approve(retention.approval, org)
    return services.start_retention(actor=org.staff_core, retention_id=retention.pk)


def test_retention_overdue_due_and_not_yet_due(org, staff_carrier, approve):
    retention = _started(org, staff_carrier, approve)
    today = timezone.localdate()
    TemporaryRetention.objects.filter(pk=retention.pk).update(ends_on=today)  # the last day: not yet due
    assert alert_services.run_checks(only="retention_overdue")["retention_overdue"]["created"] == 0
    TemporaryRetention.objects.filter(pk=retention.pk).update(ends_on=today - timedelta(days=1))
    assert alert_services.run_checks(only="retention_overdue")["retention_overdue"]["created"] == 1
    alert = Alert.objects.get(kind="retention_overdue")
    assert (alert.target_id, alert.target_label, alert.responsible_id, alert.unit_id) == (
        retention.pk, staff_carrier.registry_number, org.staff_core.pk, org.unit.pk)

    # putting it back into a container ends the retention and resolves the alert at once
    services.store_carrier(actor=org.staff_core, carrier_id=staff_carrier.pk, container=org.cabinet)
    retention.refresh_from_db()
    alert.refresh_from_db()
    assert retention.status == "ended" and retention.ended_by_id == org.staff_core.pk
    assert alert.status == "resolved"
    assert StorageEntry.objects.get().retention_id == retention.pk


# --- filing to the archives ----------------------------------------------------------------------


def test_filing_is_a_handover_to_the_keeper_into_archived(org, kept, archive):
    filing = services.file_to_archives(actor=org.secretary, password=org.password, archive_id=archive.pk,
                                       carriers=kept[:2], declared_count=2, note="年度归档")
    assert filing.handover.kind == "storage" and filing.handover.taker_id == org.clerk.pk
    kept[0].refresh_from_db()
    assert kept[0].holder_id == org.secretary.pk and kept[0].status == "in_custody"
    with pytest.raises(Refused):  # only the keeper accepts
        services.accept_filing(actor=org.secretary, password=org.password, filing_id=filing.pk, counted_count=2)
    with pytest.raises(ValidationFailed):  # counted wrong
        services.accept_filing(actor=org.clerk, password=org.password, filing_id=filing.pk, counted_count=3)
    services.accept_filing(actor=org.clerk, password=org.password, filing_id=filing.pk, counted_count=2)
    filing.refresh_from_db()
    assert filing.status == "archived"
    for carrier in kept[:2]:
        carrier.refresh_from_db()
        assert (carrier.status, carrier.holder_id, carrier.container_id) == ("archived", org.clerk.pk, org.room.pk)
    assert StorageEntry.objects.filter(to_container=org.room).count() == 2
    with pytest.raises(Conflict):
        services.accept_filing(actor=org.clerk, password=org.password, filing_id=filing.pk, counted_count=2)


def test_filing_refused_above_the_archives_container_or_to_oneself(org, kept, archive, audit_count):
    clerk_carrier = give(org, kept[0], org.clerk)
    before = audit_count()
    with pytest.raises(ValidationFailed):  # Top Secret into the secure room
        services.file_to_archives(actor=org.secretary, password=org.password, archive_id=archive.pk,
                                  carriers=[kept[3]], declared_count=1)
    with pytest.raises(ValidationFailed) as refused:
        services.file_to_archives(actor=org.clerk, password=org.password, archive_id=archive.pk,
                                  carriers=[clerk_carrier], declared_count=1)
    assert "archive" in refused.value.errors
    assert not Filing.objects.exists()
    with pytest.raises(ValidationFailed):  # wrong password: nothing signed
        services.file_to_archives(actor=org.secretary, password="wrong", archive_id=archive.pk,
                                  carriers=[kept[1]], declared_count=1)
    assert not Filing.objects.exists()
    assert audit_count() == before


def test_only_the_secrecy_office_registers_archives(org):
    with pytest.raises(Refused):
        services.create_archive(actor=org.staff_core, name_zh="档案", name_en="A", keeper=org.clerk,
                                container=org.room)
    with pytest.raises(ValidationFailed):
        services.create_archive(actor=org.secretary, name_zh="档案", name_en="A", keeper=org.other_secretary,
                                container=org.room)


# --- the container access log -------------------------------------------------------------------


def test_access_log_who_may_write(org, staff_carrier, audit_count):
    entry = services.log_container_access(actor=org.clerk, container_id=org.safe.pk, action="opened", note="取件")
    assert (entry.by_id, entry.action, entry.note) == (org.clerk.pk, "opened", "取件")
    # a holder of a carrier kept in it
    services.log_container_access(actor=org.staff_core, container_id=org.cabinet.pk, action="closed")
    before = audit_count()
    with pytest.raises(Refused):  # holds nothing in the safe, not the secrecy office
        services.log_container_access(actor=org.staff_core, container_id=org.safe.pk, action="opened")
    with pytest.raises(ValidationFailed):
        services.log_container_access(actor=org.clerk, container_id=org.safe.pk, action="smashed")
    from django.http import Http404

    with pytest.raises(Http404):
        services.log_container_access(actor=org.clerk, container_id=org.other_safe.pk, action="opened")
    assert audit_count() == before


def test_filing_carrier_in_retention_ends_it(org, staff_carrier, approve, archive):
    retention = _started(org, staff_carrier, approve)
    filing = services.file_to_archives(actor=org.staff_core, password=org.password, archive_id=archive.pk,
                                       carriers=[staff_carrier], declared_count=1)
    services.accept_filing(actor=org.clerk, password=org.password, filing_id=filing.pk, counted_count=1)
    retention.refresh_from_db()
    assert retention.status == "ended"


def test_an_approved_retention_past_its_end_date_does_not_start(org, staff_carrier, approve):
    retention = _ask(org, staff_carrier)
    approve(retention.approval, org)
    TemporaryRetention.objects.filter(pk=retention.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Conflict):
        services.start_retention(actor=org.staff_core, retention_id=retention.pk)
    staff_carrier.refresh_from_db()
    assert staff_carrier.container_id == org.cabinet.pk


def test_a_pending_filing_is_taken_back_by_whoever_filed_it(org, kept, archive):
    filing = services.file_to_archives(actor=org.secretary, password=org.password, archive_id=archive.pk,
                                       carriers=[kept[0]], declared_count=1)
    with pytest.raises(Refused):
        services.cancel_filing(actor=org.clerk, filing_id=filing.pk, reason="不是我归档的")
    services.cancel_filing(actor=org.secretary, filing_id=filing.pk, reason="尚需使用")
    filing.refresh_from_db()
    kept[0].refresh_from_db()
    assert filing.status == "cancelled" and kept[0].status == "in_custody" and kept[0].holder_id == org.secretary.pk
    with pytest.raises(Conflict):
        services.accept_filing(actor=org.clerk, password=org.password, filing_id=filing.pk, counted_count=1)
    # the carrier can be filed again
    services.file_to_archives(actor=org.secretary, password=org.password, archive_id=archive.pk,
                              carriers=[kept[0]], declared_count=1)
