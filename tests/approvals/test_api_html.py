"""Approvals through the API and the browser pages: the same gate, the same services."""

import pytest
from rest_framework.test import APIClient

from approvals import services
from approvals.models import ApprovalRequest, Decision
from common.levels import Level
from tests.factories import PASSWORD, audit_count_but_security


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(org, requester=None, level=Level.SECRET, kind="production"):
    return services.submit_request(actor=requester or org.staff_core, kind=kind, level=level, title="印制申请",
                                   purpose="工作需要")


def test_api_lists_mine_to_decide_and_mine_requested(org):
    r1 = submit(org)
    r2 = submit(org, requester=org.staff_general, level=Level.CONFIDENTIAL)
    ids = lambda resp: sorted(row["id"] for row in resp.json()["results"])  # noqa: E731
    assert ids(api(org.head_res).get("/api/v1/approvals/?box=to_decide")) == [r1.pk]
    assert ids(api(org.head_gen).get("/api/v1/approvals/?box=to_decide")) == [r2.pk]
    assert ids(api(org.staff_core).get("/api/v1/approvals/?box=requested")) == [r1.pk]
    assert ids(api(org.staff_core).get("/api/v1/approvals/?box=to_decide")) == []
    assert ids(api(org.staff_important).get("/api/v1/approvals/")) == []
    assert ids(api(org.secretary).get("/api/v1/approvals/")) == [r1.pk, r2.pk]  # unit-wide office role
    assert api(org.head_res).get("/api/v1/approvals/?box=nonsense").status_code == 400
    detail = api(org.head_res).get(f"/api/v1/approvals/{r1.pk}/").json()
    assert detail["may_decide"] is True and detail["level"] == "SECRET" and detail["steps"][0]["status"] == "open"


def test_api_approve_with_signature(org):
    request = submit(org)
    resp = api(org.head_res).post(f"/api/v1/approvals/{request.pk}/approve/", {"password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "approved"
    sig = body["decisions"][0]["signature"]
    assert sig["printed_name"] == "head_res-name" and sig["meaning"] == "approved" and len(sig["content_hash"]) == 64


@pytest.mark.parametrize(
    ("who", "payload", "status"),
    [
        ("head_gen", {"password": "correct-horse-42"}, 404),  # another department's head
        ("other_secretary", {"password": "correct-horse-42"}, 404),
        ("staff_important", {"password": "correct-horse-42"}, 404),
        ("staff_core", {"password": "correct-horse-42"}, 403),  # the requester: own request
        ("head_res", {"password": "wrong"}, 400),
        ("head_res", {}, 400),
        ("head_res", {"password": "correct-horse-42", "extra": 1}, 400),
    ],
)
def test_api_refused_decisions_change_nothing(org, who, payload, status):
    request = submit(org)
    before = audit_count_but_security()
    resp = api(getattr(org, who)).post(f"/api/v1/approvals/{request.pk}/approve/", payload, format="json")
    assert resp.status_code == status, resp.content
    assert audit_count_but_security() == before and not Decision.objects.exists()
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.SUBMITTED
    if status == 403:
        assert "own request" in resp.json()["detail"]


def test_api_reject_needs_reason_and_second_decision_conflicts(org):
    request = submit(org)
    client = api(org.head_res)
    assert client.post(f"/api/v1/approvals/{request.pk}/reject/", {"password": org.password}, format="json").status_code == 400
    assert client.post(f"/api/v1/approvals/{request.pk}/reject/", {"password": org.password, "reason": "理由"},
                       format="json").status_code == 200
    resp = client.post(f"/api/v1/approvals/{request.pk}/approve/", {"password": org.password}, format="json")
    assert resp.status_code == 409 and resp.json()["detail"]


def test_api_withdraw_and_missing_request(org):
    request = submit(org)
    assert api(org.head_res).post(f"/api/v1/approvals/{request.pk}/withdraw/", {}, format="json").status_code == 404
    assert api(org.staff_core).post(f"/api/v1/approvals/{request.pk}/withdraw/", {}, format="json").status_code == 200
    assert api(org.head_res).post("/api/v1/approvals/999999/approve/", {"password": org.password}, format="json").status_code == 404


def test_api_policies_read_by_all_edited_by_secrecy_office(org):
    rows = api(org.staff_general).get("/api/v1/approval-policies/?page_size=500").json()["results"]
    assert any(r["kind"] == "publication_review" and r["variant"] == "overseas" for r in rows)
    payload = {"kind": "copying", "variant": "", "level": "CONFIDENTIAL", "steps": ["department_head", "unit_head"]}
    assert api(org.head_res).post("/api/v1/approval-policies/", payload, format="json").status_code == 403
    # issue 15: a policy changes only by an administrators' four-eyes request (administration app)
    resp = api(org.secretary).post("/api/v1/approval-policies/", payload, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "approval_required"
    bad = {**payload, "steps": ["nobody"]}
    assert api(org.secretary).post("/api/v1/approval-policies/", bad, format="json").status_code == 400


def test_api_publication_review_flow(org):
    payload = {"title": "论文", "material_kind": "manuscript", "outlet_type": "overseas", "outlet_name": "Journal",
               "summary": "综述", "related_level": "CONFIDENTIAL"}
    resp = api(org.staff_core).post("/api/v1/publication-reviews/", payload, format="json")
    assert resp.status_code == 201, resp.content
    review_id = resp.json()["id"]
    release = api(org.staff_core).post(f"/api/v1/publication-reviews/{review_id}/release/", {}, format="json")
    assert release.status_code == 409
    assert api(org.staff_general).get(f"/api/v1/publication-reviews/{review_id}/").status_code == 404


def test_html_queue_detail_and_decision(client, org):
    request = submit(org)
    client.force_login(org.head_res)
    page = client.get("/approvals/")
    assert page.status_code == 200 and "印制申请" in page.content.decode()
    detail = client.get(f"/approvals/{request.pk}/")
    assert detail.status_code == 200 and 'id="approve-form"' in detail.content.decode()
    wrong = client.post(f"/approvals/{request.pk}/approve/", {"password": "nope"})
    assert wrong.status_code == 400 and "password is not correct" in wrong.content.decode()
    ok = client.post(f"/approvals/{request.pk}/approve/", {"password": org.password})
    assert ok.status_code == 302
    page = client.get(f"/approvals/{request.pk}/").content.decode()
    assert "head_res-name" in page and "Approved" in page


def test_html_queue_exactly_mine_and_404_for_others(client, org):
    request = submit(org)
    client.force_login(org.head_gen)
    assert "印制申请" not in client.get("/approvals/").content.decode()
    assert client.get(f"/approvals/{request.pk}/").status_code == 404
    assert client.post(f"/approvals/{request.pk}/approve/", {"password": org.password}).status_code == 404
    client.force_login(org.staff_core)
    resp = client.post(f"/approvals/{request.pk}/approve/", {"password": org.password})
    assert resp.status_code == 403 and "own request" in resp.content.decode()


def test_api_delegation_gives_the_acting_head_the_open_steps(org):
    from datetime import timedelta

    from django.utils import timezone

    request = submit(org)
    today = timezone.localdate()  # the registry's day (Asia/Shanghai), not the machine's
    payload = {"delegator": org.head_res.pk, "delegate": org.staff_important.pk, "starts_on": str(today),
               "ends_on": str(today + timedelta(days=3)), "reason": "出差"}
    assert api(org.staff_core).post("/api/v1/delegations/", payload, format="json").status_code == 403
    resp = api(org.head_res).post("/api/v1/delegations/", payload, format="json")
    assert resp.status_code == 201, resp.content
    assert [r["delegate"] for r in api(org.staff_important).get("/api/v1/delegations/").json()["results"]] == [org.staff_important.pk]
    ids = [r["id"] for r in api(org.staff_important).get("/api/v1/approvals/?box=to_decide").json()["results"]]
    assert ids == [request.pk]
    bad = {**payload, "ends_on": str(today - timedelta(days=1))}
    assert api(org.head_res).post("/api/v1/delegations/", bad, format="json").status_code == 400


def test_api_departure_moves_open_grants_to_the_replacement(org):
    from approvals.models import ApprovalRequestUserObjectPermission

    request = submit(org)
    url = f"/api/v1/people/{org.head_res.pk}/depart/"
    signed = {"replacement": org.staff_important.pk, "password": PASSWORD}
    assert api(org.staff_core).post(url, signed, format="json").status_code == 403
    assert api(org.other_secretary).post(url, {"password": PASSWORD}, format="json").status_code == 404  # another unit's
    resp = api(org.secretary).post(url, signed, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "departed"
    holders = set(ApprovalRequestUserObjectPermission.objects.filter(content_object=request).values_list("user__username", flat=True))
    assert holders == {"staff_important"}
    assert api(org.secretary).post(url, {"password": PASSWORD}, format="json").status_code == 409  # already departed
    # the departed head sees nothing any more
    assert api(org.head_res).get(f"/api/v1/approvals/{request.pk}/").status_code in (403, 404)
