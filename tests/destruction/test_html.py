"""The destruction pages through Django's test client: the request form, the request page with
its carriers, the on-the-spot two-signature screen, the facility hand-over and certificate forms
and the facilities page; refusals show their reason and write nothing."""

import pytest
from django.test import Client
from django.utils import timezone

from carriers.destruction.models import DestructionRequest
from carriers.models import Carrier
from tests.factories import audit_count_but_security

from .conftest import approve_all, submit

pytestmark = pytest.mark.django_db


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def counts():
    return (DestructionRequest.objects.count(), audit_count_but_security(),
            tuple(Carrier.objects.order_by("pk").values_list("status", flat=True)))


def test_nav_and_list(org, approved):
    page = logged_in(org.secretary).get("/destruction/").content.decode()
    assert 'href="/destruction/"' in page and f"/destruction/{approved.pk}/" in page


def test_request_form(org, papers, head_sec):
    client = logged_in(org.secretary)
    assert client.get("/destruction/new/").status_code == 200
    numbers = "\n".join(c.registry_number for c in papers)
    response = client.post("/destruction/new/", {"carriers": numbers, "reason": "过期", "method": "shredding",
                                                 "route": "in_house"})
    assert response.status_code == 302
    request = DestructionRequest.objects.get()
    assert response["Location"] == f"/destruction/{request.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert all(c.registry_number in page for c in papers) and "Waiting for approval" in page


def test_request_form_refusals(org, media, head_sec):
    client = logged_in(org.secretary)
    before = counts()
    response = client.post("/destruction/new/", {"carriers": f"{media.usb.registry_number}\nNOPE-1",
                                                 "reason": "x", "method": "crushing", "route": "in_house"})
    assert response.status_code == 400 and "NOPE-1" in response.content.decode()
    response = client.post("/destruction/new/", {"carriers": media.usb.registry_number, "reason": "x",
                                                 "method": "shredding", "route": "in_house"})
    assert response.status_code == 400
    assert media.usb.registry_number in response.content.decode() and "Physical crushing" in response.content.decode()
    assert counts() == before


def test_two_signature_screen(org, approved, papers):
    client = logged_in(org.clerk)
    page = client.get(f"/destruction/{approved.pk}/").content.decode()
    assert f"/destruction/{approved.pk}/execute/" in page
    page = client.get(f"/destruction/{approved.pk}/execute/").content.decode()
    assert 'id="destroyer-card"' in page and 'id="supervisor-card"' in page
    assert 'name="destroyer_password"' in page and 'name="supervisor_password"' in page
    before = counts()
    same = {"destroyer": org.clerk.pk, "destroyer_password": org.password, "supervisor": org.clerk.pk,
            "supervisor_password": org.password}
    response = client.post(f"/destruction/{approved.pk}/execute/", same)
    assert response.status_code == 400 and "two different people" in response.content.decode()
    wrong = {**same, "supervisor": org.secretary.pk, "supervisor_password": "wrong"}
    response = client.post(f"/destruction/{approved.pk}/execute/", wrong)
    assert response.status_code == 400 and "The password is not correct" in response.content.decode()
    assert counts() == before
    response = client.post(f"/destruction/{approved.pk}/execute/", {**wrong, "supervisor_password": org.password})
    assert response.status_code == 302
    page = client.get(f"/destruction/{approved.pk}/").content.decode()
    assert 'id="destroyer-signature"' in page and "clerk-name" in page and "secretary-name" in page
    assert set(Carrier.objects.filter(pk__in=[c.pk for c in papers]).values_list("status", flat=True)) == {"destroyed"}


def test_screen_without_approval(org, papers, head_sec):
    request = submit(org, papers)
    client = logged_in(org.secretary)
    page = client.get(f"/destruction/{request.pk}/execute/").content.decode()
    assert "cannot be destroyed in house now" in page and 'id="execute-form"' not in page
    before = counts()
    response = client.post(f"/destruction/{request.pk}/execute/", {
        "destroyer": org.secretary.pk, "destroyer_password": org.password, "supervisor": org.clerk.pk,
        "supervisor_password": org.password})
    assert response.status_code == 403
    assert counts() == before


def test_invisible_request_is_404(org, approved):
    client = logged_in(org.other_secretary)
    assert client.get(f"/destruction/{approved.pk}/").status_code == 404
    assert client.get(f"/destruction/{approved.pk}/execute/").status_code == 404


def test_facility_forms(org, papers, facilities, head_sec):
    request = approve_all(org, submit(org, papers, route="facility", facility=facilities.good, method="pulping"),
                          head_sec)
    secretary = logged_in(org.secretary)
    page = secretary.get(f"/destruction/{request.pk}/").content.decode()
    assert 'id="handover-form"' in page
    response = secretary.post(f"/destruction/{request.pk}/handover/", {"courier": org.clerk.pk, "declared_count": 3,
                                                                       "password": org.password})
    assert response.status_code == 302
    clerk = logged_in(org.clerk)
    assert 'id="receive-form"' in clerk.get(f"/destruction/{request.pk}/").content.decode()
    assert clerk.post(f"/destruction/{request.pk}/receive/", {"counted_count": 3,
                                                             "password": org.password}).status_code == 302
    page = clerk.get(f"/destruction/{request.pk}/").content.decode()
    assert 'id="certificate-form"' in page
    response = clerk.post(f"/destruction/{request.pk}/certificate/", {
        "number": "XH-9", "issued_on": timezone.localdate().isoformat(), "received_by": "张接收",
        "carriers": "\n".join(c.registry_number for c in papers), "password": org.password})
    assert response.status_code == 302
    page = clerk.get(f"/destruction/{request.pk}/").content.decode()
    assert 'id="certificate"' in page and "XH-9" in page and "Destroyed" in page


def test_facilities_page(org, facilities):
    client = logged_in(org.secretary)
    page = client.get("/destruction/facilities/").content.decode()
    assert "定点销毁中心" in page and "乙销毁中心" not in page and 'id="facility-form"' in page
    response = client.post("/destruction/facilities/", {"name": "新中心", "licence_number": "XH-N",
                                                        "address": "某地", "valid_until": "2030-01-01"})
    assert response.status_code == 302
    head = logged_in(org.head_res)
    assert 'id="facility-form"' not in head.get("/destruction/facilities/").content.decode()
    assert head.post("/destruction/facilities/", {"name": "x", "licence_number": "y", "address": "z",
                                                  "valid_until": "2030-01-01"}).status_code == 403


def test_pages_read_in_chinese(org, approved):
    page = logged_in(org.clerk, "zh-hans").get(f"/destruction/{approved.pk}/execute/")
    assert page.status_code == 200
