"""The production pages through Django's test client: request form, request detail with the
approval status and the secrecy office's run form, the run's numbered copies, the intermediate
materials of a run, places and enterprises; refusals show their reason and write nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carriers.models import Carrier
from carriers.production.models import ProductionPlace, ProductionRequest, ProductionRun
from common.levels import Level
from tests.factories import audit_count_but_security

from .conftest import approve, run, submit


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def counts():
    return (ProductionRequest.objects.count(), ProductionRun.objects.count(), Carrier.objects.count(),
            audit_count_but_security())


def form_data(org, sites, **overrides) -> dict:
    data = {
        "title": "Annual research plan", "kind": "paper", "level": str(Level.SECRET.value), "secrecy_years": "5",
        "copies": "3", "purpose": "For the divisions", "place": str(sites.place.pk),
        "scope_departments": [str(org.res.pk)],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_requests_production_and_sees_the_approval_status(org, sites):
    client = logged_in(org.staff_core)
    page = client.get("/production/new/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("title", "level", "secrecy_years", "declassification_condition", "copies", "place", "enterprise",
                 "scope_departments", "scope_people", "scope_units"):
        assert f'name="{name}"' in html, name
    assert sites.other_unit_place.name_en not in html  # another unit's place is not offered
    response = client.post("/production/new/", form_data(org, sites))
    assert response.status_code == 302
    production = ProductionRequest.objects.get()
    assert response["Location"] == f"/production/{production.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Secret★5 years" in html and "机密★5年" in html
    assert "Waiting for approval" in html and 'id="approval-status"' in html
    assert f"/approvals/{production.approval_id}/" in html
    assert 'id="run-form"' not in html  # staff never run production
    assert "Production requested" in html  # the history, with its action label


def test_refusals_on_the_request_form(org, sites):
    client = logged_in(org.staff_core)
    before = counts()
    empty = client.post("/production/new/", {})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    refused = client.post("/production/new/", form_data(org, sites, place=str(sites.expired_place.pk)))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "expired on" in html and 'id="field-place"' in html
    both = client.post("/production/new/", form_data(org, sites, enterprise=str(sites.enterprise.pk)))
    assert both.status_code == 400 and "either a production place" in both.content.decode()
    individual = client.post("/production/new/", form_data(org, sites, place="", enterprise=str(sites.individual.pk)))
    assert individual.status_code == 403 and "self-employed individual" in individual.content.decode()
    nul = client.post("/production/new/", form_data(org, sites, title="a\x00b"))
    assert nul.status_code == 400
    assert counts() == before


def test_the_approver_sees_what_the_request_concerns(org, sites):
    production = submit(org, sites)
    html = logged_in(org.head_res).get(f"/approvals/{production.approval_id}/").content.decode()
    assert f'href="/production/{production.pk}/"' in html and "Secret★10 years" in html
    assert "5 copies requested" in html
    assert logged_in(org.head_res).get(f"/production/{production.pk}/").status_code == 200
    assert logged_in(org.head_gen).get(f"/production/{production.pk}/").status_code == 404


def test_secrecy_office_runs_it_and_sees_the_numbered_copies(org, approved):
    client = logged_in(org.secretary)
    html = client.get(f"/production/{approved.pk}/").content.decode()
    assert 'id="run-form"' in html and "Exactly 5 copies are made" in html
    assert "Approved, not yet produced" in html
    response = client.post(f"/production/{approved.pk}/run/", {"container": str(org.cabinet.pk),
                                                                "password": org.password})
    assert response.status_code == 302
    made = ProductionRun.objects.get(request=approved)
    assert response["Location"] == f"/production/runs/{made.pk}/"
    html = client.get(response["Location"]).content.decode()
    for n in range(1, 6):
        assert f"00000{n} / 5" in html
    assert html.count("Secret★10 years") >= 5
    for carrier in made.carriers.all():
        assert carrier.registry_number in html
    copy_page = client.get(f"/carriers/{made.carriers.get(copy_number='000002').pk}/").content.decode()
    assert f'href="/production/runs/{made.pk}/"' in copy_page and "000002 / 5" in copy_page
    detail = client.get(f"/production/{approved.pk}/").content.decode()
    assert 'id="run-form"' not in detail and "5 copies made on" in detail
    # a second run through the page: 409 with the reason, nothing written
    before = counts()
    again = client.post(f"/production/{approved.pk}/run/", {"container": str(org.cabinet.pk), "password": org.password})
    assert again.status_code == 409 and "already been produced" in again.content.decode()
    assert counts() == before


def test_run_refusals_on_the_page(org, approved):
    before = counts()
    staff = logged_in(org.staff_core).post(f"/production/{approved.pk}/run/", {"container": str(org.cabinet.pk),
                                                                                "password": org.password})
    assert staff.status_code == 403 and "Only the secrecy office" in staff.content.decode()
    client = logged_in(org.secretary)
    weak = client.post(f"/production/{approved.pk}/run/", {"container": str(org.ordinary.pk), "password": org.password})
    assert weak.status_code in (400, 403)
    wrong = client.post(f"/production/{approved.pk}/run/", {"container": str(org.cabinet.pk), "password": "nope"})
    assert wrong.status_code == 400 and "password is not correct" in wrong.content.decode()
    assert client.get(f"/production/{approved.pk}/run/").status_code == 302
    assert logged_in(org.other_secretary).post(f"/production/{approved.pk}/run/", {}).status_code == 404
    assert counts() == before


def test_not_yet_approved_has_no_run_form_and_refuses_a_run(org, sites):
    production = submit(org, sites)
    client = logged_in(org.secretary)
    assert 'id="run-form"' not in client.get(f"/production/{production.pk}/").content.decode()
    response = client.post(f"/production/{production.pk}/run/", {"container": str(org.cabinet.pk),
                                                                  "password": org.password})
    assert response.status_code == 403 and "not been approved" in response.content.decode()


def test_intermediate_materials_page(org, approved, settings):
    made = run(org, approved)
    client = logged_in(org.secretary)
    url = f"/production/runs/{made.pk}/intermediates/"
    html = client.get(url).content.decode()
    assert 'id="intermediate-form"' in html and "No intermediate materials registered." in html
    kept = client.post(url, {"intermediate_kind": "proof", "disposition": "keep", "description": "second proof",
                             "password": org.password})
    assert kept.status_code == 302
    waste = client.post(url, {"intermediate_kind": "waste", "disposition": "destroy", "password": org.password})
    assert waste.status_code == 302
    html = client.get(url).content.decode()
    assert "Proof" in html and "Waste" in html and "Pending destruction" in html and "to be destroyed by" in html
    waste_carrier = made.carriers.get(intermediate_kind="waste")
    waste_page = client.get(f"/carriers/{waste_carrier.pk}/").content.decode()
    assert "Intermediate material: Waste · Destroy · to be destroyed by" in waste_page
    assert html.count("Secret★10 years") >= 3
    before = counts()
    bad = client.post(url, {"intermediate_kind": "proof", "disposition": "keep", "container": str(org.ordinary.pk),
                            "password": org.password})
    assert bad.status_code == 400 and "may not hold" in bad.content.decode()
    # the requester may look, not register
    staff = logged_in(org.staff_core)
    assert 'id="intermediate-form"' not in staff.get(url).content.decode()
    assert staff.post(url, {"intermediate_kind": "draft", "disposition": "keep", "password": org.password}).status_code == 403
    assert logged_in(org.other_secretary).get(url).status_code == 404
    assert counts() == before
    # the overdue list on the production page, for the secrecy office
    Carrier.objects.filter(disposition="destroy").update(dispose_by=timezone.localdate() - timedelta(days=1))
    listing = client.get("/production/").content.decode()
    assert 'id="overdue"' in listing and "Intermediate materials not destroyed in time" in listing
    assert 'id="overdue"' not in staff.get("/production/").content.decode()


def test_places_and_enterprises_page(org, sites):
    client = logged_in(org.secretary)
    html = client.get("/production/sites/").content.decode()
    assert 'id="place-form"' in html and 'id="enterprise-form"' in html
    assert "self-employed individual: never entrusted" in html and "expired" in html
    response = client.post("/production/sites/", {
        "which": "place", "place-name_zh": "新印制室", "place-name_en": "New print room",
        "place-approval_reference": "保密〔2026〕9号", "place-max_level": "2", "place-valid_from": "2026-01-01",
        "place-valid_until": "2030-12-31",
    })
    assert response.status_code == 302
    assert ProductionPlace.objects.filter(name_en="New print room").exists()
    backwards = client.post("/production/sites/", {
        "which": "place", "place-name_zh": "甲", "place-name_en": "A", "place-max_level": "2",
        "place-valid_from": "2026-01-01", "place-valid_until": "2025-12-31",
    })
    assert backwards.status_code == 400 and "ends before it starts" in backwards.content.decode()
    enterprise = client.post("/production/sites/", {"which": "enterprise", "enterprise-name": "戊印刷厂",
                                                     "enterprise-licence_number": "JM-5", "enterprise-licensed_level": "1",
                                                     "enterprise-licence_valid_until": "2030-01-01"})
    assert enterprise.status_code == 302
    staff = logged_in(org.staff_core)
    assert 'id="place-form"' not in staff.get("/production/sites/").content.decode()
    assert staff.post("/production/sites/", {"which": "place"}).status_code == 403


def test_pages_read_in_chinese(org, approved):
    made = run(org, approved)
    client = logged_in(org.secretary, "zh-hans")
    for url, terms in [
        ("/production/", ["印制申请", "份数"]),
        (f"/production/{approved.pk}/", ["国家秘密标志（中文）", "保密期限", "知悉范围", "审批"]),
        (f"/production/runs/{made.pk}/", ["份号", "登记编号", "机密★10年"]),
        (f"/production/runs/{made.pk}/intermediates/", ["中间材料", "清样", "废品", "销毁"]),
        ("/production/sites/", ["印制场所", "外部企业", "个体"]),
        ("/production/new/", ["申请印制", "份数", "提交审批"]),
    ]:
        html = client.get(url).content.decode()
        assert '<html lang="zh-hans">' in html
        for term in terms:
            assert term in html, (url, term)


def test_unknown_and_invisible_pages_are_404(org, approved):
    client = logged_in(org.other_secretary)
    assert client.get(f"/production/{approved.pk}/").status_code == 404
    assert client.get("/production/99999999999999999999999/").status_code == 404
    assert client.get("/production/runs/99999999999999999999/intermediates/").status_code == 404
    assert logged_in(org.staff_general).get(f"/production/{approved.pk}/").status_code == 404


def test_the_nav_links_to_production(org):
    html = logged_in(org.staff_core).get("/carriers/").content.decode()
    assert 'href="/production/"' in html


def test_top_secret_request_is_listed_only_for_cleared_people(org, sites):
    production = submit(org, sites, level=Level.TOP_SECRET, secrecy_years=30, scope_people=[])
    approve(org, production)
    assert logged_in(org.clerk).get(f"/production/{production.pk}/").status_code == 404  # clerk: important post
    assert logged_in(org.secretary).get(f"/production/{production.pk}/").status_code == 200


pytestmark = pytest.mark.django_db
