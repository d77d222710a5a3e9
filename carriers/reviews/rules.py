"""The rules of holdings reviews and spot checks, as pure functions returning a Violation or None."""

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import ReviewLine

ANSWERS = set(ReviewLine.Answer.values)
MAX_SAMPLE = 2000
MAX_REVIEW_DAYS = 180


def answer_valid(*, answer: str, reason: str) -> list[Violation]:
    if answer not in ANSWERS:
        return [Violation(_("Answer keep, return or propose destruction."), field="answer", code="invalid_choice")]
    if answer == ReviewLine.Answer.KEEP and not (reason or "").strip():
        return [Violation(_("Say why you still need this carrier to keep it."), field="reason", code="required")]
    return []


def due_days_valid(*, days) -> Violation | None:
    if isinstance(days, int) and 1 <= days <= MAX_REVIEW_DAYS:
        return None
    return Violation(_("Give the holders between 1 and %(max)d days to answer.") % {"max": MAX_REVIEW_DAYS},
                     field="days", code="invalid")


def strata_valid(*, strata: dict) -> list[Violation]:
    """strata: {level: how many} — known levels, whole numbers, at least one carrier in all."""
    problems = []
    for level, count in strata.items():
        if level not in Level.values:
            problems.append(Violation(_("Unknown classification level."), field="strata", code="invalid"))
        elif not isinstance(count, int) or count < 0 or count > MAX_SAMPLE:
            problems.append(Violation(_("Draw between 0 and %(max)d carriers of each level.") % {"max": MAX_SAMPLE},
                                      field=f"level_{level}", code="invalid"))
    if not problems and sum(strata.values()) == 0:
        problems.append(Violation(_("The sample is empty: draw at least one carrier."), field="strata", code="empty"))
    return problems


def sample_not_empty(*, drawn: int) -> Violation | None:
    if drawn:
        return None
    return Violation(_("The sample is empty: the unit keeps no carrier of the levels asked for."), field="strata",
                     code="empty")
