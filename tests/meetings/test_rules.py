"""R8 as pure functions: each rule refuses when its clause is violated (with a reason and the right
kind of refusal) and allows when it is met."""

from datetime import datetime, timedelta

from common.levels import Level
from meetings import rules


def test_venue_approved_for_the_level():
    ok = dict(approval_reference="保会1号", is_active=True, max_level=Level.SECRET, same_unit=True, level=Level.SECRET)
    assert rules.venue_approved(**ok) is None
    assert rules.venue_approved(**{**ok, "approval_reference": ""}).code == "venue_not_approved"
    assert rules.venue_approved(**{**ok, "is_active": False}).code == "venue_not_approved"
    assert rules.venue_approved(**{**ok, "level": Level.TOP_SECRET}).code == "venue_level"
    assert rules.venue_approved(**{**ok, "same_unit": False}).kind == "refused"


def test_period_and_organiser():
    now = datetime(2026, 1, 1, 9)
    assert rules.period_valid(starts_at=now, ends_at=now + timedelta(hours=1)) is None
    assert rules.period_valid(starts_at=now, ends_at=now).field == "ends_at"
    assert rules.organiser_cleared(clearance=Level.SECRET, level=Level.SECRET) is None
    assert rules.organiser_cleared(clearance=Level.CONFIDENTIAL, level=Level.SECRET).kind == "refused"


def test_attendees_cleared_names_each_one_refused():
    people = [{"name": "甲", "active": True, "clearance": Level.SECRET},
              {"name": "乙", "active": True, "clearance": Level.CONFIDENTIAL},
              {"name": "丙", "active": True, "clearance": 0}]
    violation = rules.attendees_cleared(people=people, level=Level.SECRET)
    assert violation.kind == "refused" and "丙, 乙" in violation.message and "甲" not in violation.message
    assert rules.attendees_cleared(people=people[:1], level=Level.SECRET) is None
    gone = rules.attendees_cleared(people=[{"name": "丁", "active": False, "clearance": 3}], level=Level.SECRET)
    assert gone.code == "attendee_inactive"


def test_only_the_list_and_only_those_present():
    assert rules.on_the_list(listed=True, name="甲") is None
    assert rules.on_the_list(listed=False, name="甲").code == "not_attendee"
    assert rules.signed_in(signed_in=True, name="甲") is None
    assert rules.signed_in(signed_in=False, name="甲").code == "not_signed_in"
    assert rules.may_sign_in(is_self=True, is_organiser=False, is_office=False) is None
    assert rules.may_sign_in(is_self=False, is_organiser=False, is_office=True) is None
    assert rules.may_sign_in(is_self=False, is_organiser=False, is_office=False).kind == "refused"


def test_registered_numbered_distribution_within_the_level():
    assert rules.numbered(copy_numbers={"A-1": "000001"}) is None
    assert "A-2" in rules.numbered(copy_numbers={"A-1": "000001", "A-2": ""}).message
    assert rules.within_meeting_level(levels={"A-1": Level.SECRET}, level=Level.SECRET) is None
    assert rules.within_meeting_level(levels={"A-1": Level.TOP_SECRET}, level=Level.SECRET).kind == "refused"


def test_status_gates():
    assert rules.status_is(status="approved", allowed=("approved",), label="x") is None
    assert "not been approved" in rules.status_is(status="submitted", allowed=("approved",), label="x").message
    assert "closed" in rules.status_is(status="closed", allowed=("approved",), label="x").message
    assert "being planned" in rules.status_is(status="approved", allowed=("planning",), label="x").message


def test_keeping_needs_a_reason_and_the_units_office():
    assert rules.keep_reason_given(reason=" ").field == "reason"
    assert rules.keep_reason_given(reason="会后落实") is None
    assert rules.keeper_is_unit_office(is_office=True, same_unit=True, active=True) is None
    assert rules.keeper_is_unit_office(is_office=True, same_unit=False, active=True).kind == "refused"
    assert rules.keeper_is_unit_office(is_office=False, same_unit=True, active=True).kind == "refused"


def test_the_return_check():
    assert rules.all_accounted(unaccounted=[]) is None
    violation = rules.all_accounted(unaccounted=["B", "A"])
    assert violation.kind == "conflict" and "A, B not accounted for" in violation.message
    assert rules.missing_are_outstanding(not_outstanding=["A"]).field == "missing"
    assert rules.missing_explained(missing=["A"], note="").field == "missing_note"
    assert rules.missing_explained(missing=["A"], note="会后未交回") is None
    assert rules.missing_explained(missing=[], note="") is None
