"""Secrecy periods as pure functions: given facts, None when allowed, or a Violation saying why
not. The services gather the facts; nothing here touches the database.

Law on Guarding State Secrets (GLOSSARY, "Defaults"): a secrecy period is at most 30 years for Top
Secret, 20 for Secret, 10 for Confidential (settings.REGISTRY["SECRECY_MAX_YEARS"]). When a period
ends, or a declassification condition is met, the originating unit reviews the carrier: it extends
the period (approved; never beyond the maximum for the level), downgrades the level (approved;
never to unclassified) or declassifies it (approved)."""

from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

from .models import Outcome

FINAL_STATUSES = ("destroyed", "declassified")
# a carrier is declassified from these statuses only (carriers.models.ALLOWED_MOVES)
DECLASSIFIABLE_STATUSES = ("in_custody", "archived")


def months_of(years, months) -> int:
    return (years or 0) * 12 + (months or 0)


def max_months(level: int) -> int:
    return settings.REGISTRY["SECRECY_MAX_YEARS"][level] * 12


def carrier_reviewable(*, status: str, status_label: str) -> Violation | None:
    if status in FINAL_STATUSES:
        return Violation(
            _("A carrier that is %(status)s is not reviewed any more.") % {"status": status_label},
            field="carrier", code="carrier_final", kind="conflict",
        )
    return None


def reviewer_of_unit(*, actor_unit_id: int, reviewing_unit_id: int) -> Violation | None:
    """The originating unit (the registering unit when none is recorded) reviews its carriers."""
    if actor_unit_id != reviewing_unit_id:
        return Violation(_("Only the unit that originated this carrier reviews its secrecy period."),
                         field="carrier", code="not_originating_unit", kind="refused")
    return None


def one_open_review(*, has_open: bool) -> Violation | None:
    if has_open:
        return Violation(_("A review of this carrier is already waiting for approval."), field="carrier",
                         code="review_open", kind="conflict")
    return None


def reason_given(*, reason: str) -> Violation | None:
    if not (reason or "").strip():
        return Violation(_("Give the reason for the review."), field="reason")
    return None


def outcome_terms(*, outcome: str, new_level, new_years, new_months) -> list[Violation]:
    """What each outcome names: extend -> a new period; downgrade -> a lower level (a new period
    optional); declassify -> nothing new."""
    problems = []
    has_period = new_years is not None or new_months is not None
    if outcome not in Outcome.values:
        return [Violation(_("Choose extend, downgrade or declassify."), field="outcome")]
    if outcome == Outcome.EXTEND:
        if not has_period:
            problems.append(Violation(_("An extension names the new secrecy period."), field="new_secrecy_years"))
        if new_level is not None:
            problems.append(Violation(_("An extension keeps the level; to change it, propose a downgrade."),
                                      field="new_level"))
    if outcome == Outcome.DOWNGRADE and new_level is None:
        problems.append(Violation(_("A downgrade names the new, lower level."), field="new_level"))
    if outcome == Outcome.DECLASSIFY and (has_period or new_level is not None):
        problems.append(Violation(_("A declassification names no new level or period."), field="outcome"))
    if has_period and ((new_years is not None and new_years < 0) or (new_months is not None and not 0 <= new_months <= 11)):
        problems.append(Violation(_("Give whole years and months from 0 to 11."), field="new_secrecy_months"))
    elif has_period and months_of(new_years, new_months) == 0:
        problems.append(Violation(_("A secrecy period must be longer than zero."), field="new_secrecy_years"))
    return problems


def never_unclassified(*, new_level) -> Violation | None:
    """A downgrade never goes to unclassified: lifting the classification is declassification."""
    if new_level is not None and new_level < Level.CONFIDENTIAL:
        return Violation(
            _("A carrier is never downgraded to unclassified: propose declassification instead."),
            field="new_level", code="to_unclassified",
        )
    if new_level is not None and new_level not in Level.values:
        return Violation(_("Choose a classification level."), field="new_level")
    return None


def downgrade_lower(*, level: int, new_level) -> Violation | None:
    if new_level is not None and new_level in Level.values and new_level >= level:
        return Violation(
            _("A downgrade goes to a level below %(level)s.") % {"level": Level(level).label},
            field="new_level", code="not_lower",
        )
    return None


def extension_longer(*, years, months, new_years, new_months) -> Violation | None:
    """An extension makes the period longer than it is (counted from the same start)."""
    current = months_of(years, months)
    if (years is not None or months is not None) and months_of(new_years, new_months) <= current:
        return Violation(_("An extension must be longer than the current secrecy period."),
                         field="new_secrecy_years", code="not_longer")
    return None


def within_statutory_maximum(*, level: int, years, months) -> Violation | None:
    """Never beyond the statutory maximum for the level (a condition does not lift it here)."""
    if level in Level.values and (years is not None or months is not None) and months_of(years, months) > max_months(level):
        return Violation(
            _("The secrecy period for %(level)s may not exceed %(years)d years.")
            % {"level": Level(level).label, "years": settings.REGISTRY["SECRECY_MAX_YEARS"][level]},
            field="new_secrecy_years", code="beyond_statutory_maximum",
        )
    return None


def declassifiable_now(*, outcome: str, status: str, status_label: str) -> Violation | None:
    """A carrier on loan, carried out, in transit or in a meeting comes back before it is declassified."""
    if outcome == Outcome.DECLASSIFY and status not in DECLASSIFIABLE_STATUSES + FINAL_STATUSES:
        return Violation(
            _("A carrier that is %(status)s cannot be declassified until it is back in custody.") % {"status": status_label},
            field="carrier", code="not_in_custody", kind="conflict",
        )
    return None


def has_condition(*, condition: str) -> Violation | None:
    if not (condition or "").strip():
        return Violation(_("This carrier has no declassification condition; its secrecy period is reviewed instead."),
                         field="carrier", code="no_condition", kind="conflict")
    return None


def condition_not_open(*, has_open: bool) -> Violation | None:
    if has_open:
        return Violation(_("That the condition is met is already on record and awaiting review."), field="carrier",
                         code="condition_already_recorded", kind="conflict")
    return None


def met_on_valid(*, met_on, today) -> Violation | None:
    if met_on is None or met_on > today:
        return Violation(_("The date the condition was met cannot be in the future."), field="met_on")
    return None


def note_given(*, note: str) -> Violation | None:
    if not (note or "").strip():
        return Violation(_("Say how the condition was met."), field="note")
    return None
