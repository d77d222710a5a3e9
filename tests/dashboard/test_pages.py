"""The dashboard, the search and the notices page through Django's test client: every count and
row goes through the access gate, a scanned number opens its carrier, the chrome marks where one
is (aria-current, breadcrumbs, skip link, labelled landmarks) and shows each role its own menu."""

import re

import pytest
from django.test import Client

from approvals.models import Notice
from carriers.models import Carrier
from common.levels import Level
from tests.factories import register

pytestmark = pytest.mark.django_db


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def carriers(org):
    """Three carriers of Research (scope), one Top Secret in the safe, one Confidential document
    with a document number, one Secret the research staff hold."""
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密作战计划",
                   scope_departments=[org.res])
    conf = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, title="Budget outline",
                    document_number="BUD-2026-17", scope_departments=[org.res])
    secret = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="Research plan 2026",
                      scope_departments=[org.res])
    return top, conf, secret


def chart_count(html, section_id, label):
    """The count printed next to a label in one of the dashboard's chart tables."""
    part = html.split(f'id="{section_id}"')[1].split("</section>")[0]
    match = re.search(rf">{re.escape(label)}(?:</a>)?</th><td class=\"num\">(\d+)<", part)
    assert match, f"{label!r} not in {section_id}"
    return int(match.group(1))


def test_root_is_the_dashboard_and_anonymous_goes_to_login(org):
    assert Client().get("/").url.startswith("/login")
    response = logged_in(org.secretary).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Dashboard</h1>" in html
    for heading in ("Waiting for you", "Overdue and due soon", "Active alerts by severity", "Your own work"):
        assert heading in html


def test_counts_only_what_the_reader_may_open(org, carriers):
    top, conf, secret = carriers
    office = logged_in(org.secretary).get("/").content.decode()
    assert chart_count(office, "h-counts", "Top Secret") == Carrier.objects.filter(level=Level.TOP_SECRET).count() == 1
    # staff_important (clearance Secret) of Research: the Top Secret one is not counted, anywhere
    html = logged_in(org.staff_important).get("/").content.decode()
    assert chart_count(html, "h-counts", "Top Secret") == 0
    assert chart_count(html, "h-counts", "Secret") == 1
    assert chart_count(html, "h-counts", "Confidential") == 1
    assert "2 carriers you may open" in html
    assert top.registry_number not in html and top.title not in html
    # someone of another department and no scope: nothing
    html = logged_in(org.staff_general).get("/").content.decode()
    assert "0 carriers you may open" in html and "You may open no carrier." in html


def test_a_scanned_number_opens_the_carrier_and_invisible_ones_look_missing(org, carriers):
    top, conf, secret = carriers
    office = logged_in(org.secretary)
    response = office.get("/search/", {"q": f"  {secret.registry_number}\r\n"})
    assert response.status_code == 302 and response.url == f"/carriers/{secret.pk}/"
    # the same scan by someone who may not open it: no redirect, no hint it exists
    staff = logged_in(org.staff_important)
    response = staff.get("/search/", {"q": top.registry_number})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/carriers/{top.pk}/" not in html and top.title not in html
    assert "0 matches" in html and "No carrier you may open matches" in html


def test_search_by_document_number_and_title_words(org, carriers):
    top, conf, secret = carriers
    staff = logged_in(org.staff_important)
    html = staff.get("/search/", {"q": "bud-2026"}).content.decode()
    assert f"/carriers/{conf.pk}/" in html and "1 match" in html
    html = staff.get("/search/", {"q": "plan"}).content.decode()
    assert f"/carriers/{secret.pk}/" in html and f"/carriers/{top.pk}/" not in html
    html = logged_in(org.secretary).get("/search/", {"q": "作战"}).content.decode()
    assert f"/carriers/{top.pk}/" in html
    # every word must match: a word no carrier has empties the result
    html = staff.get("/search/", {"q": "plan nonsenseword"}).content.decode()
    assert "0 matches" in html


def test_the_chrome_marks_the_place_and_labels_its_landmarks(org, carriers):
    html = logged_in(org.secretary).get("/carriers/").content.decode()
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    nav = html.split('class="mainnav"')[1].split("</nav>")[0]
    assert re.search(r'href="/carriers/" aria-current="page"', nav)
    assert nav.count("aria-current") == 1
    # every <nav> has a name
    for tag in re.findall(r"<nav\b[^>]*>", html):
        assert "aria-label=" in tag, tag
    crumbs = html.split('class="crumbs"')[1].split("</nav>")[0]
    assert 'href="/"' in crumbs and "aria-current=\"page\"" in crumbs
    # a carrier page: Dashboard › Carriers › its number
    carrier = carriers[2]
    html = logged_in(org.secretary).get(f"/carriers/{carrier.pk}/").content.decode()
    crumbs = html.split('class="crumbs"')[1].split("</nav>")[0]
    assert 'href="/carriers/"' in crumbs and f'<span aria-current="page">{carrier.registry_number}</span>' in crumbs
    nav = html.split('class="mainnav"')[1].split("</nav>")[0]
    assert re.search(r'href="/carriers/" aria-current="true"', nav)


def test_menus_by_role(org):
    def menu(user):
        html = logged_in(user).get("/").content.decode()
        return re.findall(r'<li><a href="([^"]+)"', html.split('class="mainnav"')[1].split("</nav>")[0])

    office, staff, auditor = menu(org.secretary), menu(org.staff_core), menu(org.auditor)
    assert "/carriers/register/" in office and "/carriers/register/" not in staff
    assert "/import/" in office and "/import/" not in staff  # the old ledger import: who registers
    assert "/audit/" in auditor and "/audit/" not in staff
    assert "/holds/" in office and "/holds/" not in staff
    # staff reach their own secrecy file and the secrecy periods of the carriers they may review
    assert "/declassification/" in staff and "/personnel/" in staff
    assert len(staff) < len(office)


def test_notices_page_lists_and_marks_read(org, carriers):
    Notice.objects.create(recipient=org.staff_core, kind=Notice.Kind.APPROVED)
    Notice.objects.create(recipient=org.staff_core, kind=Notice.Kind.REJECTED)
    Notice.objects.create(recipient=org.secretary, kind=Notice.Kind.APPROVED)
    client = logged_in(org.staff_core)
    html = client.get("/notices/").content.decode()
    assert "2 new notices" in html
    assert "Your request was approved" in html and "Your request was rejected" in html
    response = client.post("/notices/read/", follow=True)
    html = response.content.decode()
    assert "All notices are marked as read." in html and "new notice" not in html
    assert Notice.objects.filter(recipient=org.staff_core, read_at__isnull=True).count() == 0
    assert Notice.objects.filter(recipient=org.secretary, read_at__isnull=True).count() == 1
    # the dashboard's tile leads to the notices page
    html = logged_in(org.secretary).get("/").content.decode()
    assert 'href="/notices/"' in html


def test_chinese_dashboard(org, carriers):
    html = logged_in(org.secretary, "zh-hans").get("/").content.decode()
    assert '<html lang="zh-hans">' in html
