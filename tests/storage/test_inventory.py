"""Inventory checks (清查): the expected list from the registry, a removed (missing), a misplaced
and an unexpected carrier found; two signatures of two different people; missing carriers lost,
each with a loss incident that alerts the secrecy office; the overdue check."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert
from audit.models import Signature
from carriers.models import Carrier
from carriers.storage import services
from carriers.storage.models import Inventory, InventoryLine
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from incidents.models import Incident
from tests.factories import register


def _close(org, inventory, *, actor=None, second=None, second_password=None, **extra):
    return services.close_inventory(
        actor=actor or org.secretary, password=org.password, inventory_id=inventory.pk,
        second_signer=second, second_password=org.password if second_password is None else second_password, **extra,
    )


def test_an_inventory_finds_a_removed_a_misplaced_and_an_unexpected_carrier(org, kept, audit_count):
    removed, misplaced, found, top = kept
    other_unit_carrier = register(org.other_secretary, container=org.other_safe, level=Level.SECRET,
                                  copy_number="000001", copies_total=1)
    inventory = services.open_inventory(actor=org.secretary, scope="unit", note="年度清查")
    assert inventory.expected_count == 4 and inventory.level == Level.TOP_SECRET
    lines = {ln.registry_number: ln for ln in InventoryLine.objects.filter(inventory=inventory)}
    assert set(lines) == {c.registry_number for c in kept}
    assert lines[removed.registry_number].expected_container_id == org.cabinet.pk
    assert all(ln.expected and ln.outcome == "pending" for ln in lines.values())

    line, recorded = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                           registry_number=f" {found.registry_number} ", container=org.cabinet)
    assert recorded and line.outcome == "found" and line.seen_by_id == org.secretary.pk
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                    registry_number=misplaced.registry_number, container=org.room)
    assert line.outcome == "misplaced" and line.seen_container_id == org.room.pk
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                    registry_number=top.registry_number, container=org.safe)
    assert line.outcome == "found"
    # not in the registry at all: the number as typed
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number="U-1999-999999",
                                    container=org.cabinet)
    assert (line.outcome, line.expected, line.carrier_id) == ("unexpected", False, None)
    # in the registry but not expected here (another unit's carrier)
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                    registry_number=other_unit_carrier.registry_number, container=org.room)
    assert (line.outcome, line.carrier_id) == ("unexpected", other_unit_carrier.pk)

    # the same number again changes nothing
    before = audit_count()
    again, recorded = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                            registry_number=misplaced.registry_number, container=org.safe)
    assert not recorded and again.outcome == "misplaced" and again.seen_container_id == org.room.pk
    assert audit_count() == before

    closed = _close(org, inventory, second=org.unit_head, remedial_measures="封存现场，调阅监控",
                    reported_to="单位保密委员会")
    assert closed.status == "closed"
    outcomes = dict(InventoryLine.objects.filter(inventory=inventory).values_list("registry_number", "outcome"))
    assert outcomes[removed.registry_number] == "missing"
    assert outcomes[misplaced.registry_number] == "misplaced"
    assert outcomes[found.registry_number] == "found"
    assert outcomes["U-1999-999999"] == "unexpected"

    removed.refresh_from_db()
    assert removed.status == "lost"
    for carrier in (misplaced, found, top):
        carrier.refresh_from_db()
        assert carrier.status == "in_custody"
    incident = Incident.objects.get(source=f"inventory:{inventory.pk}")
    assert incident.kind == "loss" and list(incident.carriers.all()) == [removed]
    assert incident.last_holder_id == org.secretary.pk and "CAB" in incident.last_seen
    assert incident.remedial_measures == "封存现场，调阅监控" and incident.reported_to == "单位保密委员会"
    # the secrecy office is alerted
    alert = Alert.objects.get(kind="incident_open", target_id=incident.pk)
    assert alert.unit_id == org.unit.pk and alert.status == "open"
    # two signatures of two different people, over the same content
    first, second = closed.first_signature, closed.second_signature
    assert {first.signer_id, second.signer_id} == {org.secretary.pk, org.unit_head.pk}
    assert first.content_hash == second.content_hash and first.meaning == Signature.Meaning.CHECKED
    with pytest.raises(Conflict):
        _close(org, inventory, second=org.unit_head)


def test_closing_needs_two_signatures_of_two_people(org, kept, audit_count):
    inventory = services.open_inventory(actor=org.secretary, scope="container", container=org.cabinet)
    before = audit_count()
    with pytest.raises(ValidationFailed) as refused:  # one signature
        _close(org, inventory, second=None)
    assert "second_signer" in refused.value.errors
    with pytest.raises(Refused) as refused:  # the same person twice
        _close(org, inventory, second=org.secretary)
    assert refused.value.code == "same_signer"
    with pytest.raises(ValidationFailed) as refused:  # the second signer's password is wrong
        _close(org, inventory, second=org.clerk, second_password="wrong")
    assert "second_password" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:  # the first signer's password is wrong
        services.close_inventory(actor=org.secretary, password="wrong", inventory_id=inventory.pk,
                                 second_signer=org.clerk, second_password=org.password)
    assert "password" in refused.value.errors
    with pytest.raises(ValidationFailed):  # another unit's person
        _close(org, inventory, second=org.other_secretary)
    with pytest.raises(Refused):  # not cleared for Secret
        _close(org, inventory, second=org.staff_general)
    inventory.refresh_from_db()
    assert inventory.status == "open" and audit_count() == before
    assert Carrier.objects.filter(status="lost").count() == 0 and not Incident.objects.exists()
    assert InventoryLine.objects.filter(inventory=inventory, outcome="pending").count() == 3
    _close(org, inventory, second=org.clerk)
    assert Carrier.objects.filter(status="lost").count() == 3


def test_container_inventory_defaults_the_location_and_flags_strays(org, kept):
    inventory = services.open_inventory(actor=org.secretary, scope="container", container=org.cabinet)
    assert inventory.expected_count == 3
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                    registry_number=kept[0].registry_number)
    assert line.outcome == "found" and line.seen_container_id == org.cabinet.pk
    stray, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk,
                                     registry_number=kept[3].registry_number)
    assert stray.outcome == "unexpected" and stray.expected_container_id == org.safe.pk


def test_department_inventory_expects_its_containers(org, kept):
    from tests.factories import ContainerFactory

    res_cabinet = ContainerFactory(code="RESCAB", unit=org.unit, department=org.res, max_level=Level.SECRET)
    services.store_carrier(actor=org.secretary, carrier_id=kept[0].pk, container=res_cabinet)
    inventory = services.open_inventory(actor=org.secretary, scope="department", department=org.res)
    assert list(inventory.lines.values_list("registry_number", flat=True)) == [kept[0].registry_number]


def test_a_carrier_that_left_during_the_inventory_is_not_lost(org, kept):
    from carriers import services as carrier_services

    inventory = services.open_inventory(actor=org.secretary, scope="container", container=org.cabinet)
    carrier_services.transition(carrier=kept[0], to_status="on_loan", actor=org.secretary, reason="借出")
    for carrier in kept[1:3]:
        services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number=carrier.registry_number)
    _close(org, inventory, second=org.clerk)
    kept[0].refresh_from_db()
    assert kept[0].status == "on_loan"
    assert InventoryLine.objects.get(inventory=inventory, carrier=kept[0]).outcome == "left"
    assert not Incident.objects.exists()


def test_who_may_open_and_run_an_inventory(org, kept, audit_count):
    before = audit_count()
    with pytest.raises(Refused):
        services.open_inventory(actor=org.staff_core, scope="unit")
    with pytest.raises(Refused) as refused:  # the clerk is not cleared for the Top Secret carrier
        services.open_inventory(actor=org.clerk, scope="unit")
    assert refused.value.code == "above_clearance"
    with pytest.raises(ValidationFailed):
        services.open_inventory(actor=org.secretary, scope="container")
    with pytest.raises(ValidationFailed):
        services.open_inventory(actor=org.secretary, scope="container", container=org.other_safe)
    assert audit_count() == before and not Inventory.objects.exists()
    inventory = services.open_inventory(actor=org.clerk, scope="container", container=org.cabinet)
    with pytest.raises(Http404):  # another unit's secrecy office
        services.confirm_seen(actor=org.other_secretary, inventory_id=inventory.pk,
                              registry_number=kept[0].registry_number)
    with pytest.raises(Refused):
        services.confirm_seen(actor=org.staff_core, inventory_id=inventory.pk, registry_number=kept[0].registry_number)
    with pytest.raises(ValidationFailed):
        services.confirm_seen(actor=org.clerk, inventory_id=inventory.pk, registry_number="   ")


# --- the overdue check -----------------------------------------------------------------------------


def _age(carriers, days):
    Carrier.objects.filter(pk__in=[c.pk for c in carriers]).update(
        registered_at=timezone.now() - timedelta(days=days))


def test_inventory_overdue_never_inventoried(org, kept, settings):
    settings.REGISTRY = {**settings.REGISTRY, "INVENTORY_INTERVAL_DAYS": 180}
    _age(kept, 179)  # not yet due
    assert alert_services.run_checks(only="inventory_overdue")["inventory_overdue"]["created"] == 0
    _age(kept[:1], 181)
    assert alert_services.run_checks(only="inventory_overdue")["inventory_overdue"]["created"] == 1
    alert = Alert.objects.get(kind="inventory_overdue")
    assert (alert.target_id, alert.target_label, alert.unit_id) == (org.unit.pk, "U", org.unit.pk)
    assert set(alert.recipients.values_list("username", flat=True)) == {"secretary", "clerk"}

    # a closed unit-wide inventory resolves it at once
    inventory = services.open_inventory(actor=org.secretary, scope="unit")
    for carrier in kept:
        services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number=carrier.registry_number)
    _close(org, inventory, second=org.unit_head)
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert_services.run_checks(only="inventory_overdue")["inventory_overdue"]["created"] == 0


def test_inventory_overdue_after_the_last_closed_one(org, kept, settings):
    _age(kept, 1000)
    inventory = services.open_inventory(actor=org.secretary, scope="unit")
    _close(org, inventory, second=org.unit_head)
    # a container inventory does not count for the unit
    box = services.open_inventory(actor=org.secretary, scope="container", container=org.safe)
    _close(org, box, second=org.unit_head)
    Inventory.objects.filter(pk=inventory.pk).update(closed_at=timezone.now() - timedelta(days=364))
    Inventory.objects.filter(pk=box.pk).update(closed_at=timezone.now() - timedelta(days=1))
    assert alert_services.run_checks(only="inventory_overdue")["inventory_overdue"]["created"] == 0  # default 365
    Inventory.objects.filter(pk=inventory.pk).update(closed_at=timezone.now() - timedelta(days=366))
    assert alert_services.run_checks(only="inventory_overdue")["inventory_overdue"]["created"] == 1
    assert Alert.objects.get(kind="inventory_overdue").target_id == org.unit.pk
