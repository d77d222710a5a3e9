"""The storage registers (registers contract): where carriers were put away, temporary retentions
with their approvers' signatures, inventory results with both closing signatures; PDF and CSV in
both languages, only what the reader may see."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from carriers.storage import services
from registers import services as registers


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "register.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def history(org, kept, staff_carrier, approve):
    services.store_carrier(actor=org.secretary, carrier_id=kept[0].pk, container=org.room, note="移库")
    retention = services.request_retention(actor=org.staff_core, carrier_id=staff_carrier.pk, reason="出差审阅",
                                           ends_on=timezone.localdate() + timedelta(days=3))
    approve(retention.approval, org)
    inventory = services.open_inventory(actor=org.secretary, scope="container", container=org.cabinet)
    services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number=kept[1].registry_number)
    services.confirm_seen(actor=org.secretary, inventory_id=inventory.pk, registry_number="STRAY-1")
    services.close_inventory(actor=org.secretary, password=org.password, inventory_id=inventory.pk,
                             second_signer=org.clerk, second_password=org.password, reported_to="保密委员会")
    return kept


def export(org, name, fmt, language, actor=None):
    return registers.export_register(actor=actor or org.auditor, name=name, params={}, fmt=fmt, language=language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_storage_registers_in_both_languages(org, history, staff_carrier, tmp_path, language):
    for name in ("storage", "retentions", "inventories"):
        pdf = pdf_text(export(org, name, "pdf", language).content, tmp_path)
        csv = export(org, name, "csv", language).content.decode("utf-8-sig")
        for document in (pdf, csv):
            if name == "storage":
                assert history[0].registry_number in document and "secretary-name" in document
            elif name == "retentions":
                assert staff_carrier.registry_number in document and "head_res-name" in document
            else:
                assert history[2].registry_number in document and "STRAY-1" in document
                assert "secretary-name" in document and "clerk-name" in document
        if language == "en":
            titles = {"storage": "Register of carriers put away", "retentions": "Register of temporary retentions",
                      "inventories": "Register of inventory checks"}
            assert titles[name] in pdf
            if name == "inventories":
                assert "Checked: vouches" in csv and "Missing" in csv
            if name == "retentions":
                assert "Approved" in csv
        else:
            titles = {"storage": "涉密载体存放登记", "retentions": "涉密载体临时留存登记", "inventories": "涉密载体清查登记"}
            assert titles[name] in pdf


def test_registers_show_only_what_the_reader_may_see(org, history):
    for name in ("storage", "retentions", "inventories"):
        assert export(org, name, "csv", "en", actor=org.other_secretary).rows == 0
