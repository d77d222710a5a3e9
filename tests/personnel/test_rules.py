"""R10-R12 and R14 as pure functions: each clause refused when violated, allowed when met."""

from datetime import date, timedelta

import pytest

from personnel import rules

TODAY = date(2026, 11, 29)


def test_r10_pledge_before_a_secret_related_post():
    assert rules.post_needs_pledge(raising=True, has_pledge=False).code == "no_pledge"
    assert rules.post_needs_pledge(raising=True, has_pledge=True) is None
    assert rules.post_needs_pledge(raising=False, has_pledge=False) is None


def test_r14_training_before_a_secret_related_post():
    assert rules.post_needs_training(raising=True, trained_since=None, today=TODAY, interval_days=365).code == "no_training"
    old = TODAY - timedelta(days=366)
    assert rules.post_needs_training(raising=True, trained_since=old, today=TODAY, interval_days=365) is not None
    recent = TODAY - timedelta(days=365)
    assert rules.post_needs_training(raising=True, trained_since=recent, today=TODAY, interval_days=365) is None
    assert rules.post_needs_training(raising=False, trained_since=None, today=TODAY, interval_days=365) is None


def test_r14_training_records_are_of_the_past():
    assert rules.training_valid(held_on=TODAY + timedelta(days=1), today=TODAY, hours=2)
    assert rules.training_valid(held_on=TODAY, today=TODAY, hours=0)
    assert rules.training_valid(held_on=TODAY, today=TODAY, hours=2) == []


def test_r11_travel_dates_and_approval_before_departure():
    assert rules.travel_dates(departs_on=TODAY - timedelta(days=1), returns_on=TODAY, today=TODAY)
    assert rules.travel_dates(departs_on=TODAY, returns_on=TODAY - timedelta(days=1), today=TODAY)
    assert rules.travel_dates(departs_on=TODAY, returns_on=TODAY, today=TODAY) == []
    assert rules.approved_before_departure(today=TODAY, departs_on=TODAY - timedelta(days=1)).code == "after_departure"
    assert rules.approved_before_departure(today=TODAY, departs_on=TODAY) is None


def test_r11_a_trip_is_covered_only_by_its_approval_and_dates():
    args = dict(departs_on=TODAY, returns_on=TODAY + timedelta(days=5))
    assert rules.trip_within_approval(approved=True, left_on=TODAY, **args)
    assert not rules.trip_within_approval(approved=False, left_on=TODAY, **args)
    assert not rules.trip_within_approval(approved=True, left_on=TODAY + timedelta(days=6), **args)
    assert not rules.trip_within_approval(approved=True, left_on=TODAY - timedelta(days=1), **args)


@pytest.mark.parametrize("direction,held,approved,code", [
    ("in", True, None, "passport_held"),
    ("in", False, None, None),
    ("out", False, True, "passport_not_held"),
    ("out", True, False, "passport_no_approval"),
    ("out", True, True, None),
])
def test_r11_passport_custody(direction, held, approved, code):
    result = rules.passport_move(direction=direction, held_by_office=held, travel_approved=approved)
    assert (result.code if result else None) == code


def test_r12_stricter_policy_in_the_disengagement_period():
    assert rules.stricter_policy_in_disengagement(in_disengagement=True, variant="").code == "disengagement_policy"
    assert rules.stricter_policy_in_disengagement(in_disengagement=True, variant="disengagement") is None
    assert rules.stricter_policy_in_disengagement(in_disengagement=False, variant="") is None


def test_r12_no_new_clearance_in_the_disengagement_period():
    assert rules.not_in_disengagement(in_disengagement=True, until=TODAY).kind == "refused"
    assert rules.not_in_disengagement(in_disengagement=False, until=None) is None


def test_r12_approval_and_recall_before_leaving():
    assert rules.departure_approved(status="submitted").code == "not_approved"
    assert rules.departure_approved(status="completed").code == "already_completed"
    assert rules.departure_approved(status="approved") is None
    refused = rules.recall_complete(held_numbers=["U-2026-000001", "U-2026-000002"])
    assert refused.kind == "conflict" and "U-2026-000001" in refused.message and "U-2026-000002" in refused.message
    assert rules.recall_complete(held_numbers=[]) is None


def test_r12_disengagement_period_by_post():
    months = {"core": (24, 36), "important": (12, 24), "general": (6, 12)}
    assert rules.disengagement_range(post="core", months_by_post=months) == (24, 36)
    assert rules.disengagement_range(post="none", months_by_post=months) == (0, 0)
    assert rules.departure_months(months=11, low=12, high=24) is not None
    assert rules.departure_months(months=12, low=12, high=24) is None
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 11, 29), 36) == date(2029, 11, 29)


def test_r12_the_end_of_the_period_is_recorded_after_it():
    assert rules.disengagement_may_end(ends_on=TODAY, today=TODAY, closed=False).code == "period_running"
    assert rules.disengagement_may_end(ends_on=TODAY - timedelta(days=1), today=TODAY, closed=True).code == "already_closed"
    assert rules.disengagement_may_end(ends_on=TODAY - timedelta(days=1), today=TODAY, closed=False) is None
