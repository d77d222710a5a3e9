"""The copying pages through Django's test client: the copy request form with its preview step,
the request page with the secrecy office's copy form, the extract and compilation forms showing
the inherited level and period before anything is submitted, the lineage on a carrier's page,
the licences page; refusals show their reason and write nothing."""

import pytest
from django.test import Client

from carriers.copying import selectors
from carriers.copying.models import CopyLicence, CopyRequest, Derivation
from carriers.models import Carrier
from common.levels import Level
from tests.factories import audit_count_but_security

from .conftest import approve_all, approve_compilation, approved_copy, ask_compilation, extract


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def counts():
    return (CopyLicence.objects.count(), CopyRequest.objects.count(), Derivation.objects.count(),
            Carrier.objects.count(), audit_count_but_security())


def test_copy_request_preview_then_submit(org, src):
    client = logged_in(org.staff_core)
    page = client.get(f"/copying/requests/new/?source={src.secret.pk}")
    assert page.status_code == 200 and src.secret.registry_number in page.content.decode()
    data = {"source": src.secret.registry_number, "copies": "2", "purpose": "讨论"}
    before = counts()
    preview = client.post("/copying/requests/new/", {**data, "step": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="preview"' in html
    assert 'id="preview-level">Secret<' in html  # the copies' level
    assert "2036" in html.split('id="preview-period"')[1].split("</dd>")[0]  # and the same end date
    assert "Unit U" in html  # the issuing authority that approves
    assert counts() == before  # a preview writes nothing
    submitted = client.post("/copying/requests/new/", {**data, "step": "submit"})
    assert submitted.status_code == 302
    request = CopyRequest.objects.get()
    assert submitted.url == f"/copying/requests/{request.pk}/" and request.copies == 2


def test_copy_request_of_an_invisible_carrier_is_as_if_missing(org, src):
    client = logged_in(org.staff_general)
    before = counts()
    response = client.post("/copying/requests/new/", {"source": src.secret.registry_number, "copies": "1",
                                                      "purpose": "p", "step": "submit"})
    assert response.status_code == 400 and "No carrier with the registry number" in response.content.decode()
    assert counts() == before


def test_secrecy_office_copies_on_the_request_page(org, licence, src):
    request = approved_copy(org, src.secret, copies=2)
    client = logged_in(org.secretary)
    page = client.get(f"/copying/requests/{request.pk}/").content.decode()
    assert 'id="execute-form"' in page
    assert 'id="execute-form"' not in logged_in(org.staff_core).get(f"/copying/requests/{request.pk}/").content.decode()
    before = counts()
    refused = client.post(f"/copying/requests/{request.pk}/execute/",
                          {"container": org.cabinet.pk, "password": org.password, "quantity": "3"})
    assert refused.status_code == 403 and "Only 2 copies were approved" in refused.content.decode()
    assert counts() == before
    done = client.post(f"/copying/requests/{request.pk}/execute/", {"container": org.cabinet.pk, "password": org.password})
    assert done.status_code == 302
    page = client.get(f"/copying/requests/{request.pk}/").content.decode()
    copies = list(selectors.copies_of(user=org.secretary, request=request))
    assert len(copies) == 2 and all(c.registry_number in page for c in copies)


def test_unlicensed_copy_refused_with_reason(org, src):
    request = approved_copy(org, src.secret, copies=1)
    before = counts()
    response = logged_in(org.secretary).post(f"/copying/requests/{request.pk}/execute/",
                                             {"container": org.cabinet.pk, "password": org.password})
    assert response.status_code == 403 and "not registered as licensed to copy" in response.content.decode()
    assert counts() == before


def test_extract_form_shows_inherited_terms_and_refuses_lower(org, src):
    client = logged_in(org.secretary)
    assert client.get(f"/copying/derivations/new/extract/?source={src.secret.pk}").status_code == 200
    data = {"kind": "extract", "sources": f"{src.secret.registry_number}, {src.conditional.registry_number}",
            "title": "摘录", "purpose": "报告", "carrier_kind": "paper", "container": org.safe.pk,
            "password": org.password}
    before = counts()
    preview = client.post("/copying/derivations/new/extract/", {**data, "step": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="inherited-level">Secret<' in html and "项目验收后解密" in html
    lower = client.post("/copying/derivations/new/extract/", {**data, "level": str(Level.CONFIDENTIAL.value),
                                                              "step": "submit"})
    assert lower.status_code == 400 and "may not be lower" in lower.content.decode()
    lower_preview = client.post("/copying/derivations/new/extract/", {**data, "level": "1", "step": "preview"})
    assert lower_preview.status_code == 400 and 'value="submit"' not in lower_preview.content.decode()
    assert counts() == before
    made = client.post("/copying/derivations/new/extract/", {**data, "step": "submit"})
    assert made.status_code == 302
    derivation = Derivation.objects.get()
    assert derivation.carrier.level == Level.SECRET and derivation.carrier.declassification_condition == "项目验收后解密"
    assert logged_in(org.staff_core).get("/copying/derivations/new/extract/").status_code == 403


def test_compilation_form_and_make(org, src):
    client = logged_in(org.staff_core)
    data = {"kind": "compilation", "sources": f"{src.secret.registry_number} {src.later.registry_number}",
            "title": "汇编", "purpose": "归档", "carrier_kind": "paper", "step": "submit"}
    response = client.post("/copying/derivations/new/compilation/", data)
    assert response.status_code == 302
    derivation = Derivation.objects.get()
    office = logged_in(org.secretary)
    assert 'id="make-form"' not in office.get(f"/copying/derivations/{derivation.pk}/").content.decode()
    refused = office.post(f"/copying/derivations/{derivation.pk}/make/", {"container": org.safe.pk,
                                                                           "password": org.password})
    assert refused.status_code == 403 and "not been approved" in refused.content.decode()
    approve_all(derivation.approval_id, org.password)
    assert 'id="make-form"' in office.get(f"/copying/derivations/{derivation.pk}/").content.decode()
    made = office.post(f"/copying/derivations/{derivation.pk}/make/", {"container": org.safe.pk,
                                                                        "password": org.password})
    assert made.status_code == 302
    derivation.refresh_from_db()
    assert derivation.status == "made" and derivation.carrier.level == Level.SECRET


def test_lineage_on_the_carrier_page(org, licence, src):
    summary = extract(org, [src.secret]).carrier
    compiled = ask_compilation(org, [summary, src.later])
    approve_compilation(org, compiled)
    client = logged_in(org.secretary)
    page = client.get(f"/carriers/{src.secret.pk}/").content.decode()
    assert 'id="lineage"' in page and summary.registry_number in page
    page = client.get(f"/carriers/{summary.pk}/").content.decode()
    ancestors = page.split('id="lineage-ancestors"')[1].split("</dd>")[0]
    assert src.secret.registry_number in ancestors and "extract or quotation" in page


def test_licences_page(org):
    office = logged_in(org.secretary)
    page = office.get("/copying/licences/").content.decode()
    assert 'id="licence-form"' in page
    assert 'id="licence-form"' not in logged_in(org.staff_core).get("/copying/licences/").content.decode()
    before = counts()
    assert logged_in(org.staff_core).post("/copying/licences/", {"unit": org.unit.pk}).status_code == 403
    assert counts() == before
    response = office.post("/copying/licences/", {"unit": org.sec.pk, "licensed": "on", "licensed_on": "2026-01-01",
                                                  "may_copy_coded_telegrams": "on", "granted_by": "机要局"})
    assert response.status_code == 302
    assert CopyLicence.objects.get().may_copy_coded_telegrams


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_index_and_nav(org, src, language):
    approved_copy(org, src.secret, copies=1)
    page = logged_in(org.staff_core, language).get("/copying/")
    html = page.content.decode()
    assert page.status_code == 200 and src.secret.registry_number in html
    assert 'href="/copying/"' in html  # the navigation entry
    assert logged_in(org.other_secretary).get(f"/copying/requests/{CopyRequest.objects.get().pk}/").status_code == 404


def test_demo_data(org):
    from carriers.copying.demo import seed_copying
    from tests.factories import ContainerFactory

    ContainerFactory(code="CAB-01", unit=org.unit, max_level=Level.SECRET)
    ContainerFactory(code="SAFE-01", unit=org.unit, kind="combination_safe", max_level=Level.TOP_SECRET)
    people = {"secretary": org.secretary, "staff_important": org.staff_important, "head_res": org.head_res,
              "staff_core": org.staff_core}
    seed_copying(people, {"SEC": org.sec, "RES": org.res}, org.password)
    assert CopyLicence.objects.count() == 2
    assert CopyRequest.objects.get().status == "executed"
    assert Derivation.objects.filter(kind="extract", status="made").count() == 1
    assert Derivation.objects.filter(kind="compilation", status="submitted").count() == 1
