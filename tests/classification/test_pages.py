"""The classification basis on the pages and the API: the registration form and the API cite an
item and a classifier (above the classifier's authority: 400 on the field, nothing written), the
carrier page shows the basis, and the secrecy office's page keeps the two lists."""

from django.test import Client
from rest_framework.test import APIClient

from carriers.models import Carrier, Classifier, SecretMatterItem
from common.levels import Level
from tests.carriers.test_html import form_data
from tests.factories import api_token


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_registering_on_the_page_with_a_basis(org, basis, audit_count):
    web = login(org.secretary)
    form = web.get("/carriers/register/").content.decode()
    assert "3.1" in form and "head_res-name" in form and 'name="classified_on"' in form
    before = (audit_count(), Carrier.objects.count())
    resp = web.post("/carriers/register/", form_data(org, basis_item=basis.secret_item.pk,
                                                      classifier=org.staff_important.pk))
    assert resp.status_code == 400 and "authority" in resp.content.decode()
    assert (audit_count(), Carrier.objects.count()) == before
    resp = web.post("/carriers/register/", form_data(org, basis_item=basis.secret_item.pk, classifier=org.head_res.pk))
    assert resp.status_code == 302
    carrier = Carrier.objects.get()
    assert carrier.basis_item_id == basis.secret_item.pk
    page = web.get(f"/carriers/{carrier.pk}/").content.decode()
    assert "3.1" in page and "Technical plans of research projects" in page and "head_res-name" in page


def test_the_carrier_page_hides_an_items_wording_above_the_readers_clearance(org, basis):
    from carriers import services

    top = services.add_matter_item(actor=org.secretary, code="1.1", title_zh="绝密工程总体方案",
                                   title_en="Overall plan of the top secret works", level=Level.TOP_SECRET)
    carrier = services.register_carrier(actor=org.secretary, password=org.password, container=org.cabinet,
                                        kind="paper", title="下发通知", originator="本单位", level=Level.CONFIDENTIAL,
                                        secrecy_years=5, copy_number="000001", copies_total=1,
                                        scope_departments=[org.gen], basis_item=top, classifier=org.head_res)
    page = login(org.staff_general).get(f"/carriers/{carrier.pk}/").content.decode()
    assert "1.1" in page and "Overall plan" not in page


def test_registering_through_the_api_with_a_basis(org, basis, audit_count):
    from tests.carriers.test_api import payload

    client = api_as(org.secretary)
    before = (audit_count(), Carrier.objects.count())
    resp = client.post("/api/v1/carriers/", payload(org, basis_item=basis.secret_item.pk,
                                                    classifier=org.staff_important.pk), format="json")
    assert resp.status_code == 400 and "classifier" in str(resp.json()), resp.json()
    resp = client.post("/api/v1/carriers/", payload(org, basis_item=999999, classifier=org.head_res.pk), format="json")
    assert resp.status_code == 400 and "basis_item" in str(resp.json())
    assert (audit_count(), Carrier.objects.count()) == before
    resp = client.post("/api/v1/carriers/", payload(org, basis_item=basis.secret_item.pk, classifier=org.head_res.pk),
                       format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert (body["basis_kind"], body["basis_item"], body["classifier"]) == (
        "matter_item", basis.secret_item.pk, org.head_res.pk)


def test_the_office_keeps_the_lists_on_its_page(org, basis, audit_count):
    web = login(org.secretary)
    page = web.get("/carriers/classification/").content.decode()
    assert "3.1" in page and "head_res-name" in page and 'id="item-form"' in page
    before = (audit_count(), SecretMatterItem.objects.count())
    resp = web.post("/carriers/classification/items/", {"code": "3.1", "title_zh": "重复", "level": Level.SECRET})
    assert resp.status_code == 400 and (audit_count(), SecretMatterItem.objects.count()) == before
    resp = web.post("/carriers/classification/items/", {"code": "6.1", "title_zh": "采购合同", "title_en": "Contracts",
                                                        "level": Level.CONFIDENTIAL, "secrecy_years": "5"})
    assert resp.status_code == 302 and SecretMatterItem.objects.filter(code="6.1").exists()
    resp = web.post(f"/carriers/classification/items/{basis.confidential_item.pk}/retire/", {"reason": ""})
    assert resp.status_code == 400
    resp = web.post(f"/carriers/classification/items/{basis.confidential_item.pk}/retire/", {"reason": "修订"})
    assert resp.status_code == 302 and not SecretMatterItem.objects.get(pk=basis.confidential_item.pk).is_active
    resp = web.post("/carriers/classification/classifiers/", {"user": org.staff_general.pk, "max_level": Level.TOP_SECRET})
    assert resp.status_code == 400
    resp = web.post(f"/carriers/classification/classifiers/{basis.low.pk}/revoke/", {"reason": "调岗"})
    assert resp.status_code == 400 and Classifier.objects.get(pk=basis.low.pk).revoked_at is None  # unsigned
    resp = web.post(f"/carriers/classification/classifiers/{basis.low.pk}/revoke/",
                    {"reason": "调岗", "password": "wrong-password"})
    assert resp.status_code == 400 and Classifier.objects.get(pk=basis.low.pk).revoked_at is None
    resp = web.post(f"/carriers/classification/classifiers/{basis.low.pk}/revoke/",
                    {"reason": "调岗", "password": org.password, "otp": ""})
    assert resp.status_code == 302 and Classifier.objects.get(pk=basis.low.pk).revoked_at is not None
    # someone else's item or designation: 404
    assert web.post("/carriers/classification/items/999999/retire/", {"reason": "x"}).status_code == 404


def test_staff_read_the_list_but_do_not_keep_it(org, basis):
    web = login(org.staff_core)
    page = web.get("/carriers/classification/").content.decode()
    assert "3.1" in page and 'id="item-form"' not in page
    resp = web.post("/carriers/classification/items/", {"code": "8.1", "title_zh": "x", "level": Level.SECRET})
    assert resp.status_code == 403 and not SecretMatterItem.objects.filter(code="8.1").exists()
