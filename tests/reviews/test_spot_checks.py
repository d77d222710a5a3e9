"""Spot checks and container checks (issue 19, item 4): the secrecy office draws a random sample
by level, finds each carrier by scanning, closes it with what was not found; an empty sample or a
bad size is refused with nothing written; a container opened today and not checked after its
last opening is alerted once the end-of-day check is due."""

import random
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts import services as alerts
from alerts.models import Alert
from audit.models import AuditEvent
from carriers.reviews import services
from carriers.reviews.checks import CONTAINER_NOT_CHECKED
from carriers.reviews.models import SpotCheck, SpotCheckLine
from carriers.storage.models import ContainerAccess
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


@pytest.fixture
def stock(org):
    secret = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}", copies_total=20)
              for i in range(1, 6)]
    confidential = [register(org.secretary, container=org.cabinet, level=Level.CONFIDENTIAL,
                             copy_number=f"00001{i}", copies_total=20) for i in range(1, 4)]
    return secret, confidential


def state(audit_count):
    return (audit_count(), SpotCheck.objects.count(), SpotCheckLine.objects.filter(found_at__isnull=False).count())


def test_a_sample_is_drawn_by_level(org, stock):
    secret, confidential = stock
    check = services.draw_spot_check(actor=org.secretary, strata={Level.SECRET: 2, Level.CONFIDENTIAL: 9},
                                     rng=random.Random(7))
    levels = list(SpotCheckLine.objects.filter(spot_check=check).values_list("carrier__level", flat=True))
    assert sorted(levels) == [Level.CONFIDENTIAL] * 3 + [Level.SECRET] * 2  # all three: fewer than asked
    assert check.size == 5 and check.number.startswith("SPOT-U-")
    assert len(AuditEvent.objects.get(action="spot_check.drawn").details["carriers"]) == 5


@pytest.mark.parametrize("strata,field", [
    ({Level.SECRET: 0, Level.CONFIDENTIAL: 0}, "strata"),
    ({Level.TOP_SECRET: 3}, "strata"),  # the unit keeps no Top Secret carrier: empty sample
    ({Level.SECRET: -1}, f"level_{Level.SECRET}"),
    ({Level.SECRET: 10**6}, f"level_{Level.SECRET}"),
    ({9: 2}, "strata"),
])
def test_an_empty_or_bad_sample_is_refused(org, stock, audit_count, strata, field):
    before = state(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        services.draw_spot_check(actor=org.secretary, strata=strata)
    assert field in exc.value.errors
    assert state(audit_count) == before


def test_only_the_secrecy_office_draws(org, stock, audit_count):
    before = state(audit_count)
    with pytest.raises(Refused):
        services.draw_spot_check(actor=org.auditor, strata={Level.SECRET: 1})
    assert state(audit_count) == before


def test_scanning_finds_and_closing_records_what_was_missing(org, stock, audit_count):
    check = services.draw_spot_check(actor=org.secretary, strata={Level.CONFIDENTIAL: 3})
    carriers = list(SpotCheckLine.objects.filter(spot_check=check).values_list("carrier__registry_number", flat=True))
    services.scan(actor=org.clerk, check_id=check.pk, registry_number=carriers[0])
    before = state(audit_count)
    with pytest.raises(Conflict):
        services.scan(actor=org.clerk, check_id=check.pk, registry_number=carriers[0])
    with pytest.raises(ValidationFailed) as exc:
        services.scan(actor=org.clerk, check_id=check.pk, registry_number=stock[0][0].registry_number)
    assert "registry_number" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.scan(actor=org.clerk, check_id=check.pk, registry_number=" ")
    assert state(audit_count) == before
    closed = services.close_spot_check(actor=org.secretary, check_id=check.pk)
    assert closed.missing_count == 2
    assert AuditEvent.objects.get(action="spot_check.closed").details["missing"] == sorted(carriers[1:])
    with pytest.raises(Conflict):
        services.scan(actor=org.clerk, check_id=check.pk, registry_number=carriers[1])


def test_the_spot_check_pages(org, stock):
    office = Client()
    office.force_login(org.secretary)
    resp = office.post("/reviews/spot/draw/", {f"level_{Level.SECRET}": "0"})
    assert resp.status_code == 400 and not SpotCheck.objects.exists()
    resp = office.post("/reviews/spot/draw/", {f"level_{Level.SECRET}": "2"})
    assert resp.status_code == 302
    check = SpotCheck.objects.get()
    number = SpotCheckLine.objects.filter(spot_check=check).first().carrier.registry_number
    assert office.post(f"/reviews/spot/{check.pk}/scan/", {"registry_number": "U-0000-000000"}).status_code == 400
    assert office.post(f"/reviews/spot/{check.pk}/scan/", {"registry_number": number}).status_code == 302
    assert "Not found yet" in office.get(f"/reviews/spot/{check.pk}/").content.decode()
    staff = Client()
    staff.force_login(org.staff_core)
    assert staff.get(f"/reviews/spot/{check.pk}/").status_code == 404
    assert staff.post("/reviews/spot/draw/", {f"level_{Level.SECRET}": "1"}).status_code == 403


def test_a_container_opened_and_not_checked_is_alerted_at_the_end_of_the_day(org, settings):
    settings.REGISTRY = {**settings.REGISTRY, "CONTAINER_CHECK_HOUR": 18}
    tz = timezone.get_current_timezone()
    day = timezone.localdate()
    morning = timezone.make_aware(datetime.combine(day, time(9)), tz)
    evening = timezone.make_aware(datetime.combine(day, time(19)), tz)
    ContainerAccess.objects.create(container=org.cabinet, action="opened", by=org.clerk, at=morning)
    ContainerAccess.objects.create(container=org.cabinet, action="closed", by=org.clerk, at=morning + timedelta(hours=1))
    ContainerAccess.objects.create(container=org.safe, action="opened", by=org.clerk, at=morning)
    ContainerAccess.objects.create(container=org.safe, action="checked", by=org.secretary, at=morning + timedelta(hours=2))
    # before the check hour, yesterday's check is what is due: nothing
    alerts.run_checks(only=CONTAINER_NOT_CHECKED, now=morning + timedelta(hours=3))
    assert not Alert.objects.filter(kind=CONTAINER_NOT_CHECKED).exists()
    alerts.run_checks(only=CONTAINER_NOT_CHECKED, now=evening)
    assert set(Alert.objects.filter(kind=CONTAINER_NOT_CHECKED, resolved_at__isnull=True)
               .values_list("target_id", flat=True)) == {org.cabinet.pk}
    ContainerAccess.objects.create(container=org.cabinet, action="checked", by=org.secretary,
                                   at=evening - timedelta(minutes=30))
    alerts.run_checks(only=CONTAINER_NOT_CHECKED, now=evening + timedelta(minutes=5))
    assert not Alert.objects.filter(kind=CONTAINER_NOT_CHECKED, resolved_at__isnull=True).exists()
