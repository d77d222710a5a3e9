"""The carrier core's policy (issue 13): a handover and an audit event are as secret as the most
secret carrier they name; lists count at most the cap."""

import pytest
from rest_framework.test import APIClient

from audit import services as audit
from audit.models import AuditEvent, AuditEventCarrier
from carriers import services
from common import access
from common.levels import Level
from tests.factories import register

TS_TITLE = "Top secret handover subject"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ts_handover(org):
    """The secretary (Top Secret) hands a Top Secret carrier to the unit head, with a note."""
    carrier = register(
        org.secretary, container=org.safe, level=Level.TOP_SECRET, title=TS_TITLE, scope_people=[org.unit_head],
    )
    handover = services.start_handover(
        actor=org.secretary, password=org.password, taker=org.unit_head, carriers=[carrier], declared_count=1,
        note="note naming " + carrier.registry_number,
    )
    return carrier, handover


def test_secret_cleared_clerk_sees_no_top_secret_handover(org, ts_handover):
    carrier, handover = ts_handover
    clerk = api(org.clerk)  # secrecy office, Secret clearance
    listing = clerk.get("/api/v1/handovers/")
    assert listing.status_code == 200
    assert carrier.registry_number not in listing.content.decode()
    assert clerk.get(f"/api/v1/handovers/{handover.pk}/").status_code == 404
    assert clerk.get(f"/api/v1/carriers/{carrier.pk}/").status_code == 404


def test_top_secret_cleared_office_and_the_parties_see_it(org, ts_handover):
    carrier, handover = ts_handover
    for user in (org.secretary, org.unit_head):
        response = api(user).get(f"/api/v1/handovers/{handover.pk}/")
        assert response.status_code == 200, user
        assert carrier.registry_number in response.content.decode()


def test_handover_with_one_invisible_carrier_is_hidden_whole(org):
    secret = register(org.secretary, container=org.safe, level=Level.SECRET, scope_people=[org.unit_head])
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, scope_people=[org.unit_head])
    handover = services.start_handover(
        actor=org.secretary, password=org.password, taker=org.unit_head, carriers=[secret, top], declared_count=2,
    )
    assert access.can(org.secretary, access.VIEW, handover)
    assert not access.can(org.clerk, access.VIEW, handover)
    assert access.can(org.clerk, access.VIEW, secret)


def test_audit_events_index_the_carriers_they_name(org, ts_handover):
    carrier, handover = ts_handover
    started = AuditEvent.objects.get(action="handover.started", target_id=str(handover.pk))
    assert set(AuditEventCarrier.objects.filter(event=started).values_list("carrier_id", flat=True)) == {carrier.pk}


def test_audit_trail_hides_events_naming_a_carrier_above_clearance(org, ts_handover):
    carrier, handover = ts_handover
    for reader, sees in ((org.clerk, False), (org.secretary, True)):
        body = api(reader).get("/api/v1/audit/events/?page_size=1000").content.decode()
        assert (carrier.registry_number in body) is sees, reader
        assert (TS_TITLE in body) is sees, reader


def test_an_event_about_something_else_that_names_a_carrier_in_its_details(org, ts_handover):
    """An event whose target is ungated but whose details name a carrier (passed as carriers=)
    is shown only with that carrier."""
    from django.db import transaction

    carrier, _ = ts_handover
    with transaction.atomic():
        event = audit.record(
            actor=org.secretary, action="bench.note", details={"about": carrier.registry_number}, carriers=[carrier],
        )
    assert access.can(org.secretary, access.VIEW, event)
    assert not access.can(org.clerk, access.VIEW, event)


def test_list_count_is_capped(org, settings):
    settings.REGISTRY = {**settings.REGISTRY, "LIST_COUNT_CAP": 2}
    for _ in range(3):
        register(org.secretary, container=org.safe, level=Level.SECRET)
    body = api(org.secretary).get("/api/v1/carriers/").json()
    assert body["count"] == 2 and body["count_capped"] is True
    body = api(org.secretary).get("/api/v1/carriers/?page_size=1").json()
    assert body["count_capped"] is True
    settings.REGISTRY = {**settings.REGISTRY, "LIST_COUNT_CAP": 10_000}
    body = api(org.secretary).get("/api/v1/carriers/").json()
    assert body["count"] == 3 and body["count_capped"] is False
