"""Holdings reviews and spot checks over REST (issue 19, items 3 and 4): the office opens a review,
a holder lists and answers their own lines, the office closes it; the office draws a spot check,
scans and closes it. Each refusal is a clear status with nothing written, and nobody reads a line
or a check naming a carrier they may not open."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from carriers import services as carrier_services
from carriers.reviews.models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine
from common.levels import Level
from tests.factories import register

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def holdings(org):
    """Two Secret papers held by the secretary, and one handed over to staff_core."""
    mine = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}", title=f"清理{i}",
                     scope_departments=[org.res])
            for i in (1, 2, 3)]
    handover = carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.staff_core,
                                               carriers=[mine[2]], declared_count=1)
    carrier_services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk,
                                     counted_count=1)
    return mine


def state():
    return (AuditEvent.objects.count(), HoldingsReview.objects.count(),
            ReviewLine.objects.exclude(answer="").count(), SpotCheck.objects.count(),
            SpotCheckLine.objects.filter(found_at__isnull=False).count())


def test_a_review_opened_answered_and_closed_through_the_api(org, holdings):
    answer = api(org.secretary).post("/api/v1/holdings-reviews/", {"days": 10, "note": "年度清理"}, format="json")
    assert answer.status_code == 201, answer.content
    review = answer.json()
    assert review["number"].startswith("REV-U-") and review["line_count"] == 3 and review["answered_count"] == 0
    assert review["level"] == "SECRET" and review["is_open"] is True

    # the holder sees only their own line, answers it; keeping needs a reason
    staff = api(org.staff_core)
    lines = staff.get("/api/v1/review-lines/", {"mine": "true", "answered": "false"}).json()["results"]
    assert [line["carrier"] for line in lines] == [holdings[2].registry_number]
    line = lines[0]
    refused = staff.post(f"/api/v1/review-lines/{line['id']}/answer/", {"answer": "keep"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = staff.post(f"/api/v1/review-lines/{line['id']}/answer/", {"answer": "keep", "reason": "项目仍在进行"},
                      format="json")
    assert done.status_code == 200 and done.json()["answer"] == "keep" and done.json()["answered_at"]

    # the office sees every line of its review and the count; it does not answer for the holder
    office = api(org.secretary)
    assert len(office.get("/api/v1/review-lines/", {"review": review["id"]}).json()["results"]) == 3
    assert office.get(f"/api/v1/holdings-reviews/{review['id']}/").json()["answered_count"] == 1
    before = state()
    assert office.post(f"/api/v1/review-lines/{line['id']}/answer/", {"answer": "return"},
                       format="json").status_code == 403
    assert state() == before

    closed = office.post(f"/api/v1/holdings-reviews/{review['id']}/close/")
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    before = state()
    again = office.post(f"/api/v1/holdings-reviews/{review['id']}/close/")
    assert again.status_code == 409 and state() == before
    late = staff.post(f"/api/v1/review-lines/{line['id']}/answer/", {"answer": "return"}, format="json")
    assert late.status_code == 409 and state() == before


@pytest.mark.parametrize("who", ["staff_core", "auditor", "head_res", "api_client"])
def test_only_the_secrecy_office_opens_a_review_or_draws_a_check(org, holdings, who):
    before = state()
    client = api(getattr(org, who))
    assert client.post("/api/v1/holdings-reviews/", {}, format="json").status_code == 403
    assert client.post("/api/v1/spot-checks/", {"secret": 1}, format="json").status_code == 403
    assert state() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"days": 0}, "days"), ({"days": 181}, "days"), ({"days": "x"}, "days"), ({"note": "a\x00b"}, "note"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_review_is_refused_per_field(org, holdings, body, field):
    before = state()
    answer = api(org.secretary).post("/api/v1/holdings-reviews/", body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert state() == before


def test_a_spot_check_drawn_scanned_and_closed_through_the_api(org, holdings):
    office = api(org.secretary)
    drawn = office.post("/api/v1/spot-checks/", {"secret": 2}, format="json")
    assert drawn.status_code == 201, drawn.content
    check = drawn.json()
    assert check["size"] == 2 and check["strata"] == {"TOP_SECRET": 0, "SECRET": 2, "CONFIDENTIAL": 0} and len(check["lines"]) == 2
    number = check["lines"][0]["carrier"]
    found = office.post(f"/api/v1/spot-checks/{check['id']}/scan/", {"registry_number": number}, format="json")
    assert found.status_code == 200 and found.json()["found_at"]
    before = state()
    assert office.post(f"/api/v1/spot-checks/{check['id']}/scan/", {"registry_number": number},
                       format="json").status_code == 409
    stranger = office.post(f"/api/v1/spot-checks/{check['id']}/scan/", {"registry_number": "NOPE-1"}, format="json")
    assert stranger.status_code == 400 and "registry_number" in stranger.json()
    assert state() == before
    closed = office.post(f"/api/v1/spot-checks/{check['id']}/close/")
    assert closed.status_code == 200 and closed.json()["missing_count"] == 1 and closed.json()["found_count"] == 1
    assert office.get("/api/v1/spot-checks/").json()["results"][0]["number"] == check["number"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 400, "strata"), ({"secret": 0, "confidential": 0}, 400, "strata"), ({"secret": -1}, 400, "secret"),
    ({"secret": 2001}, 400, "secret"), ({"top_secret": 5}, 400, "strata"), ({"level_9": 1}, 400, "level_9"),
])
def test_a_bad_or_empty_sample_is_refused(org, holdings, body, status, field):
    before = state()
    answer = api(org.secretary).post("/api/v1/spot-checks/", body, format="json")
    assert answer.status_code == status and field in answer.json(), answer.content
    assert state() == before


def test_nobody_reads_a_line_or_a_check_naming_a_carrier_they_may_not_open(org, holdings):
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, copy_number="000001", title="绝密清理")
    review = api(org.secretary).post("/api/v1/holdings-reviews/", {}, format="json").json()
    check = api(org.secretary).post("/api/v1/spot-checks/", {"top_secret": 1}, format="json").json()
    clerk = api(org.clerk)  # the office's Secret-cleared clerk
    lines = clerk.get("/api/v1/review-lines/", {"review": review["id"]}).json()["results"]
    assert top.registry_number not in {line["carrier"] for line in lines} and len(lines) == 3
    assert clerk.get(f"/api/v1/holdings-reviews/{review['id']}/").status_code == 404  # names a Top Secret one
    assert clerk.get(f"/api/v1/spot-checks/{check['id']}/").status_code == 404
    assert clerk.get("/api/v1/spot-checks/").json()["results"] == []
    other = api(org.other_secretary)
    assert other.get("/api/v1/review-lines/").json()["results"] == []
    assert other.post(f"/api/v1/spot-checks/{check['id']}/close/").status_code == 404


def test_typed_filters_are_checked(org, holdings):
    office = api(org.secretary)
    assert office.get("/api/v1/review-lines/", {"review": "x"}).status_code == 400
    assert office.get("/api/v1/review-lines/", {"review": "0"}).status_code == 400
    assert office.get("/api/v1/review-lines/", {"answered": ""}).status_code == 400
