"""The secrecy-period pages: the review queue, the review form and the condition-met form;
refusals show their reason and write nothing."""

from django.test import Client

from carriers.declassification.models import ConditionMet, DeclassificationReview
from common.levels import Level
from tests.factories import audit_count_but_security

from .conftest import approve_all, propose


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_queue_review_and_condition_met(org, periods):
    client = logged_in(org.staff_core)
    page = client.get("/declassification/").content.decode()
    assert periods.soon.registry_number in page and periods.ended.registry_number in page
    assert periods.later.registry_number not in page.split('id="queue"')[1].split("</table>")[0]
    form = client.get(f"/declassification/new/?carrier={periods.soon.pk}")
    assert form.status_code == 200
    resp = client.post("/declassification/new/", {"carrier": periods.soon.pk, "outcome": "extend",
                                                  "new_secrecy_years": "15", "reason": "仍需保密"})
    assert resp.status_code == 302
    review = DeclassificationReview.objects.get()
    detail = client.get(f"/declassification/{review.pk}/").content.decode()
    assert "Secret★15 years" in detail and "Waiting for approval" in detail
    approve_all(org, review)
    assert "Approved and applied" in client.get(f"/declassification/{review.pk}/").content.decode()
    resp = client.post("/declassification/condition-met/", {"carrier": periods.condition.pk, "note": "已验收"})
    assert resp.status_code == 302 and ConditionMet.objects.filter(carrier=periods.condition).exists()
    assert "condition met" in client.get("/declassification/").content.decode()
    assert logged_in(org.staff_core, "zh-hans").get("/declassification/").status_code == 200


def test_refusals_show_the_reason(org, periods):
    client = logged_in(org.staff_core)
    before = audit_count_but_security()
    resp = client.post("/declassification/new/", {"carrier": periods.soon.pk, "outcome": "extend",
                                                  "new_secrecy_years": "25", "reason": "x"})
    assert resp.status_code == 400 and "may not exceed 20 years" in resp.content.decode()
    resp = client.post("/declassification/new/", {"carrier": periods.soon.pk, "outcome": "downgrade",
                                                  "new_level": str(Level.SECRET.value), "reason": "x"})
    assert resp.status_code == 400 and "level below" in resp.content.decode()
    assert audit_count_but_security() == before and not DeclassificationReview.objects.exists()
    other = logged_in(org.staff_general)
    assert periods.soon.registry_number not in other.get("/declassification/").content.decode()
    pk = approve_all(org, propose(org, periods.ended, outcome="declassify")).pk
    assert other.get(f"/declassification/{pk}/").status_code == 404
