"""The carrying pages: request form, detail with the next step's form for whoever must sign,
check-out, acceptance, check-in and its acceptance; refusals show their reason and write nothing."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from carriers.carrying.models import CarryOutRequest
from carriers.models import Carrier
from tests.factories import audit_count_but_security

from .conftest import approve_all, submit


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def form_data(carriers, **overrides):
    data = {"carriers": [str(c.pk) for c in carriers], "scope": "foreign_affairs", "destination": "外事活动会场",
            "purpose": "外事会谈需要", "protective_measures": "专人保管，不离身", "briefed": "on",
            "expected_return": (timezone.localdate() + timedelta(days=1)).isoformat()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_request_through_the_form_and_walk_every_step(org, out):
    staff, office = logged_in(org.staff_core), logged_in(org.secretary)
    page = staff.get("/carrying/new/")
    assert page.status_code == 200 and out[0].registry_number in page.content.decode()
    resp = staff.post("/carrying/new/", form_data(out[:1]))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    carry = CarryOutRequest.objects.get()
    assert carry.scope == "foreign_affairs" and carry.approval.variant == "foreign_affairs"
    detail = staff.get(f"/carrying/{carry.pk}/").content.decode()
    assert "Waiting for approval" in detail and "step-form" not in detail
    approve_all(org, carry)
    page = office.get(f"/carrying/{carry.pk}/").content.decode()
    assert "Check out: hand the carriers to the person carrying" in page
    assert office.post(f"/carrying/{carry.pk}/check-out/", {"declared_count": "1", "password": org.password}).status_code == 302
    assert "Count and sign for the carriers you take out" in staff.get(f"/carrying/{carry.pk}/").content.decode()
    assert staff.post(f"/carrying/{carry.pk}/accept/", {"counted_count": "1", "password": org.password}).status_code == 302
    assert Carrier.objects.get(pk=out[0].pk).status == "carried_out"
    listing = staff.get("/carrying/").content.decode()
    assert "Out now" in listing and carry.number in listing
    assert staff.post(f"/carrying/{carry.pk}/check-in/", {"declared_count": "1", "password": org.password}).status_code == 302
    resp = office.post(f"/carrying/{carry.pk}/check-in/accept/",
                       {"counted_count": "1", "container": str(org.cabinet.pk), "password": org.password})
    assert resp.status_code == 302
    page = office.get(f"/carrying/{carry.pk}/").content.decode()
    assert "Checked back in" in page and "secretary-name" in page and "staff_core-name" in page
    assert Carrier.objects.get(pk=out[0].pk).status == "in_custody"


def test_refusals_show_the_reason_and_write_nothing(org, out):
    staff = logged_in(org.staff_core)
    before = audit_count_but_security()
    resp = staff.post("/carrying/new/", form_data(out[:1], briefed=None))
    assert resp.status_code == 400 and "told the rules" in resp.content.decode()
    resp = staff.post("/carrying/new/", form_data(out[:1], carrier_person=str(org.staff_general.pk)))
    assert resp.status_code == 403 and "not cleared" in resp.content.decode()
    assert audit_count_but_security() == before and not CarryOutRequest.objects.exists()
    carry = submit(org, out[:1], scope="abroad")
    before = audit_count_but_security()
    resp = logged_in(org.secretary).post(f"/carrying/{carry.pk}/check-out/",
                                         {"declared_count": "1", "password": org.password})
    assert resp.status_code == 403 and "abroad" in resp.content.decode()
    assert audit_count_but_security() == before


def test_pages_in_chinese_and_404_for_others(org, out):
    carry = submit(org, out[:1])
    assert logged_in(org.staff_core, "zh-hans").get(f"/carrying/{carry.pk}/").status_code == 200
    assert logged_in(org.staff_general).get(f"/carrying/{carry.pk}/").status_code == 404
    assert logged_in(org.other_secretary).post(f"/carrying/{carry.pk}/check-out/",
                                               {"declared_count": "1", "password": org.password}).status_code == 404
    assert logged_in(org.staff_core).get(f"/carrying/{carry.pk}/check-out/").status_code == 302
