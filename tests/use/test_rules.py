"""R3 as pure functions: each rule refuses with its reason when violated and allows when met."""

from datetime import UTC, date, datetime, timedelta

from carriers.use import rules
from common.levels import Level

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)


def test_credential_active_cleared_in_scope():
    ok = dict(active=True, clearance=Level.SECRET, level=Level.SECRET, in_scope=True)
    assert rules.person_credential(**ok) is None
    assert rules.person_credential(**{**ok, "active": False}).code == "inactive"
    assert rules.person_credential(**{**ok, "clearance": Level.CONFIDENTIAL}).code == "clearance"
    assert rules.person_credential(**{**ok, "in_scope": False}).code == "out_of_scope"
    assert all(rules.person_credential(**{**ok, k: v}).kind == "refused"
               for k, v in (("active", False), ("in_scope", False)))


def test_place_fit():
    ok = dict(place_unit_id=1, unit_id=1, is_active=True, max_level=Level.SECRET, level=Level.SECRET)
    assert rules.place_fit(**ok) is None
    assert rules.place_fit(**{**ok, "place_unit_id": 2}).code == "place_unit"
    assert rules.place_fit(**{**ok, "is_active": False}).code == "place_inactive"
    assert rules.place_fit(**{**ok, "level": Level.TOP_SECRET}).code == "place_level"


def test_rules_told_and_session_times():
    assert rules.rules_told(told=True) is None
    assert rules.rules_told(told=False).field == "rules_told"
    assert rules.session_times(started_at=NOW - timedelta(hours=1), ended_at=NOW, now=NOW) == []
    assert [v.code for v in rules.session_times(started_at=NOW + timedelta(minutes=1), ended_at=None, now=NOW)] == [
        "future"]
    assert [v.code for v in rules.session_times(started_at=NOW, ended_at=NOW - timedelta(minutes=1), now=NOW)] == [
        "ends_before"]


def test_passing_a_circulated_carrier_on():
    base = dict(next_id=12, on_list=True, starter_id=1)
    assert rules.passed_on_list(pass_to_id=None, **base) is None
    assert rules.passed_on_list(pass_to_id=12, **base) is None
    assert rules.passed_on_list(pass_to_id=99, **{**base, "on_list": False}).code == "off_the_list"
    assert rules.passed_on_list(pass_to_id=13, **base).code == "out_of_order"
    # after the last reader it goes back to whoever sent it round, to nobody else
    assert rules.passed_on_list(pass_to_id=1, next_id=None, on_list=False, starter_id=1) is None
    assert rules.passed_on_list(pass_to_id=12, next_id=None, on_list=True, starter_id=1).code == "out_of_order"


def test_readers_turn_and_list():
    assert rules.readers_turn(is_current=True, already_signed=False) is None
    assert rules.readers_turn(is_current=False, already_signed=False).code == "not_your_turn"
    assert rules.readers_turn(is_current=False, already_signed=True).code == "already_signed"
    assert [v.code for v in rules.readers_listed(reader_ids=[])] == ["required"]
    assert [v.code for v in rules.readers_listed(reader_ids=[1, 1])] == ["duplicate"]
    assert rules.readers_credentials(refused=[]) is None
    assert "A: not cleared" in rules.readers_credentials(refused=[("A", "not cleared")]).message


def test_due_date_and_extension():
    assert rules.due_date(due_on=TODAY + timedelta(days=30), today=TODAY, max_days=30) is None
    assert rules.due_date(due_on=TODAY + timedelta(days=31), today=TODAY, max_days=30).code == "due_too_far"
    assert rules.due_date(due_on=TODAY, today=TODAY, max_days=30).code == "due_past"
    ok = dict(requested=TODAY + timedelta(days=20), current_due=TODAY + timedelta(days=10), today=TODAY, max_days=30,
              has_pending=False, status="on_loan")
    assert rules.extension_fits(**ok) == []
    assert [v.code for v in rules.extension_fits(**{**ok, "status": "returned"})] == ["loan_status"]
    assert [v.code for v in rules.extension_fits(**{**ok, "has_pending": True})] == ["extension_pending"]
    assert [v.code for v in rules.extension_fits(**{**ok, "requested": ok["current_due"]})] == ["not_later"]


def test_return_to_the_lender_only_and_who_lends():
    assert rules.return_to_lender(taker_id=None, lender_id=5) is None
    assert rules.return_to_lender(taker_id=5, lender_id=5) is None
    assert rules.return_to_lender(taker_id=6, lender_id=5).code == "not_lender"
    assert rules.may_lend(is_holder=True, is_office=True) is None
    assert rules.may_lend(is_holder=False, is_office=True).code == "not_holder"
    assert rules.may_lend(is_holder=True, is_office=False).code == "not_office"
    assert rules.may_cancel(status="requested", is_borrower_=True, is_lender_side=False) is None
    assert rules.may_cancel(status="lending", is_borrower_=True, is_lender_side=False).code == "may_not_cancel"
    assert rules.may_cancel(status="on_loan", is_borrower_=True, is_lender_side=True).code == "loan_status"
