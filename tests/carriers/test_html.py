"""The server-rendered pages, through Django's test client: login and logout, the carrier list
and its filters, registering (and every refusal writing nothing), the detail page with its
signed history, and the language switch."""

import re

import pytest
from django.test import Client

from audit.models import Signature
from carriers.models import Carrier
from common.levels import Level
from tests.factories import audit_count_but_security, register


@pytest.fixture
def counts():
    # a refused password is written to the trail as a security event (issue 14): nothing else may be
    return lambda: (Carrier.objects.count(), audit_count_but_security(), Signature.objects.count())


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def form_data(org, **overrides) -> dict:
    data = {
        "kind": "paper",
        "title": "Quarterly plan of works",
        "originator": "Higher authority",
        "document_number": "HA-2026-7",
        "level": str(Level.SECRET.value),
        "secrecy_years": "10",
        "secrecy_months": "",
        "declassification_condition": "",
        "period_start": "",
        "copy_number": "000002",
        "copies_total": "3",
        "container": str(org.cabinet.pk),
        "scope_departments": [str(org.res.pk)],
        "password": org.password,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


# --- login, logout -------------------------------------------------------------------------------


def test_login_page(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html


def test_pages_need_login(org):
    client = Client()
    for url in ("/carriers/", "/carriers/register/", "/audit/", "/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_login_redirects_to_the_dashboard(org):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "staff_core", "password": org.password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # the dashboard
    assert client.get("/").status_code == 200


def test_login_with_a_wrong_password_stays_on_the_page(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/login/", {"username": "staff_core", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/carriers/").status_code == 302


def test_login_honours_next_but_not_another_host(org):
    client = Client()
    response = client.post("/login/?next=/audit/", {"username": "auditor", "password": org.password, "next": "/audit/"})
    assert response["Location"] == "/audit/"
    client = Client()
    response = client.post("/login/", {"username": "auditor", "password": org.password, "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_logout_is_post(org):
    client = logged_in(org.staff_core)
    assert client.get("/logout/").status_code == 405
    assert client.get("/carriers/").status_code == 200  # still logged in
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/carriers/").status_code == 302


def test_logout_needs_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.staff_core)
    assert client.post("/logout/").status_code == 403
    assert client.get("/carriers/").status_code == 200


# --- the list ------------------------------------------------------------------------------------


@pytest.fixture
def shelf(org):
    return {
        "c": register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, title="alpha report",
                      scope_departments=[org.res, org.gen], secrecy_years=5),
        "s": register(org.secretary, container=org.cabinet, level=Level.SECRET, title="beta drawing",
                      kind="article", copy_number="", scope_departments=[org.res]),
        "t": register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="gamma plan",
                      secrecy_years=None, scope_departments=[org.res]),
    }


def test_list_shows_marking_and_only_visible_rows(org, shelf):
    html = logged_in(org.staff_important, "zh-hans").get("/carriers/").content.decode()
    assert "秘密★5年" in html and "机密★10年" in html
    assert "alpha report" in html and "beta drawing" in html
    assert "gamma plan" not in html and "绝密" not in html.split("<table", 1)[1]
    assert shelf["s"].registry_number in html and shelf["t"].registry_number not in html
    html = logged_in(org.staff_general, "zh-hans").get("/carriers/").content.decode()
    assert "alpha report" in html and "beta drawing" not in html


def test_list_marking_in_english(org, shelf):
    html = logged_in(org.secretary, "en").get("/carriers/").content.decode()
    assert "Top Secret★30 years" in html and "Confidential★5 years" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("level=TOP_SECRET", "t", "cs"),
        ("level=CONFIDENTIAL", "c", "st"),
        ("kind=article", "s", "ct"),
        ("q=gamma", "t", "cs"),
        ("q=ALPHA", "c", "st"),
        ("status=in_custody", "cst", ""),
        ("status=destroyed", "", "cst"),
        ("level=SECRET&kind=paper", "", "cst"),
    ],
)
def test_list_filters(org, shelf, query, shown, hidden):
    response = logged_in(org.secretary).get(f"/carriers/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    for key in shown:
        assert shelf[key].title in html, key
    for key in hidden:
        assert shelf[key].title not in html, key


def test_list_filter_keeps_the_chosen_value(org, shelf):
    html = logged_in(org.secretary).get("/carriers/?level=SECRET").content.decode()
    assert re.search(r'<option value="SECRET" selected>', html)


@pytest.mark.parametrize("query", ["level=ULTRA", "holder=abc", "status=vanished", "unit=-1", "q=a%00b"])
def test_invalid_list_filters_answer_400_without_rows(org, shelf, query):
    response = logged_in(org.secretary).get(f"/carriers/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errors"' in html
    for carrier in shelf.values():
        assert carrier.title not in html


def test_list_paging_survives_junk_page_numbers(org, shelf):
    client = logged_in(org.secretary)
    for page in ("abc", "0", "-1", "99999999999999999999999"):
        assert client.get(f"/carriers/?page={page}").status_code == 200, page


# --- registering --------------------------------------------------------------------------------


def test_register_form_for_the_secrecy_office_only(org):
    response = logged_in(org.secretary).get("/carriers/register/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password"' in html and 'name="container"' in html
    assert "XSAFE" not in html  # another unit's container is not offered
    assert "Register a carrier" in html
    for name in ("staff_core", "auditor", "head_res", "staff_none"):
        response = logged_in(getattr(org, name)).get("/carriers/register/")
        assert response.status_code == 403, name
        assert "secrecy office" in response.content.decode(), name


def test_register_link_shown_only_to_those_who_may(org):
    assert "/carriers/register/" in logged_in(org.secretary).get("/carriers/").content.decode()
    assert "/carriers/register/" not in logged_in(org.staff_core).get("/carriers/").content.decode()


def test_staff_post_to_register_is_403_and_writes_nothing(org, counts):
    before = counts()
    response = logged_in(org.staff_core).post("/carriers/register/", form_data(org))
    assert response.status_code == 403
    assert counts() == before


def test_register_valid_redirects_to_detail_with_signed_history(org, counts):
    before = counts()
    client = logged_in(org.secretary, "en")
    response = client.post("/carriers/register/", form_data(org))
    assert response.status_code == 302, response.content.decode()[:2000]
    carrier = Carrier.objects.get(title="Quarterly plan of works")
    assert response["Location"] == f"/carriers/{carrier.pk}/"
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 1)
    assert carrier.holder == org.secretary and carrier.container == org.cabinet
    assert list(carrier.scope_departments.all()) == [org.res]

    html = client.get(response["Location"]).content.decode()
    assert carrier.registry_number in html
    assert "Secret★10 years" in html
    history = html.split("<h2>", 1)[1]
    assert "History" in history
    assert "secretary-name" in history  # printed name of the signer
    assert "Registered: I entered this carrier and vouch for its data" in history  # meaning
    signature = Signature.objects.get(target_type="carriers.carrier", target_id=str(carrier.pk))
    assert signature.content_hash[:10] in history


def test_detail_in_chinese_shows_the_signature(org):
    carrier = register(org.secretary, container=org.cabinet)
    html = logged_in(org.secretary, "zh-hans").get(f"/carriers/{carrier.pk}/").content.decode()
    assert _lang(html) == "zh-hans"
    assert "secretary-name" in html and carrier.marking_zh in html


@pytest.mark.parametrize(
    ("who", "overrides", "status", "message"),
    [
        ("secretary", {"level": str(Level.TOP_SECRET.value), "container": "cabinet", "secrecy_years": "20"}, 400,
         "may not hold a Top Secret carrier"),
        ("secretary", {"container": "ordinary"}, 400, "may not hold a Secret carrier"),
        ("secretary", {"password": "wrong-password"}, 400, "The password is not correct"),
        ("secretary", {"password": ""}, 400, "This field is required"),
        ("clerk", {"level": str(Level.TOP_SECRET.value), "container": "safe"}, 403, "your clearance does not reach it"),
        ("secretary", {"container": "other_safe"}, 400, "Select a valid choice"),
        ("secretary", {"level": str(Level.CONFIDENTIAL.value), "secrecy_years": "11"}, 400, "may not exceed 10 years"),
        ("secretary", {"secrecy_months": "12"}, 400, "less than or equal to 11"),
        ("secretary", {"level": "9"}, 400, "Select a valid choice"),
        ("secretary", {"title": "nul\x00byte"}, 400, "Null characters are not allowed"),
        ("secretary", {"title": "x" * 301}, 400, "at most 300 characters"),
        ("secretary", {"copies_total": str(10**30)}, 400, "less than or equal to"),
        ("secretary", {"container": str(10**30)}, 400, "Select a valid choice"),
        ("secretary", {"kind": "electronic"}, 400, "Say which electronic medium"),
        ("secretary", {"copy_number": "000009"}, 400, "outside the 3 copies"),
        ("secretary", {"period_start": "2999-01-01"}, 400, "cannot start in the future"),
    ],
    ids=["top-secret-in-cabinet", "secret-in-ordinary", "wrong-password", "no-password", "above-clearance",
         "other-units-container", "period-too-long", "months-12", "bad-level", "nul-title", "long-title",
         "huge-copies", "huge-container", "no-medium", "copy-outside", "future-start"],
)
def test_register_invalid_shows_the_error_and_writes_nothing(org, counts, who, overrides, status, message):
    for key in ("container",):
        if overrides.get(key) in {"cabinet", "ordinary", "safe", "other_safe"}:
            overrides = {**overrides, key: str(getattr(org, overrides[key]).pk)}
    before = counts()
    response = logged_in(getattr(org, who), "en").post("/carriers/register/", form_data(org, **overrides))
    assert response.status_code == status
    html = response.content.decode()
    assert message in html, re.findall(r'class="error[^"]*"[^>]*>([^<]*)<|<p>([^<]*)</p>', html)
    assert 'role="alert"' in html
    assert '<form method="post"' in html  # the form is shown again to correct
    assert org.password not in html  # the password is never echoed back
    assert counts() == before


def test_register_form_keeps_entered_values_after_an_error(org):
    response = logged_in(org.secretary, "en").post(
        "/carriers/register/", form_data(org, password="wrong-password", title="Keep this title")
    )
    assert response.status_code == 400
    assert 'value="Keep this title"' in response.content.decode()


def test_register_method_not_allowed(org):
    assert logged_in(org.secretary).put("/carriers/register/").status_code == 405


# --- detail -------------------------------------------------------------------------------------


def test_detail_404_for_invisible_and_for_junk_ids(org, shelf):
    client = logged_in(org.staff_general)
    assert client.get(f"/carriers/{shelf['c'].pk}/").status_code == 200
    assert client.get(f"/carriers/{shelf['s'].pk}/").status_code == 404
    assert client.get("/carriers/99999999999999999999999/").status_code == 404
    assert client.get("/carriers/abc/").status_code == 404


# --- the audit pages stay within what the reader may see ------------------------------------------


def test_audit_page_hides_events_of_carriers_the_reader_may_not_see(org, shelf):
    theirs = register(org.other_secretary, container=org.other_safe, level=Level.SECRET, title="other unit memo")
    html = logged_in(org.clerk).get("/audit/").content.decode()
    assert shelf["s"].registry_number in html
    assert shelf["t"].registry_number not in html  # above the clerk's clearance
    assert theirs.registry_number not in html
    html = logged_in(org.other_secretary).get("/audit/").content.decode()
    assert theirs.registry_number in html
    assert all(c.registry_number not in html for c in shelf.values())
    assert logged_in(org.staff_core).get("/audit/").status_code == 403


# --- language switch ------------------------------------------------------------------------------


def test_language_switch(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(org.secretary)
    assert _lang(client.get("/carriers/").content.decode()) == "zh-hans"  # the browser's language

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/carriers/"})
    assert response.status_code == 302 and response["Location"] == "/carriers/"
    html = client.get("/carriers/").content.decode()
    assert _lang(html) == "en"
    assert "Classified carriers" in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/carriers/"})
    html = client.get("/carriers/").content.decode()
    assert _lang(html) == "zh-hans"
    assert "Classified carriers" not in html


def test_language_switch_ignores_unknown_languages_and_foreign_next(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(org.secretary)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/carriers/"})
    assert response.status_code == 302
    assert _lang(client.get("/carriers/").content.decode()) == "en"
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert "evil.example" not in response.get("Location", "")


def test_language_switch_on_the_login_page(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert _lang(client.get("/login/").content.decode()) == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert _lang(client.get("/login/").content.decode()) == "en"
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert _lang(client.get("/login/").content.decode()) == "zh-hans"


def test_pages_load_no_foreign_assets(org, shelf):
    client = logged_in(org.secretary)
    for url in ("/login/", "/carriers/", "/carriers/register/", f"/carriers/{shelf['t'].pk}/", "/audit/"):
        html = client.get(url).content.decode()
        assert not re.search(r"""(?:src|href|action)=["'](?:https?:)?//""", html), url
