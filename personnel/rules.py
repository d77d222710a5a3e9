"""R10-R12 and R14, secret-related personnel, as pure functions: given facts, None when allowed,
or a Violation saying why not. Nothing here touches the database.

R10: "Secret-related personnel shall not involve state secrets in private contacts and private
letters ..." — pledged in the secrecy pledge before taking up a secret-related post.
R11: "Without the consent of organs, units and competent departments, secret-related personnel
shall not leave the country ..."
R12: "Without approval, the secret-related personnel shall not leave their posts ... Those who
leave after approval still keep state secrets ... during the period of lifting confidentiality
(disengagement period) ... may not leave the country without approval."
R14: "Secret-related personnel must accept confidentiality education, supervision and inspection."
"""

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import Violation

SECRET_RELATED_POSTS = ("core", "important", "general")
POST_RANK = {"none": 0, "general": 1, "important": 2, "core": 3}
DISENGAGEMENT_VARIANT = "disengagement"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def disengagement_range(*, post: str, months_by_post: dict) -> tuple[int, int]:
    """(shortest, longest) disengagement period in months for a post; (0, 0) for none."""
    low, high = months_by_post.get(post, (0, 0))
    return int(low), int(high)


# --- R10 / R14: taking up (or raising) a secret-related post --------------------------------------


def not_in_disengagement(*, in_disengagement: bool, until: date | None) -> Violation | None:
    """R12: no new clearance during the disengagement period."""
    if in_disengagement:
        return Violation(
            _("This person is in the disengagement period until %(date)s: no new clearance or higher secrecy post "
              "before it ends.") % {"date": until.isoformat() if until else "?"},
            field="secrecy_post", code="disengagement", kind="refused",
        )
    return None


def post_needs_pledge(*, raising: bool, has_pledge: bool) -> Violation | None:
    """R10: a secret-related post is taken up only with a signed secrecy pledge on file."""
    if raising and not has_pledge:
        return Violation(
            _("No secrecy pledge on file: the person signs the pledge (private contacts, letters, public places, "
              "telephones) before taking up a secret-related post."),
            field="secrecy_post", code="no_pledge", kind="refused",
        )
    return None


def post_needs_training(*, raising: bool, trained_since: date | None, today: date, interval_days: int) -> Violation | None:
    """R14: confidentiality education before taking up a secret-related post (a passed course
    within the training interval)."""
    if raising and (trained_since is None or trained_since < today - timedelta(days=interval_days)):
        return Violation(
            _("No passed confidentiality training within the last %(days)d days: training comes before taking up "
              "a secret-related post.") % {"days": interval_days},
            field="secrecy_post", code="no_training", kind="refused",
        )
    return None


def training_valid(*, held_on: date, today: date, hours) -> list[Violation]:
    problems = []
    if held_on > today:
        problems.append(Violation(_("Training is recorded once it has taken place, not ahead."), field="held_on"))
    if hours is None or hours <= 0 or hours > 1000:
        problems.append(Violation(_("Hours must be more than 0 and at most 1000."), field="hours"))
    return problems


def not_in_future(*, day: date, today: date, field: str) -> Violation | None:
    if day > today:
        return Violation(_("This date is in the future."), field=field)
    return None


def not_in_past(*, day: date, today: date, field: str) -> Violation | None:
    """A date still to come (a planned leaving date): today or later (issue 17)."""
    if day < today:
        return Violation(_("This date has passed; give today or a later date."), field=field, code="date_in_past")
    return None


def pledge_recorded(*, method: str, reference: str) -> Violation | None:
    if method == "recorded" and not reference.strip():
        return Violation(_("Say where the paper original is kept."), field="reference")
    return None


# --- R11: leaving the country ---------------------------------------------------------------------


def travel_dates(*, departs_on: date, returns_on: date, today: date) -> list[Violation]:
    problems = []
    if departs_on < today:
        problems.append(Violation(
            _("The departure date has passed: approval comes before departure. A trip already taken is recorded by "
              "the secrecy office as taken without approval."), field="departs_on", code="departure_passed",
        ))
    if returns_on < departs_on:
        problems.append(Violation(_("The return date is before the departure date."), field="returns_on"))
    return problems


def traveller_secret_related(*, post: str) -> Violation | None:
    if post not in SECRET_RELATED_POSTS:
        return Violation(
            _("This person holds no secret-related post and was in none recently; no travel approval is needed."),
            field="traveller", code="not_secret_related", kind="conflict",
        )
    return None


def approved_before_departure(*, today: date, departs_on: date) -> Violation | None:
    """R11: consent before leaving; an approval given after the departure date is no consent."""
    if today > departs_on:
        return Violation(
            _("The departure date (%(date)s) has passed: travel is approved before departure, not after.")
            % {"date": departs_on.isoformat()},
            code="after_departure", kind="refused",
        )
    return None


def stricter_policy_in_disengagement(*, in_disengagement: bool, variant: str) -> Violation | None:
    """R12: in the disengagement period, leaving the country is approved only under the stricter
    policy (approvals variant "disengagement")."""
    if in_disengagement and variant != DISENGAGEMENT_VARIANT:
        return Violation(
            _("The traveller is in the disengagement period: this travel may be approved only under the stricter "
              "disengagement policy. Withdraw it and let the secrecy office submit it again."),
            code="disengagement_policy", kind="refused",
        )
    return None


def trip_within_approval(*, approved: bool, left_on: date, departs_on: date, returns_on: date) -> bool:
    """Was this trip covered by its approval? (Otherwise it is recorded as a violation.)"""
    return approved and departs_on <= left_on <= returns_on


def passport_move(*, direction: str, held_by_office: bool, travel_approved: bool | None) -> Violation | None:
    """R11: the secrecy office keeps the passport; it is handed out only for an approved trip."""
    if direction == "in" and held_by_office:
        return Violation(_("The secrecy office already holds this passport."), code="passport_held", kind="conflict")
    if direction == "out":
        if not held_by_office:
            return Violation(
                _("The secrecy office does not hold this passport; it cannot be handed out."),
                code="passport_not_held", kind="conflict",
            )
        if not travel_approved:
            return Violation(
                _("A passport is handed out only for an approved trip of this person."),
                field="travel", code="passport_no_approval", kind="refused",
            )
    return None


# --- R12: leaving the post ------------------------------------------------------------------------


def departing_secret_related(*, post: str) -> Violation | None:
    if post not in SECRET_RELATED_POSTS:
        return Violation(
            _("This person holds no secret-related post; the secrecy office records the departure directly."),
            field="person", code="not_secret_related", kind="conflict",
        )
    return None


def departure_months(*, months: int, low: int, high: int) -> Violation | None:
    if not low <= months <= high:
        return Violation(
            _("The disengagement period for this post is %(low)d to %(high)d months.") % {"low": low, "high": high},
            field="disengagement_months", code="period_range",
        )
    return None


def departure_approved(*, status: str) -> Violation | None:
    """R12: no leaving the post without approval."""
    if status == "completed":
        return Violation(_("This departure has already been completed."), code="already_completed", kind="conflict")
    if status != "approved":
        return Violation(
            _("This departure has not been approved; the person may not leave the post."),
            code="not_approved", kind="refused",
        )
    return None


def recall_complete(*, held_numbers: list[str], hidden: int = 0) -> Violation | None:
    """R12 with R6: every carrier the person holds (their own, borrowed, carried out) is returned
    (清退) before they leave the post. `held_numbers`: those the reader may open; `hidden`: how
    many others (counted, never named: a refusal names no carrier its reader cannot open)."""
    count = len(held_numbers) + hidden
    if not count:
        return None
    shown = ", ".join(held_numbers[:50]) + (" …" if len(held_numbers) > 50 else "")
    if hidden:
        more = ngettext("and %(count)d carrier you may not open", "and %(count)d carriers you may not open",
                        hidden) % {"count": hidden}
        shown = f"{shown}; {more}" if shown else more
    return Violation(
        _("The person still holds %(count)d carrier(s); each must be returned by a handover before they leave "
          "the post: %(numbers)s") % {"count": count, "numbers": shown},
        code="carriers_held", kind="conflict",
    )


def disengagement_may_end(*, ends_on: date | None, today: date, closed: bool) -> Violation | None:
    if ends_on is None:
        return Violation(_("This departure has no disengagement period."), code="no_period", kind="conflict")
    if closed:
        return Violation(_("The end of this period has already been recorded."), code="already_closed", kind="conflict")
    if today <= ends_on:
        return Violation(
            _("The disengagement period runs until %(date)s; its end is recorded after that.")
            % {"date": ends_on.isoformat()}, code="period_running", kind="conflict",
        )
    return None
