"""The storage stage's access policy (carriers/storage/policy.py): every model registered with the
gate; a storage entry, a temporary retention, a filing and an inventory naming a Top Secret
carrier are not seen by a Secret-cleared secrecy-office clerk (API list, API detail 404, HTML page)
and are by the unit's Top Secret-cleared secretary; an inventory line naming a carrier the reader
may not open is left out and counted, never named."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from carriers.models import Container
from carriers.storage import policy
from carriers.storage.models import Filing, InventoryLine, StorageEntry, TemporaryRetention
from common import access
from common.levels import Level
from tests.factories import ContainerFactory, register

from .conftest import give


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("storage").get_models():
        assert access.policy_for(model) is not None, model


@pytest.fixture
def safe2(org):
    return ContainerFactory(code="SAFE2", kind=Container.Kind.COMBINATION_SAFE, unit=org.unit,
                            max_level=Level.TOP_SECRET)


@pytest.fixture
def top(kept):
    return kept[3]


def test_storage_entries_of_a_top_secret_carrier(org, top, safe2):
    from carriers.storage import services

    services.store_carrier(actor=org.secretary, carrier_id=top.pk, container=safe2)
    assert top.registry_number not in api(org.clerk).get("/api/v1/storage-entries/").content.decode()
    assert top.registry_number not in page(org.clerk).get(f"/storage/containers/{safe2.pk}/").content.decode()
    assert not access.restrict(StorageEntry.objects.all(), org.clerk).exists()
    assert top.registry_number in api(org.secretary).get("/api/v1/storage-entries/").content.decode()
    assert top.registry_number in page(org.secretary).get(f"/storage/containers/{safe2.pk}/").content.decode()


def test_a_retention_of_a_top_secret_carrier(org):
    from carriers.storage import services

    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, copy_number="000001", copies_total=1,
                   scope_departments=[org.res], title="绝密留存文件")
    give(org, top, org.staff_core, container=org.safe)
    retention = services.request_retention(actor=org.staff_core, carrier_id=top.pk, reason="在家审阅",
                                           ends_on=timezone.localdate() + timedelta(days=3))
    assert retention.level == Level.TOP_SECRET
    listed = api(org.clerk).get("/api/v1/retentions/")
    assert listed.status_code == 200 and top.registry_number not in listed.content.decode()
    assert api(org.clerk).get(f"/api/v1/retentions/{retention.pk}/").status_code == 404
    assert top.registry_number not in page(org.clerk).get("/storage/retentions/").content.decode()
    assert not access.restrict(TemporaryRetention.objects.all(), org.clerk).exists()
    assert api(org.secretary).get(f"/api/v1/retentions/{retention.pk}/").status_code == 200
    assert top.registry_number in page(org.secretary).get("/storage/retentions/").content.decode()


def test_a_filing_of_a_top_secret_carrier(org, kept, top, safe2):
    from carriers.storage import services

    archive = services.create_archive(actor=org.secretary, name_zh="绝密档案室", name_en="TS archives",
                                      keeper=org.auditor, container=safe2)
    filing = services.file_to_archives(actor=org.secretary, password=org.password, archive_id=archive.pk,
                                       carriers=[kept[0], top], declared_count=2)
    listed = api(org.clerk).get("/api/v1/filings/")
    assert listed.status_code == 200 and top.registry_number not in listed.content.decode()
    assert api(org.clerk).get(f"/api/v1/filings/{filing.pk}/").status_code == 404
    assert page(org.clerk).get(f"/storage/filings/{filing.pk}/").status_code == 404
    assert top.registry_number not in page(org.clerk).get("/storage/filings/").content.decode()
    assert top.registry_number in api(org.secretary).get(f"/api/v1/filings/{filing.pk}/").content.decode()
    html = page(org.secretary).get(f"/storage/filings/{filing.pk}/")
    assert html.status_code == 200 and top.registry_number in html.content.decode()
    assert access.carriers_named(filing) == {kept[0].pk, top.pk}
    # the keeper accepts (policy.may_accept_filing shows the form to the keeper only)
    assert policy.may_accept_filing(org.auditor, filing) and not policy.may_accept_filing(org.secretary, filing)
    assert policy.may_cancel_filing(org.secretary, filing) and not policy.may_cancel_filing(org.auditor, filing)
    assert not Filing.objects.filter(status="archived").exists()


def test_an_inventory_naming_a_top_secret_carrier(org, kept, top):
    from carriers.storage import services

    inventory = services.open_inventory(actor=org.secretary, scope="unit")
    assert inventory.level == Level.TOP_SECRET
    assert top.registry_number not in api(org.clerk).get("/api/v1/inventories/").content.decode()
    assert api(org.clerk).get(f"/api/v1/inventories/{inventory.pk}/").status_code == 404
    assert page(org.clerk).get(f"/storage/inventories/{inventory.pk}/").status_code == 404
    detail = api(org.secretary).get(f"/api/v1/inventories/{inventory.pk}/").json()
    assert top.registry_number in {line["registry_number"] for line in detail["lines"]} and detail["hidden_lines"] == 0
    assert top.registry_number in page(org.secretary).get(f"/storage/inventories/{inventory.pk}/").content.decode()


def test_a_line_naming_a_carrier_the_reader_may_not_open_is_counted_not_named(org, kept, top):
    """The clerk checks the (Secret) cabinet and scans the Top Secret carrier found there."""
    from carriers.storage import services

    inventory = services.open_inventory(actor=org.clerk, scope="container", container=org.cabinet)
    url = f"/api/v1/inventories/{inventory.pk}/"
    scanned = api(org.clerk).post(url + "confirm/", {"registry_number": top.registry_number}, format="json")
    assert scanned.status_code == 200 and scanned.json()["outcome"] == "unexpected"
    assert scanned.json()["level"] is None and scanned.json()["in_registry"] is None
    assert scanned.json()["expected_container"] is None and scanned.json()["expected_holder"] is None
    line = InventoryLine.objects.get(inventory=inventory, carrier=top)
    assert not access.restrict(InventoryLine.objects.filter(pk=line.pk), org.clerk).exists()
    detail = api(org.clerk).get(url).json()
    assert detail["hidden_lines"] == 1 and len(detail["lines"]) == 3
    assert top.registry_number not in str(detail["lines"])
    html = page(org.clerk).get(f"/storage/inventories/{inventory.pk}/").content.decode()
    assert "1 more line names a carrier that is not visible to you." in html and top.registry_number not in html
    seen = api(org.secretary).get(url).json()
    assert seen["hidden_lines"] == 0 and top.registry_number in {ln["registry_number"] for ln in seen["lines"]}


def test_actions(org, kept):
    assert policy.may_run_inventories(org.clerk) and not policy.may_run_inventories(org.staff_core)
    assert access.can(org.secretary, policy.MANAGE_ARCHIVES) and not access.can(org.auditor, policy.MANAGE_ARCHIVES)
    assert policy.may_store(org.secretary, kept[0]) and not policy.may_store(org.staff_core, kept[0])
