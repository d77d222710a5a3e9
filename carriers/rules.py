"""The regulation for the carrier core, as pure functions: given facts, None when allowed, or a
Violation that says why not. Services call these; nothing here touches the database."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import LEVEL_EN, LEVEL_ZH, Level

from .models import ALLOWED_MOVES, CONTAINER_RANK, Carrier, Container


def max_secrecy_years(level: int) -> int:
    return settings.REGISTRY["SECRECY_MAX_YEARS"][level]


def level_within_clearance(*, level: int, clearance: int) -> Violation | None:
    """A person registers, handles or grants nothing above their own clearance."""
    if level > clearance:
        return Violation(
            _("You may not register a carrier classified %(level)s: your clearance does not reach it.")
            % {"level": Level(level).label},
            field="level", code="above_clearance", kind="refused",
        )
    return None


def secrecy_period(*, level: int, years, months, condition: str) -> list[Violation]:
    """Period in years and months, or a declassification condition; never longer than the
    statutory maximum for the level (Law on Guarding State Secrets) unless a condition is given."""
    problems = []
    if years is not None and years < 0 or months is not None and months < 0:
        problems.append(Violation(_("A secrecy period cannot be negative."), field="secrecy_years"))
        return problems
    if months is not None and months >= 12:
        problems.append(Violation(_("Give months from 0 to 11; put whole years in years."), field="secrecy_months"))
    total_months = (years or 0) * 12 + (months or 0)
    has_period = years is not None or months is not None
    if has_period and total_months == 0:
        problems.append(Violation(_("A secrecy period must be longer than zero."), field="secrecy_years"))
    limit = max_secrecy_years(level)
    if has_period and total_months > limit * 12 and not condition:
        problems.append(
            Violation(
                _("The secrecy period for %(level)s may not exceed %(years)d years unless a declassification condition is given.")
                % {"level": Level(level).label, "years": limit},
                field="secrecy_years", code="period_too_long",
            )
        )
    return problems


def default_period_years(*, level: int, years, months, condition: str):
    """With neither a period nor a condition, the statutory longest period applies."""
    if years is None and months is None and not condition:
        return max_secrecy_years(level)
    return years


def period_start_not_future(*, start: date | None, today: date) -> Violation | None:
    if start is not None and start > today:
        return Violation(_("The secrecy period cannot start in the future."), field="period_start")
    return None


def expiry(*, start: date, years, months) -> date | None:
    if years is None and months is None:
        return None
    return start + relativedelta(years=years or 0, months=months or 0)


def _period_text(years, months, lang: str) -> str:
    parts = []
    if lang == "zh":
        if years:
            parts.append(f"{years}年")
        if months:
            parts.append(f"{months}个月")
        return "".join(parts)
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if months:
        parts.append(f"{months} month" + ("s" if months != 1 else ""))
    return " ".join(parts)


def marking(*, level: int, years, months, condition: str) -> tuple[str, str]:
    """The secrecy marking, e.g. 机密★10年 / Secret★10 years; a condition stands for the period."""
    zh_period = _period_text(years, months, "zh") or condition
    en_period = _period_text(years, months, "en") or condition
    return f"{LEVEL_ZH[level]}★{zh_period}", f"{LEVEL_EN[level]}★{en_period}"


def container_may_hold(*, container: Container | None, level: int, unit_id: int) -> Violation | None:
    """R6: keep carriers only in places and equipment fit for their level (Top Secret only in a
    combination safe by default); the container must be in the carrier's unit and in use."""
    if container is None:
        return Violation(_("Choose the container the carrier is kept in."), field="container", code="required")
    if not container.is_active:
        return Violation(_("This container is no longer in use."), field="container", code="container_inactive")
    if container.unit_id != unit_id:
        return Violation(_("This container belongs to another unit."), field="container", code="container_unit")
    least = settings.REGISTRY["STORAGE_MIN_CONTAINER"][level]
    if level > container.max_level or CONTAINER_RANK[container.kind] < CONTAINER_RANK[least]:
        return Violation(
            _("%(container)s (%(kind)s) may not hold a %(level)s carrier; the least it needs: %(least)s.")
            % {
                "container": container.code,
                "kind": container.get_kind_display(),
                "level": Level(level).label,
                "least": Container.Kind(least).label,
            },
            field="container", code="container_too_weak",
        )
    return None


def copy_numbering(*, copy_number: str, copies_total: int) -> Violation | None:
    if not copy_number:
        return None
    if len(copy_number) != 6 or not copy_number.isdigit():
        return Violation(_("A copy number has six digits, e.g. 000003."), field="copy_number")
    if not 1 <= int(copy_number) <= copies_total:
        return Violation(
            _("Copy number %(n)s is outside the %(total)d copies made.") % {"n": copy_number, "total": copies_total},
            field="copy_number",
        )
    return None


def medium_fits_kind(*, kind: str, medium: str, is_coded_telegram: bool) -> list[Violation]:
    problems = []
    if kind == Carrier.Kind.ELECTRONIC and not medium:
        problems.append(Violation(_("Say which electronic medium this is."), field="medium"))
    if kind != Carrier.Kind.ELECTRONIC and medium:
        problems.append(Violation(_("Only electronic media have a medium type."), field="medium"))
    if is_coded_telegram and kind != Carrier.Kind.PAPER:
        problems.append(Violation(_("Only a paper document can be a coded telegram."), field="is_coded_telegram"))
    return problems


def scope_within_unit(*, department_unit_ids: list[int], unit_id: int) -> Violation | None:
    if any(parent != unit_id for parent in department_unit_ids):
        return Violation(
            _("The distribution scope may name only departments of this unit."), field="scope_departments"
        )
    return None


def move_allowed(*, from_status: str, to_status: str) -> Violation | None:
    """The carrier's state machine: only the moves in ALLOWED_MOVES."""
    if to_status not in ALLOWED_MOVES.get(from_status, ()):
        labels = dict(Carrier.Status.choices)  # an unknown status is refused too, not a ValueError
        return Violation(
            _("A carrier that is %(from)s cannot become %(to)s.")
            % {"from": labels.get(from_status, from_status), "to": labels.get(to_status, to_status)},
            field="status", code="bad_transition", kind="conflict",
        )
    return None


# --- custody: handovers ------------------------------------------------------------------------

# statuses from which a carrier can change hands without a status move, by handover kind
HANDOVER_FROM = {
    "transfer": ("registered", "in_custody"),
    "dispatch": ("registered", "in_custody"),
    "lending": ("in_custody",),
    "carry_out": ("in_custody",),
    "return": ("on_loan", "carried_out", "in_meeting", "in_custody"),
    "meeting": ("in_custody", "in_meeting"),
    "storage": ("registered", "in_custody"),
    "destruction": ("pending_destruction",),
}


def giver_holds(*, holders: dict[str, int], giver_id: int) -> Violation | None:
    """Only the accountable holder can hand a carrier over. holders: registry number -> holder id."""
    not_held = sorted(number for number, holder in holders.items() if holder != giver_id)
    if not_held:
        return Violation(
            _("You do not hold %(numbers)s, so you cannot hand it over.") % {"numbers": ", ".join(not_held)},
            field="carriers", code="not_holder", kind="conflict",
        )
    return None


def statuses_allow_handover(*, statuses: dict[str, str], kind: str) -> Violation | None:
    allowed = HANDOVER_FROM[kind]
    blocked = sorted(number for number, status in statuses.items() if status not in allowed)
    if blocked:
        return Violation(
            _("%(numbers)s cannot be handed over in its current status.") % {"numbers": ", ".join(blocked)},
            field="carriers", code="bad_status", kind="conflict",
        )
    return None


def count_matches(*, declared: int, actual: int, field: str) -> Violation | None:
    """R2: when signing, count and check: the count given must match what is listed."""
    if declared != actual:
        return Violation(
            _("The count %(declared)d does not match the %(actual)d carriers listed.") % {"declared": declared, "actual": actual},
            field=field, code="count_mismatch",
        )
    return None


def taker_cleared(*, clearance: int, levels: list[int], active: bool) -> Violation | None:
    if not active:
        return Violation(_("The taker is not an active registered person."), field="taker", code="taker_inactive")
    if levels and clearance < max(levels):
        return Violation(
            _("The taker's clearance does not reach %(level)s.") % {"level": Level(max(levels)).label},
            field="taker", code="taker_clearance", kind="refused",
        )
    return None


def taker_in_scope(*, out_of_scope: list[str]) -> Violation | None:
    """R2/R3: distribution strictly within the prescribed scope."""
    if out_of_scope:
        return Violation(
            _("The taker is outside the distribution scope of %(numbers)s.") % {"numbers": ", ".join(sorted(out_of_scope))},
            field="taker", code="out_of_scope", kind="refused",
        )
    return None


# --- classification basis (定密依据) and the person responsible (定密责任人) ---------------------------


def classification_basis(
    *, basis_kind: str, level: int, item=None, classifier=None, unit_id: int, has_sources: bool,
    classified_on: date | None = None, today: date | None = None,
) -> list[Violation]:
    """The basis of an original classification is an item of the unit's list of secret matters,
    cited by a person designated as classifier whose authority reaches the level; a derived one
    has sources; a received one was determined by its originator. `item` and `classifier` are the
    SecretMatterItem and the Classifier designation (None if none given or none in force)."""
    from .models import BasisKind

    problems: list[Violation] = []
    if basis_kind not in BasisKind.values:
        return [Violation(_("Choose the basis of the level and period."), field="basis_kind", code="invalid_choice")]
    if classified_on is not None and today is not None and classified_on > today:
        problems.append(Violation(_("The classification date cannot be in the future."), field="classified_on"))
    if basis_kind == BasisKind.MATTER_ITEM:
        if item is None:
            problems.append(Violation(_("Cite the item of the list of secret matters this level rests on."),
                                      field="basis_item", code="required"))
        elif item.unit_id != unit_id or not item.is_active:
            problems.append(Violation(_("This item is not in force in your unit's list of secret matters."),
                                      field="basis_item", code="item_not_in_force"))
        elif level > item.level:
            problems.append(Violation(
                _("Item %(code)s fixes at most %(item_level)s; %(level)s has no basis in it.")
                % {"code": item.code, "item_level": Level(item.level).label, "level": Level(level).label},
                field="level", code="above_item_level",
            ))
        if classifier is None:
            problems.append(Violation(_("Name the classifier: a person designated as responsible for classification."),
                                      field="classifier", code="required"))
    if basis_kind == BasisKind.DERIVED and not has_sources:
        problems.append(Violation(_("A derived classification names the carriers it is derived from."),
                                  field="basis_kind", code="derived_without_sources"))
    if classifier is not None:
        problems.append(classifier_authority(classifier=classifier, level=level, unit_id=unit_id))
    return [p for p in problems if p is not None]


def classifier_authority(*, classifier, level: int, unit_id: int) -> Violation | None:
    """The classifier is designated in this unit and in force, and their authority reaches the level."""
    if classifier.unit_id != unit_id or classifier.revoked_at is not None:
        return Violation(_("This person is not a designated classifier of your unit."), field="classifier",
                         code="not_a_classifier")
    if level > classifier.max_level:
        return Violation(
            _("The classifier's authority reaches %(max)s only: a carrier classified %(level)s needs a classifier with higher authority.")
            % {"max": Level(classifier.max_level).label, "level": Level(level).label},
            field="classifier", code="above_classifier_authority",
        )
    return None
