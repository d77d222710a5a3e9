"""Carrier labels (QR code and Code 128 of the registry number, as a PDF sheet or single label)
and the carrier page's actions, offered by the same checks the services enforce."""

import subprocess

import pytest
from django.test import Client

from common.levels import Level
from dashboard.labels_pdf import PATTERNS, code128_modules, code128_values
from tests.factories import register

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_code128_structure_and_checksum():
    # "PJJ123C" in code set B: start B (104), the characters, checksum mod 103, stop
    values = code128_values("PJJ123C")
    assert values[0] == 104 and values[1:-1] == [ord(c) - 32 for c in "PJJ123C"]
    assert values[-1] == (104 + sum(i * (ord(c) - 32) for i, c in enumerate("PJJ123C", 1))) % 103 == 55
    modules = code128_modules("PJJ123C")
    core = modules.strip("0")
    assert core.startswith(PATTERNS[104]) and core.endswith("1100011101011")
    assert len(core) == 11 * len(values) + 13
    # every pattern: 11 modules, 3 bars and 3 spaces
    assert len(PATTERNS) == 106 and all(len(p) == 11 and p.count("01") == 2 for p in PATTERNS)
    with pytest.raises(ValueError):
        code128_values("密-1")


def test_label_pdf_for_a_visible_carrier_only(org):
    secret = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res])
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, scope_departments=[org.res])
    staff = logged_in(org.staff_important)
    response = staff.get(f"/labels/{secret.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert secret.registry_number.encode() in text
    single = staff.get(f"/labels/{secret.pk}/", {"layout": "single"})
    info = subprocess.run(["pdfinfo", "-"], input=single.content, capture_output=True, check=True).stdout.decode()
    assert "175.748 x 107.717 pts" in info  # 62 x 38 mm
    # above the reader's clearance: missing, alone or among others
    assert staff.get(f"/labels/{top.pk}/").status_code == 404
    assert staff.get("/labels/", {"ids": f"{secret.pk},{top.pk}"}).status_code == 404
    both = logged_in(org.secretary).get("/labels/", {"ids": f"{secret.pk},{top.pk}"})
    assert both.status_code == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=both.content, capture_output=True, check=True).stdout
    assert secret.registry_number.encode() in text and top.registry_number.encode() in text


def test_carrier_page_offers_the_actions_the_services_allow(org):
    carrier = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res])
    office = logged_in(org.secretary).get(f"/carriers/{carrier.pk}/").content.decode()
    actions = office.split('id="h-actions"')[1].split("</section>")[0]
    # the secrecy office holds it: it records use and dispatches, it does not borrow its own carrier
    assert f"/use/reading/new/?carrier={carrier.pk}" in actions
    assert "/dispatches/new/" in actions
    assert "/use/loans/new/" not in actions
    assert f"/labels/{carrier.pk}/" in actions
    # staff of the scope: may ask to borrow it, may not dispatch or record use
    staff = logged_in(org.staff_important).get(f"/carriers/{carrier.pk}/").content.decode()
    actions = staff.split('id="h-actions"')[1].split("</section>")[0]
    assert f"/use/loans/new/?carrier={carrier.pk}" in actions
    assert "/dispatches/new/" not in actions and "/use/reading/new/" not in actions


def test_registering_says_so(org):
    from tests.carriers.test_html import form_data

    response = logged_in(org.secretary).post("/carriers/register/", form_data(org), follow=True)
    assert response.status_code == 200
    assert "is registered and signed." in response.content.decode()
