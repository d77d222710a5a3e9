"""The scan lookup of the action forms (issue 18, item 4): /scan/lookup/?number=...&action=...
answers the carrier with its title and marking and whether this user may put it into this action,
with the reason from the same rules the action's service enforces; a carrier the user may not open
answers exactly like a number that does not exist (404); a lookup writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from common.levels import Level
from tests.factories import register

URL = "/scan/lookup/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def carrier(org):
    """A Secret carrier of the secretary, in the cabinet, within Research's scope."""
    return register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res],
                    title="科研处年度计划")


def lookup(client, number, action):
    return client.get(URL, {"number": number, "action": action})


def test_a_scan_shows_the_carrier_with_title_and_marking(org, carrier):
    resp = lookup(login(org.secretary), f" {carrier.registry_number}\n", "dispatch")
    assert resp.status_code == 200
    data = resp.json()
    assert data["id"] == carrier.pk and data["number"] == carrier.registry_number
    assert data["title"] == "科研处年度计划" and data["marking"] == carrier.marking_en
    assert data["allowed"] is True and data["reason"] == ""
    for action in ("handover", "destruction", "filing", "inventory", "loan"):
        assert lookup(login(org.secretary), carrier.registry_number, action).json()["allowed"] is True, action
    # ignoring case, as a scanner in the wrong mode types it
    assert lookup(login(org.secretary), carrier.registry_number.lower(), "handover").json()["id"] == carrier.pk


def test_a_refused_scan_says_why_from_the_actions_rules(org, carrier):
    staff = login(org.staff_core)
    data = lookup(staff, carrier.registry_number, "handover").json()
    assert data["allowed"] is False and "You do not hold" in data["reason"]
    data = lookup(staff, carrier.registry_number, "dispatch").json()
    assert data["allowed"] is False and "Only the secrecy office dispatches" in data["reason"]
    data = lookup(staff, carrier.registry_number, "destruction").json()
    assert data["allowed"] is False and "only carriers you hold" in data["reason"]
    data = lookup(login(org.secretary), carrier.registry_number, "receipt").json()
    assert data["allowed"] is False and "is not in transit" in data["reason"]
    # staff may ask to borrow what someone else holds within their scope
    assert lookup(staff, carrier.registry_number, "loan").json()["allowed"] is True


def test_a_carrier_the_user_may_not_open_answers_like_a_missing_one(org, carrier, audit_count):
    before = audit_count()
    for user in (org.staff_general, org.other_secretary, org.staff_none):
        web = login(user)
        hidden = lookup(web, carrier.registry_number, "handover")
        missing = lookup(web, "U-1999-999999", "handover")
        assert hidden.status_code == missing.status_code == 404
        hidden_body, missing_body = hidden.json(), missing.json()
        assert hidden_body.pop("number") == carrier.registry_number and missing_body.pop("number") == "U-1999-999999"
        assert hidden_body == missing_body
        assert "科研处" not in hidden.content.decode()
    assert audit_count() == before


def test_bad_requests_answer_400_and_anonymous_goes_to_login(org, carrier):
    web = login(org.secretary)
    resp = lookup(web, carrier.registry_number, "sell")
    assert resp.status_code == 400 and resp.json()["detail"] == "Unknown action for a scan."
    assert lookup(web, "  ", "handover").status_code == 400
    assert lookup(web, "x" * 41, "handover").status_code == 404
    assert Client().get(URL, {"number": carrier.registry_number, "action": "handover"}).status_code == 302


def test_the_action_forms_carry_the_scan_box(org, carrier):
    page = login(org.secretary).get(reverse("transmission:new")).content.decode()
    assert 'data-scan-action="dispatch"' in page and 'data-scan-target="carriers"' in page
    assert "/static/js/scan.js" in page and 'data-scan-url="/scan/lookup/"' in page
    page = login(org.secretary).get(reverse("destruction:new")).content.decode()
    assert 'data-scan-action="destruction"' in page
    page = login(org.staff_core).get(reverse("use:borrow")).content.decode()
    assert 'data-scan-action="loan"' in page and 'data-scan-target="carrier"' in page
