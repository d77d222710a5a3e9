"""The regulation for the carrier core, clause by clause: each violation refused with its reason."""

from datetime import date

import pytest

from carriers import rules
from carriers.models import ALLOWED_MOVES, Container, Status
from common.levels import Level


class FakeContainer:
    def __init__(self, kind, max_level, unit_id=1, is_active=True, code="C1"):
        self.kind, self.max_level, self.unit_id, self.is_active, self.code = kind, max_level, unit_id, is_active, code

    def get_kind_display(self):
        return Container.Kind(self.kind).label


@pytest.mark.parametrize(
    ("level", "clearance", "allowed"),
    [(1, 1, True), (2, 1, False), (3, 2, False), (3, 3, True), (1, 0, False)],
)
def test_level_within_clearance(level, clearance, allowed):
    result = rules.level_within_clearance(level=level, clearance=clearance)
    assert (result is None) is allowed
    if not allowed:
        assert result.kind == "refused" and "clearance" in result.message


@pytest.mark.parametrize(("level", "limit"), [(Level.TOP_SECRET, 30), (Level.SECRET, 20), (Level.CONFIDENTIAL, 10)])
def test_statutory_longest_period(level, limit):
    assert rules.secrecy_period(level=level, years=limit, months=None, condition="") == []
    [problem] = rules.secrecy_period(level=level, years=limit, months=1, condition="")
    assert problem.field == "secrecy_years" and str(limit) in problem.message
    # a declassification condition may go beyond the period
    assert rules.secrecy_period(level=level, years=limit + 5, months=None, condition="项目结束") == []
    # neither period nor condition: the statutory longest period applies
    assert rules.default_period_years(level=level, years=None, months=None, condition="") == limit


@pytest.mark.parametrize(
    ("years", "months", "field"),
    [(0, None, "secrecy_years"), (0, 0, "secrecy_years"), (1, 12, "secrecy_months"), (-1, None, "secrecy_years")],
)
def test_bad_periods(years, months, field):
    problems = rules.secrecy_period(level=Level.SECRET, years=years, months=months, condition="")
    assert problems and problems[0].field == field


def test_period_cannot_start_in_future():
    today = date(2026, 11, 28)
    assert rules.period_start_not_future(start=today, today=today) is None
    assert rules.period_start_not_future(start=date(2026, 11, 29), today=today).field == "period_start"


def test_expiry_adds_years_and_months():
    assert rules.expiry(start=date(2024, 1, 31), years=1, months=1) == date(2025, 2, 28)
    assert rules.expiry(start=date(2024, 1, 1), years=None, months=None) is None


@pytest.mark.parametrize(
    ("level", "years", "months", "condition", "zh", "en"),
    [
        (Level.SECRET, 10, None, "", "机密★10年", "Secret★10 years"),
        (Level.TOP_SECRET, 1, None, "", "绝密★1年", "Top Secret★1 year"),
        (Level.CONFIDENTIAL, None, 6, "", "秘密★6个月", "Confidential★6 months"),
        (Level.CONFIDENTIAL, 1, 6, "", "秘密★1年6个月", "Confidential★1 year 6 months"),
        (Level.SECRET, None, None, "项目验收后", "机密★项目验收后", "Secret★项目验收后"),
    ],
)
def test_marking(level, years, months, condition, zh, en):
    assert rules.marking(level=level, years=years, months=months, condition=condition) == (zh, en)


@pytest.mark.parametrize(
    ("kind", "max_level", "level", "allowed"),
    [
        (Container.Kind.COMBINATION_SAFE, Level.TOP_SECRET, Level.TOP_SECRET, True),
        (Container.Kind.COMBINATION_CABINET, Level.TOP_SECRET, Level.TOP_SECRET, False),  # TS only in a safe
        (Container.Kind.SECURE_ROOM, Level.TOP_SECRET, Level.TOP_SECRET, False),
        (Container.Kind.COMBINATION_CABINET, Level.SECRET, Level.SECRET, True),
        (Container.Kind.COMBINATION_CABINET, Level.CONFIDENTIAL, Level.SECRET, False),  # above its max level
        (Container.Kind.ORDINARY_CABINET, Level.CONFIDENTIAL, Level.CONFIDENTIAL, False),  # never in an ordinary cabinet
        (Container.Kind.SECURE_ROOM, Level.SECRET, Level.CONFIDENTIAL, True),
    ],
)
def test_container_may_hold(kind, max_level, level, allowed):
    result = rules.container_may_hold(container=FakeContainer(kind, max_level), level=level, unit_id=1)
    assert (result is None) is allowed
    if not allowed:
        assert result.field == "container" and "C1" in result.message


def test_container_of_other_unit_or_inactive_refused():
    safe = FakeContainer(Container.Kind.COMBINATION_SAFE, Level.TOP_SECRET, unit_id=2)
    assert rules.container_may_hold(container=safe, level=1, unit_id=1).code == "container_unit"
    idle = FakeContainer(Container.Kind.COMBINATION_SAFE, Level.TOP_SECRET, is_active=False)
    assert rules.container_may_hold(container=idle, level=1, unit_id=1).code == "container_inactive"
    assert rules.container_may_hold(container=None, level=1, unit_id=1).code == "required"


@pytest.mark.parametrize(
    ("copy_number", "total", "ok"),
    [("", 1, True), ("000001", 1, True), ("000005", 5, True), ("000006", 5, False), ("12", 5, False), ("abcdef", 9, False), ("000000", 3, False)],
)
def test_copy_numbering(copy_number, total, ok):
    assert (rules.copy_numbering(copy_number=copy_number, copies_total=total) is None) is ok


def test_medium_fits_kind():
    assert rules.medium_fits_kind(kind="electronic", medium="usb", is_coded_telegram=False) == []
    assert rules.medium_fits_kind(kind="electronic", medium="", is_coded_telegram=False)[0].field == "medium"
    assert rules.medium_fits_kind(kind="paper", medium="usb", is_coded_telegram=False)[0].field == "medium"
    assert rules.medium_fits_kind(kind="electronic", medium="usb", is_coded_telegram=True)[0].field == "is_coded_telegram"


def test_scope_within_unit():
    assert rules.scope_within_unit(department_unit_ids=[1, 1], unit_id=1) is None
    assert rules.scope_within_unit(department_unit_ids=[1, 2], unit_id=1).field == "scope_departments"


def test_state_machine_moves():
    for src in Status.values:
        for dst in Status.values:
            result = rules.move_allowed(from_status=src, to_status=dst)
            assert (result is None) is (dst in ALLOWED_MOVES[src])
            if result is not None:
                assert result.kind == "conflict"
    assert ALLOWED_MOVES[Status.DESTROYED] == ()
