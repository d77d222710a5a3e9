"""Issue 17, item 5: a validity an approver sets for an approval must not have passed already
(400 on valid_until, in the caller's language, nothing decided)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from approvals import services
from approvals.models import ApprovalRequest, Decision
from common.levels import Level
from tests.factories import PASSWORD, audit_count_but_security


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_approval_valid_until_a_day_gone_is_refused(org):
    request = services.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET, title="印制申请",
                                      purpose="工作需要")
    url = f"/api/v1/approvals/{request.pk}/approve/"
    yesterday = str(timezone.localdate() - timedelta(days=1))
    before = (audit_count_but_security(), Decision.objects.count())
    for language, words in (("en", "has passed"), ("zh-hans", "已过")):
        resp = api(org.head_res).post(url, {"password": PASSWORD, "valid_until": yesterday}, format="json",
                                      HTTP_ACCEPT_LANGUAGE=language)
        assert resp.status_code == 400, resp.content
        assert words in resp.json()["valid_until"][0]
    assert (audit_count_but_security(), Decision.objects.count()) == before
    assert ApprovalRequest.objects.get(pk=request.pk).status == "submitted"
    today = str(timezone.localdate())
    resp = api(org.head_res).post(url, {"password": PASSWORD, "valid_until": today}, format="json")
    assert resp.status_code == 200, resp.content
