"""Holdings reviews (issue 19, item 3): the secrecy office opens one, each holder confirms every
carrier they hold (keep with a reason, return, propose destruction), unanswered lines are
alerted after the due date, a review is due again after the interval, the result is a register.
Bad input: a clear refusal, nothing written."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from alerts import services as alerts
from alerts.models import Alert
from audit.models import AuditEvent
from carriers.reviews import services
from carriers.reviews.checks import REVIEW_DUE, REVIEW_UNANSWERED
from carriers.reviews.models import HoldingsReview, ReviewLine
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


@pytest.fixture
def holdings(org):
    """Two carriers held by the secretary, one handed to staff_core by registration as holder."""
    mine = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}") for i in (1, 2)]
    return mine


def state(audit_count):
    return (audit_count(), HoldingsReview.objects.count(), ReviewLine.objects.exclude(answer="").count())


def test_opening_asks_every_holder_about_every_carrier(org, holdings):
    review = services.open_review(actor=org.secretary, days=14, note="年度清理")
    assert review.number.startswith("REV-U-") and review.line_count == 2 and review.level == Level.SECRET
    assert review.due_on == timezone.localdate() + timedelta(days=14)
    assert set(ReviewLine.objects.values_list("carrier_id", "holder_id")) == {(c.pk, org.secretary.pk) for c in holdings}
    assert AuditEvent.objects.get(action="holdings_review.opened").details["carriers"] == 2
    with pytest.raises(Conflict):  # one open review per unit
        services.open_review(actor=org.secretary)


@pytest.mark.parametrize("who", ["staff_core", "auditor", "unit_head"])
def test_only_the_secrecy_office_opens_and_closes(org, holdings, audit_count, who):
    before = state(audit_count)
    with pytest.raises(Refused):
        services.open_review(actor=getattr(org, who))
    assert state(audit_count) == before


@pytest.mark.parametrize("days", [0, -3, 999, "x"])
def test_a_bad_period_is_refused(org, holdings, audit_count, days):
    before = state(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        services.open_review(actor=org.secretary, days=days)
    assert "days" in exc.value.errors and state(audit_count) == before


def test_nothing_held_nothing_to_review(org, audit_count):
    before = state(audit_count)
    with pytest.raises(Conflict):
        services.open_review(actor=org.secretary)
    assert state(audit_count) == before


def test_the_holder_answers_and_keep_needs_a_reason(org, holdings, audit_count):
    services.open_review(actor=org.secretary)
    line = ReviewLine.objects.get(carrier=holdings[0])
    before = state(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        services.answer_line(actor=org.secretary, line_id=line.pk, answer="keep", reason=" ")
    assert "reason" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.answer_line(actor=org.secretary, line_id=line.pk, answer="lose")
    assert "answer" in exc.value.errors
    with pytest.raises(Http404):  # someone who may not see the line
        services.answer_line(actor=org.staff_core, line_id=line.pk, answer="return")
    with pytest.raises(Refused):  # the office sees the line but does not answer for the holder
        services.answer_line(actor=org.clerk, line_id=line.pk, answer="return")
    assert state(audit_count) == before
    services.answer_line(actor=org.secretary, line_id=line.pk, answer="keep", reason="项目进行中")
    answered = services.answer_line(actor=org.secretary, line_id=line.pk, answer="destroy")
    assert answered.answer == "destroy" and answered.answered_at
    event = AuditEvent.objects.filter(action="holdings_review.answered").order_by("-seq").first()
    assert event.details["before"] == "keep" and event.target_id == str(holdings[0].pk)


def test_closing_counts_the_answers_and_ends_answering(org, holdings):
    review = services.open_review(actor=org.secretary)
    line = ReviewLine.objects.get(carrier=holdings[0])
    services.answer_line(actor=org.secretary, line_id=line.pk, answer="return")
    with pytest.raises(Refused):
        services.close_review(actor=org.auditor, review_id=review.pk)
    services.close_review(actor=org.clerk, review_id=review.pk)
    details = AuditEvent.objects.get(action="holdings_review.closed").details
    assert (details["return"], details["unanswered"]) == (1, 1)
    with pytest.raises(Conflict):
        services.answer_line(actor=org.secretary, line_id=line.pk, answer="keep", reason="x")
    with pytest.raises(Conflict):
        services.close_review(actor=org.clerk, review_id=review.pk)
    with pytest.raises(Http404):
        services.close_review(actor=org.other_secretary, review_id=review.pk)


def test_unanswered_lines_are_alerted_to_the_holder_after_the_due_date(org, holdings):
    review = services.open_review(actor=org.secretary, days=5)
    services.answer_line(actor=org.secretary, line_id=ReviewLine.objects.get(carrier=holdings[0]).pk, answer="return")
    alerts.run_checks(only=REVIEW_UNANSWERED)
    assert not Alert.objects.filter(kind=REVIEW_UNANSWERED).exists()
    later = timezone.now() + timedelta(days=6)
    alerts.run_checks(only=REVIEW_UNANSWERED, now=later)
    alert = Alert.objects.get(kind=REVIEW_UNANSWERED)
    assert alert.target_id == ReviewLine.objects.get(carrier=holdings[1]).pk and alert.responsible_id == org.secretary.pk
    services.close_review(actor=org.secretary, review_id=review.pk)
    alerts.run_checks(only=REVIEW_UNANSWERED, now=later + timedelta(minutes=5))
    assert Alert.objects.get(kind=REVIEW_UNANSWERED).resolved_at is not None


def test_a_review_is_due_again_after_the_interval(org, holdings, settings):
    settings.REGISTRY = {**settings.REGISTRY, "HOLDINGS_REVIEW_INTERVAL_DAYS": 30}
    alerts.run_checks(only=REVIEW_DUE)
    assert not Alert.objects.filter(kind=REVIEW_DUE).exists()
    later = timezone.now() + timedelta(days=31)
    alerts.run_checks(only=REVIEW_DUE, now=later)
    assert Alert.objects.filter(kind=REVIEW_DUE, target_id=org.unit.pk, resolved_at__isnull=True).exists()


def test_the_register_and_the_pages(org, holdings):
    from registers.definitions import REGISTERS

    review = services.open_review(actor=org.secretary)
    line = ReviewLine.objects.get(carrier=holdings[0])
    holder = Client()
    holder.force_login(org.secretary)
    resp = holder.post(f"/reviews/lines/{line.pk}/answer/", {"answer": "keep", "reason": ""})
    assert resp.status_code == 400 and not ReviewLine.objects.get(pk=line.pk).answer
    resp = holder.post(f"/reviews/lines/{line.pk}/answer/", {"answer": "keep", "reason": "仍在使用"})
    assert resp.status_code == 302 and ReviewLine.objects.get(pk=line.pk).answer == "keep"
    page = holder.get(f"/reviews/{review.pk}/").content.decode()
    assert holdings[0].registry_number in page and "仍在使用" in page
    staff = Client()
    staff.force_login(org.staff_core)
    assert staff.get(f"/reviews/{review.pk}/").status_code == 404
    assert staff.post("/reviews/open/", {"days": 10}).status_code == 403
    extract = REGISTERS["holdings-review"].draw(user=org.auditor, params={})
    assert [r.carrier_id for r in extract.rows] == [c.pk for c in holdings]
    unanswered = REGISTERS["holdings-review"].draw(user=org.auditor, params={"kind": "unanswered"})
    assert [r.carrier_id for r in unanswered.rows] == [holdings[1].pk]
