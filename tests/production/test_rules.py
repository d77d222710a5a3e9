"""R1 as pure functions: each clause refused when violated and allowed when met (no database)."""

from datetime import date

import pytest

from carriers.production import rules
from common.levels import Level

TODAY = date(2026, 6, 1)
PLACE = dict(approval_reference="保密〔2026〕1号", is_active=True, max_level=Level.SECRET,
             valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31), same_unit=True, level=Level.SECRET,
             today=TODAY)
ENTERPRISE = dict(is_individual=False, licence_number="JM-1", licensed_level=Level.SECRET,
                  licence_valid_until=date(2026, 12, 31), is_active=True, level=Level.SECRET, today=TODAY)


def test_an_approved_place_in_validity_and_level_is_allowed():
    assert rules.place_approved(**PLACE) is None
    assert rules.place_approved(**{**PLACE, "level": Level.CONFIDENTIAL}) is None
    assert rules.place_approved(**{**PLACE, "today": date(2026, 12, 31)}) is None  # last valid day


@pytest.mark.parametrize(
    ("change", "code", "kind"),
    [
        ({"approval_reference": ""}, "place_unapproved", "refused"),
        ({"approval_reference": "   "}, "place_unapproved", "refused"),
        ({"is_active": False}, "place_unapproved", "refused"),
        ({"today": date(2027, 1, 1)}, "place_expired", "refused"),
        ({"today": date(2025, 12, 31)}, "place_not_yet_valid", "refused"),
        ({"level": Level.TOP_SECRET}, "place_level", "refused"),
        ({"same_unit": False}, "place_unit", "invalid"),
    ],
)
def test_a_place_is_refused(change, code, kind):
    violation = rules.place_approved(**{**PLACE, **change})
    assert (violation.code, violation.kind, violation.field) == (code, kind, "place")


def test_a_licensed_enterprise_in_validity_and_level_is_allowed():
    assert rules.enterprise_licensed(**ENTERPRISE) is None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"is_individual": True}, "individual"),
        ({"is_individual": True, "licensed_level": Level.TOP_SECRET}, "individual"),
        ({"licence_number": ""}, "enterprise_unlicensed"),
        ({"licensed_level": None}, "enterprise_unlicensed"),
        ({"licence_valid_until": None}, "enterprise_unlicensed"),
        ({"is_active": False}, "enterprise_unlicensed"),
        ({"today": date(2027, 1, 1)}, "enterprise_expired"),
        ({"level": Level.TOP_SECRET}, "enterprise_level"),
    ],
)
def test_an_enterprise_or_individual_is_refused(change, code):
    violation = rules.enterprise_licensed(**{**ENTERPRISE, **change})
    assert (violation.code, violation.kind) == (code, "refused")


@pytest.mark.parametrize(("place", "enterprise", "ok"), [(True, False, True), (False, True, True),
                                                          (True, True, False), (False, False, False)])
def test_place_xor_enterprise(place, enterprise, ok):
    assert (rules.place_xor_enterprise(has_place=place, has_enterprise=enterprise) is None) is ok


def test_no_run_without_an_approval_and_never_twice():
    assert rules.production_approved(request_status="approved", approval_status="approved") is None
    for status in ("submitted", "in_review", "rejected", "withdrawn", "expired", None):
        violation = rules.production_approved(request_status="submitted", approval_status=status)
        assert (violation.code, violation.kind) == ("not_approved", "refused")
    violation = rules.production_approved(request_status="produced", approval_status="approved")
    assert (violation.code, violation.kind) == ("already_produced", "conflict")


def test_exactly_the_approved_quantity():
    assert rules.run_quantity(quantity=None, approved=5) is None
    assert rules.run_quantity(quantity=5, approved=5) is None
    over = rules.run_quantity(quantity=6, approved=5)
    assert (over.code, over.kind) == ("over_production", "refused")
    fewer = rules.run_quantity(quantity=4, approved=5)
    assert (fewer.code, fewer.kind) == ("quantity_mismatch", "invalid")


@pytest.mark.parametrize("approved", [1, 2, 9, 10, 11, 100, 1000])
def test_copy_numbers_are_six_digits_unique_and_gap_free(approved):
    numbers = rules.copy_numbers(approved=approved)
    assert len(numbers) == len(set(numbers)) == approved
    assert all(len(n) == 6 and n.isdigit() for n in numbers)
    assert [int(n) for n in numbers] == list(range(1, approved + 1))


def test_copies_requested_range():
    assert rules.copies_requested(copies=1) is None
    assert rules.copies_requested(copies=rules.MAX_COPIES) is None
    assert rules.copies_requested(copies=0).field == "copies"
    assert rules.copies_requested(copies=rules.MAX_COPIES + 1).field == "copies"


def test_intermediate_kinds_and_dispositions():
    assert rules.intermediate_valid(kind="negative", disposition="destroy") == []
    assert [v.field for v in rules.intermediate_valid(kind="book", disposition="sell")] == [
        "intermediate_kind", "disposition"
    ]
