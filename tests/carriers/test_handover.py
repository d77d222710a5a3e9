"""Custody moves only by handover: both sides count and sign, one holder at every instant."""

import pytest
from django.http import Http404
from rest_framework.test import APIClient

from audit.models import AuditEvent, Signature
from carriers import services
from carriers.models import Carrier, Handover
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


@pytest.fixture
def carriers(org):
    from personnel.models import Unit

    made = [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                     scope_departments=[org.res]) for i in (1, 2, 3)]
    assert Unit.objects.filter(pk=org.res.pk).exists()
    return made


def start(org, carriers, taker=None, count=None, **extra):
    return services.start_handover(actor=org.secretary, password=org.password, taker=taker or org.staff_core,
                                   carriers=carriers, declared_count=len(carriers) if count is None else count, **extra)


def nothing_written(fn, exc, match=None):
    before = (AuditEvent.objects.count(), Handover.objects.count(), list(Carrier.objects.values_list("holder_id", flat=True)))
    with pytest.raises(exc, match=match):
        fn()
    after = (AuditEvent.objects.count(), Handover.objects.count(), list(Carrier.objects.values_list("holder_id", flat=True)))
    assert before == after


def test_handover_moves_custody_with_both_signatures(org, carriers):
    handover = start(org, carriers)
    assert all(c.holder_id == org.secretary.pk for c in Carrier.objects.filter(pk__in=[c.pk for c in carriers]))
    services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk, counted_count=3,
                             container=org.cabinet)
    handover.refresh_from_db()
    assert handover.status == "completed" and handover.counted_count == 3
    assert handover.giver_signature.signer == org.secretary and handover.giver_signature.meaning == "handed_over"
    assert handover.taker_signature.signer == org.staff_core and handover.taker_signature.meaning == "received"
    for carrier in Carrier.objects.filter(pk__in=[c.pk for c in carriers]):
        assert carrier.holder_id == org.staff_core.pk
        assert AuditEvent.objects.filter(target_id=str(carrier.pk), action="carrier.custody_changed").count() == 1


def test_giver_count_must_match(org, carriers):
    nothing_written(lambda: start(org, carriers, count=2), ValidationFailed, "count")


def test_taker_count_must_match(org, carriers):
    handover = start(org, carriers)
    nothing_written(lambda: services.accept_handover(actor=org.staff_core, password=org.password,
                                                     handover_id=handover.pk, counted_count=2), ValidationFailed, "count")


def test_only_the_holder_hands_over(org, carriers):
    nothing_written(lambda: services.start_handover(actor=org.clerk, password=org.password, taker=org.staff_core,
                                                    carriers=carriers, declared_count=3), Conflict, "do not hold")


def test_taker_outside_scope_or_clearance_refused(org, carriers):
    nothing_written(lambda: start(org, carriers, taker=org.staff_general), Refused)  # GEN not in scope, general post
    nothing_written(lambda: start(org, carriers, taker=org.staff_none), Refused)


def test_taker_outside_scope_refused_even_with_clearance(org):
    carrier = register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL, scope_departments=[org.res])
    nothing_written(lambda: start(org, [carrier], taker=org.staff_general), Refused, "outside the distribution scope")


def test_one_open_handover_per_carrier(org, carriers):
    start(org, carriers[:1])
    nothing_written(lambda: start(org, carriers[:2], taker=org.staff_important), Conflict, "already being handed over")


def test_accept_only_by_the_taker_once(org, carriers):
    handover = start(org, carriers)
    nothing_written(lambda: services.accept_handover(actor=org.staff_important, password=org.password,
                                                     handover_id=handover.pk, counted_count=3), Http404)
    services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk, counted_count=3)
    nothing_written(lambda: services.accept_handover(actor=org.staff_core, password=org.password,
                                                     handover_id=handover.pk, counted_count=3), Conflict)


def test_wrong_password_on_either_side_writes_nothing(org, carriers):
    nothing_written(lambda: services.start_handover(actor=org.secretary, password="x", taker=org.staff_core,
                                                    carriers=carriers, declared_count=3), ValidationFailed, "password")
    handover = start(org, carriers)
    nothing_written(lambda: services.accept_handover(actor=org.staff_core, password="x", handover_id=handover.pk,
                                                     counted_count=3), ValidationFailed, "password")


def test_cancel_frees_the_carriers(org, carriers):
    handover = start(org, carriers)
    services.cancel_handover(actor=org.secretary, handover_id=handover.pk, reason="改期")
    start(org, carriers, taker=org.staff_important)  # no longer blocked
    with pytest.raises(Conflict):
        services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk, counted_count=3)


def test_taker_container_must_fit(org, carriers):
    handover = start(org, carriers)
    nothing_written(lambda: services.accept_handover(actor=org.staff_core, password=org.password,
                                                     handover_id=handover.pk, counted_count=3, container=org.ordinary),
                    ValidationFailed, "ORD")


def test_api_handover_and_idempotent_retry(org, carriers):
    giver, taker = APIClient(), APIClient()
    giver.force_authenticate(org.secretary)
    taker.force_authenticate(org.staff_core)
    body = {"taker": org.staff_core.pk, "carriers": [c.pk for c in carriers], "declared_count": 3, "password": org.password}
    first = giver.post("/api/v1/handovers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    events = AuditEvent.objects.count()
    again = giver.post("/api/v1/handovers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replay"] == "true"
    assert Handover.objects.count() == 1 and AuditEvent.objects.count() == events
    other = giver.post("/api/v1/handovers/", {**body, "declared_count": 2}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    # a refused request records nothing: the key can be used again once corrected
    bad = taker.post(f"/api/v1/handovers/{first.json()['id']}/accept/", {"counted_count": 2, "password": org.password},
                     format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert bad.status_code == 400
    ok = taker.post(f"/api/v1/handovers/{first.json()['id']}/accept/", {"counted_count": 3, "password": org.password},
                    format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert ok.status_code == 200 and ok.json()["status"] == "completed"
    assert ok.json()["taker_signature"]["printed_name"] == "staff_core-name"
    # the new holder now sees them; another staff member outside scope still does not
    assert taker.get(f"/api/v1/carriers/{carriers[0].pk}/").json()["holder"]["id"] == org.staff_core.pk
    assert Signature.objects.filter(meaning="received", signer=org.staff_core).count() == 1


def test_api_handover_refusals_answer_clearly(org, carriers):
    client = APIClient()
    client.force_authenticate(org.clerk)  # sees them (unit-wide) but does not hold them
    body = {"taker": org.staff_core.pk, "carriers": [carriers[0].pk], "declared_count": 1, "password": org.password}
    resp = client.post("/api/v1/handovers/", body, format="json")
    assert resp.status_code == 409 and "do not hold" in resp.json()["detail"]
    client.force_authenticate(org.staff_general)  # cannot see them at all
    resp = client.post("/api/v1/handovers/", body, format="json")
    assert resp.status_code == 400 and "carriers" in resp.json()
