"""/api/v1/declassification-reviews/: queue, create, list, retrieve, condition-met; refusals
(downgrading to unclassified, beyond the statutory maximum) with reasons, never 500, nothing written."""

import pytest
from rest_framework.test import APIClient

from carriers.declassification.models import ConditionMet, DeclassificationReview
from carriers.models import Carrier

from .conftest import approve_all

URL = "/api/v1/declassification-reviews/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_queue_propose_approve_and_read(org, periods):
    client = client_for(org.staff_core)
    queue = client.get(f"{URL}queue/").json()["results"]
    assert [row["registry_number"] for row in queue] == [periods.ended.registry_number, periods.soon.registry_number]
    resp = client.post(URL, {"carrier": periods.soon.pk, "outcome": "downgrade", "new_level": "CONFIDENTIAL",
                             "reason": "内容已部分公开"}, format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert (data["status"], data["level"], data["new_level"], data["new_marking_en"]) == (
        "submitted", "SECRET", "CONFIDENTIAL", "Confidential★10 years")
    assert client.get(f"{URL}queue/").json()["results"][1]["review_open"] is True
    approve_all(org, DeclassificationReview.objects.get(pk=data["id"]))
    data = client.get(f"{URL}{data['id']}/").json()
    assert data["status"] == "applied" and data["approval"]["status"] == "approved"
    assert Carrier.objects.get(pk=periods.soon.pk).marking_zh == "秘密★10年"
    assert client.get(f"{URL}?outcome=downgrade").json()["count"] == 1
    assert client.get(f"{URL}?carrier={periods.soon.pk}").json()["count"] == 1
    assert client.get(f"{URL}?status=bad").status_code == 400


@pytest.mark.parametrize("payload,status,code", [
    ({"outcome": "downgrade", "new_level": "UNCLASSIFIED"}, 400, "new_level"),
    ({"outcome": "extend", "new_secrecy_years": 21}, 400, "new_secrecy_years"),
    ({"outcome": "extend", "new_secrecy_years": 101}, 400, "new_secrecy_years"),
    ({"outcome": "extend", "new_secrecy_months": 12}, 400, "new_secrecy_months"),
    ({"outcome": "downgrade", "new_level": "SECRET"}, 400, "new_level"),
    ({"outcome": "shred"}, 400, "outcome"),
    ({"outcome": "declassify", "extra": 1}, 400, "extra"),
])
def test_refusals_write_nothing(org, periods, audit_count, payload, status, code):
    before = audit_count()
    resp = client_for(org.staff_core).post(URL, {"carrier": periods.soon.pk, "reason": "评估", **payload},
                                           format="json")
    assert resp.status_code == status, resp.content
    assert code in resp.json()
    assert audit_count() == before and not DeclassificationReview.objects.exists()


def test_downgrade_to_unclassified_says_why(org, periods):
    resp = client_for(org.staff_core).post(URL, {"carrier": periods.soon.pk, "reason": "评估", "outcome": "downgrade",
                                                 "new_level": "UNCLASSIFIED"}, format="json")
    assert "never downgraded to unclassified" in resp.json()["new_level"][0]


def test_condition_met_and_visibility(org, periods, audit_count):
    client = client_for(org.staff_core)
    resp = client.post(f"{URL}condition-met/", {"carrier": periods.condition.pk, "note": "项目已验收"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["is_open"] is True and resp.json()["carrier"]["registry_number"] == periods.condition.registry_number
    before = audit_count()
    assert client.post(f"{URL}condition-met/", {"carrier": periods.condition.pk, "note": "again"},
                       format="json").status_code == 409
    assert client.post(f"{URL}condition-met/", {"carrier": periods.soon.pk, "note": "x"}, format="json").status_code == 409
    assert audit_count() == before and ConditionMet.objects.count() == 1
    queue = client.get(f"{URL}queue/").json()["results"]
    assert [r["condition_open"] for r in queue if r["id"] == periods.condition.pk] == [True]
    # someone who may not see the carrier: it does not exist for them
    assert client_for(org.staff_general).post(f"{URL}condition-met/", {"carrier": periods.condition.pk, "note": "x"},
                                              format="json").status_code == 400
    pk = client.post(URL, {"carrier": periods.ended.pk, "outcome": "declassify", "reason": "届满"},
                     format="json").json()["id"]
    for user in (org.staff_general, org.other_secretary):
        assert client_for(user).get(f"{URL}{pk}/").status_code == 404
    assert client_for(org.other_secretary).get(f"{URL}queue/").json()["count"] == 0
