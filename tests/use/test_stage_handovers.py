"""A stage's handover is completed only through its stage: the generic handover endpoints accept
and cancel transfers between holders, and refuse a loan's handover with 409 (otherwise custody
would move without the loan record and the carrier's status following)."""

from rest_framework.test import APIClient

from carriers.models import Carrier, Handover
from tests.factories import audit_count_but_security


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_loans_handover_is_not_accepted_or_cancelled_through_the_generic_endpoints(org, doc, flow):
    loan = flow.lend(flow.request(doc))
    handover = Handover.objects.get(pk=loan.lend_handover_id)
    assert handover.kind == "lending"
    before = audit_count_but_security()
    response = api(org.staff_core).post(f"/api/v1/handovers/{handover.pk}/accept/",
                                        {"counted_count": 1, "password": org.password}, format="json")
    assert response.status_code == 409 and "stage" in str(response.json())
    response = api(org.secretary).post(f"/api/v1/handovers/{handover.pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert audit_count_but_security() == before
    handover.refresh_from_db()
    assert handover.status == "pending" and Carrier.objects.get(pk=doc.pk).holder_id == org.secretary.pk
    # through its own stage it completes, and the carrier is on loan
    flow.accept(loan)
    assert Carrier.objects.get(pk=doc.pk).status == "on_loan"
