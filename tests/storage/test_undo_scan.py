"""Undoing an inventory scan (issue 18, item 4): a mistyped number that became an off-book line is
removed, a carrier scanned by mistake is again "not yet seen", each audited as
inventory.scan_undone in the same transaction; nothing else changes on a refusal (a line not seen,
a closed inventory, someone other than the secrecy office, a line of another inventory or one
naming a carrier the user may not open: 404)."""

import pytest
from django.http import Http404
from django.test import Client

from audit.models import AuditEvent
from carriers.storage import services
from carriers.storage.models import InventoryLine
from common.errors import Conflict, Refused


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inventory(org, kept):
    return services.open_inventory(actor=org.secretary, scope="unit")


def _seen(org, inventory, number, container=None):
    line, _ = services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number=number,
                                    container=container or org.cabinet)
    return line


def test_an_off_book_scan_is_removed_and_audited(org, inventory, audit_count):
    line = _seen(org, inventory, "U-2O26-00O1")  # a mistyped number: letters O for zeros
    assert (line.expected, line.outcome) == (False, "unexpected")
    before = audit_count()
    assert services.undo_seen(actor=org.secretary, inventory_id=inventory.pk, line_id=line.pk) is None
    assert not InventoryLine.objects.filter(pk=line.pk).exists()
    assert audit_count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "inventory.scan_undone"
    assert event.details["registry_number"] == "U-2O26-00O1" and event.details["removed"] is True


def test_an_expected_carrier_scanned_by_mistake_is_again_not_yet_seen(org, kept, inventory, audit_count):
    line = _seen(org, inventory, kept[0].registry_number, container=org.room)
    assert line.outcome == "misplaced"
    before = audit_count()
    again = services.undo_seen(actor=org.secretary, inventory_id=inventory.pk, line_id=line.pk)
    assert again.pk == line.pk
    line.refresh_from_db()
    assert (line.outcome, line.seen_by_id, line.seen_at, line.seen_container_id) == ("pending", None, None, None)
    assert audit_count() == before + 1
    # then scanned where it belongs: found
    assert _seen(org, inventory, kept[0].registry_number).outcome == "found"


def test_refusals_change_nothing(org, kept, inventory, audit_count):
    pending = InventoryLine.objects.get(inventory=inventory, registry_number=kept[1].registry_number)
    seen = _seen(org, inventory, kept[0].registry_number)
    other = services.open_inventory(actor=org.secretary, scope="container", container=org.safe)
    before = audit_count()
    with pytest.raises(Conflict):  # never seen: nothing to undo
        services.undo_seen(actor=org.secretary, inventory_id=inventory.pk, line_id=pending.pk)
    with pytest.raises(Refused):  # only the secrecy office runs inventories
        services.undo_seen(actor=org.staff_core, inventory_id=inventory.pk, line_id=seen.pk)
    with pytest.raises(Http404):  # another unit's office does not see this inventory
        services.undo_seen(actor=org.other_secretary, inventory_id=inventory.pk, line_id=seen.pk)
    with pytest.raises(Http404):
        services.undo_seen(actor=org.secretary, inventory_id=inventory.pk, line_id=10**12)
    with pytest.raises(Http404):  # a line of another inventory
        services.undo_seen(actor=org.secretary, inventory_id=other.pk, line_id=seen.pk)
    seen.refresh_from_db()
    assert seen.outcome == "found" and audit_count() == before


def test_a_closed_inventory_keeps_its_scans(org, kept, inventory, audit_count):
    seen = _seen(org, inventory, kept[0].registry_number)
    for carrier in kept[1:]:
        _seen(org, inventory, carrier.registry_number, container=org.safe if carrier.level == 4 else org.cabinet)
    services.close_inventory(actor=org.secretary, password=org.password, inventory_id=inventory.pk,
                             second_signer=org.unit_head, second_password=org.password)
    before = audit_count()
    with pytest.raises(Conflict):
        services.undo_seen(actor=org.secretary, inventory_id=inventory.pk, line_id=seen.pk)
    assert audit_count() == before


def test_the_run_page_offers_undo_and_says_what_happened(org, kept, inventory, audit_count):
    web = login(org.secretary)
    url = f"/storage/inventories/{inventory.pk}/"
    # a scan is shown at once with the carrier's marking and title
    resp = web.post(url, {"registry_number": kept[0].registry_number, "container": org.cabinet.pk})
    last = web.get(resp["Location"]).content.decode().split('class="last"')[1].split("</p>")[0]
    assert kept[0].registry_number in last and "保管文件1" in last and kept[0].marking_en in last
    web.post(url, {"registry_number": "FOREIGN-0001", "container": org.cabinet.pk})
    line = InventoryLine.objects.get(registry_number="FOREIGN-0001")
    page = web.get(url).content.decode()
    undo = f"/storage/inventories/{inventory.pk}/lines/{line.pk}/undo/"
    assert f'action="{undo}"' in page and "Undo the scan of FOREIGN-0001" in page
    assert web.get(undo).status_code == 405
    resp = web.post(undo, {"container": org.cabinet.pk})
    assert resp.status_code == 302 and resp["Location"].endswith(f"?container={org.cabinet.pk}")
    page = web.get(resp["Location"]).content.decode()
    assert "The scan of FOREIGN-0001 is undone" in page
    assert not InventoryLine.objects.filter(registry_number="FOREIGN-0001").exists()
    # twice: the line is gone, 404; staff: 403 (the office's page), nothing written
    before = audit_count()
    assert web.post(undo).status_code == 404
    pending = InventoryLine.objects.filter(inventory=inventory, outcome="pending").first()
    resp = web.post(f"/storage/inventories/{inventory.pk}/lines/{pending.pk}/undo/")
    assert resp.status_code == 409 and "no scan to undo" in resp.content.decode()
    assert login(org.staff_core).post(f"/storage/inventories/{inventory.pk}/lines/{pending.pk}/undo/").status_code == 404
    assert audit_count() == before
