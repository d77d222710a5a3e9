"""R4, copying, extracting and compiling, as pure functions: given facts, None when allowed, or a
Violation saying why not.

"Copying, extracting and assembling confidential documents shall comply with relevant
confidentiality rules. The reproduction of confidential documents must be approved by the issuing
authority. Non-confidential departments may not copy coded telegrams. Units without the licence to
copy state secret carriers may not copy them. Copying goes through registration, and the copy is
treated as the original. Copying, extracting or quoting state secrets shall not change the level
and the period of the original without authorisation. The compilation of state secret documents
shall be approved by the organ with the power of approval."

The level/period rule is one order on "terms" (level, end of the secrecy period, declassification
conditions): a derived carrier's terms must dominate every source's. A period that ends when a
condition is met (no end date) is later than any date; a source's condition is always kept.
Nothing here touches the database."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from common.errors import Violation
from common.levels import Level

# one copying or one derivation registers and signs every carrier inside one request
MAX_COPIES = 1000
MAX_SOURCES = 200
CONDITION_MAX = 300
CONDITION_SEPARATOR = "；"
# statuses in which a carrier no longer exists as a classified carrier to copy or quote from
GONE_STATUSES = ("destroyed", "lost", "declassified")


@dataclass(frozen=True)
class Terms:
    """The secrecy terms of a carrier: level, the period (start and years/months, or none) and the
    declassification condition. `expires_on` is None when only a condition ends it."""

    level: int
    period_start: date
    secrecy_years: int | None
    secrecy_months: int | None
    condition: str
    expires_on: date | None
    label: str = ""  # e.g. the registry number, for messages

    @property
    def expiry_key(self) -> date:
        return self.expires_on if self.expires_on is not None else date.max

    def conditions(self) -> list[str]:
        return split_conditions(self.condition)


def split_conditions(condition: str) -> list[str]:
    return [part.strip() for part in (condition or "").split(CONDITION_SEPARATOR) if part.strip()]


def merge_conditions(conditions) -> str:
    """Every distinct condition once, in order."""
    seen: list[str] = []
    for condition in conditions:
        for part in split_conditions(condition):
            if part not in seen:
                seen.append(part)
    return CONDITION_SEPARATOR.join(seen)


def dominates(derived: Terms, source: Terms) -> bool:
    """The derived terms protect at least as much as the source's: level not lower, period not
    ending earlier, the source's conditions kept."""
    kept = set(derived.conditions())
    return (
        derived.level >= source.level
        and derived.expiry_key >= source.expiry_key
        and all(part in kept for part in source.conditions())
    )


def inherited(sources: list[Terms]) -> Terms:
    """What a derived carrier takes when nothing else is set: the highest level, the period of the
    source whose period ends last (its start and length, so the end date is the same) and every
    source's declassification condition."""
    latest = max(sources, key=lambda t: (t.expiry_key, t.expires_on is None))
    return Terms(
        level=max(t.level for t in sources),
        period_start=latest.period_start,
        secrecy_years=latest.secrecy_years,
        secrecy_months=latest.secrecy_months,
        condition=merge_conditions(t.condition for t in sources),
        expires_on=latest.expires_on,
    )


def copy_of(source: Terms) -> Terms:
    """A copy keeps the original's terms exactly: level, period start and length, condition, so
    the same end date."""
    return Terms(level=source.level, period_start=source.period_start, secrecy_years=source.secrecy_years,
                 secrecy_months=source.secrecy_months, condition=source.condition, expires_on=source.expires_on)


def copy_keeps_terms(*, copy: Terms, source: Terms) -> Violation | None:
    if (copy.level, copy.expires_on, copy.condition) != (source.level, source.expires_on, source.condition):
        return Violation(
            _("A copy keeps the level and the secrecy period of its original."), code="copy_terms", kind="conflict"
        )
    return None


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def derived_not_lower(*, derived: Terms, sources: list[Terms]) -> list[Violation]:
    """R4: an extract, quotation or compilation is never classified lower, nor secret for a shorter
    time, than any of its sources; a source's declassification condition is kept. Field errors."""
    problems = []
    if not sources:
        return [Violation(_("Name at least one source carrier."), field="sources", code="no_sources")]
    top = max(sources, key=lambda t: t.level)
    if derived.level < top.level:
        problems.append(Violation(
            _("The level may not be lower than that of its source %(source)s (%(level)s); "
              "it may be the same or higher.") % {"source": top.label, "level": Level(top.level).label},
            field="level", code="level_below_source",
        ))
    latest = max(sources, key=lambda t: (t.expiry_key, t.expires_on is None))
    if derived.expiry_key < latest.expiry_key:
        if latest.expires_on is None:
            message = _(
                "Source %(source)s stays secret until its declassification condition is met (%(condition)s); "
                "the derived carrier keeps that condition and may not end on a date."
            ) % {"source": latest.label, "condition": latest.condition}
        else:
            message = _(
                "The secrecy period would end on %(end)s, before that of its source %(source)s (%(source_end)s); "
                "it may end on the same day or later."
            ) % {"end": _date(derived.expires_on), "source": latest.label, "source_end": _date(latest.expires_on)}
        problems.append(Violation(message, field="secrecy_years", code="expiry_before_source"))
    kept = set(derived.conditions())
    dropped = [(t.label, part) for t in sources for part in t.conditions() if part not in kept]
    if dropped:
        problems.append(Violation(
            _("The declassification condition of %(source)s must be kept: %(condition)s")
            % {"source": dropped[0][0], "condition": dropped[0][1]},
            field="declassification_condition", code="condition_dropped",
        ))
    if len(derived.condition) > CONDITION_MAX:
        problems.append(Violation(
            _("The sources' declassification conditions together exceed %(max)d characters; "
              "give one condition that covers them.") % {"max": CONDITION_MAX},
            field="declassification_condition", code="condition_too_long",
        ))
    return problems


def sources_given(*, count: int, distinct: int, kind: str) -> Violation | None:
    least = 2 if kind == "compilation" else 1
    if count != distinct:
        return Violation(_("Name each source carrier once."), field="sources", code="duplicate_sources")
    if count < least:
        message = (_("A compilation puts together at least two carriers.") if kind == "compilation"
                   else _("Name at least one source carrier."))
        return Violation(message, field="sources", code="too_few_sources")
    if count > MAX_SOURCES:
        return Violation(_("Name at most %(max)d source carriers.") % {"max": MAX_SOURCES}, field="sources",
                         code="too_many_sources")
    return None


def sources_exist(*, statuses: dict[str, str], field: str = "sources") -> Violation | None:
    """A destroyed, lost or declassified carrier is no classified carrier to copy or quote from."""
    gone = sorted(number for number, status in statuses.items() if status in GONE_STATUSES)
    if gone:
        return Violation(
            _("%(numbers)s is destroyed, lost or declassified; it cannot be copied or quoted from.")
            % {"numbers": ", ".join(gone)},
            field=field, code="source_gone", kind="conflict",
        )
    return None


def copies_requested(*, copies: int) -> Violation | None:
    if not 1 <= copies <= MAX_COPIES:
        return Violation(_("Ask for 1 to %(max)d copies.") % {"max": MAX_COPIES}, field="copies", code="copies_range")
    return None


@dataclass(frozen=True)
class LicenceFacts:
    """A unit's licence to copy as it stands now (its latest record)."""

    licensed: bool
    licensed_on: date
    valid_until: date | None
    may_copy_coded_telegrams: bool


def unit_licensed(*, licence: LicenceFacts | None, today: date) -> Violation | None:
    """Units without the licence to copy state secret carriers may not copy them."""
    if licence is None or not licence.licensed:
        return Violation(
            _("Your unit is not registered as licensed to copy state secret carriers; it may not copy them."),
            code="unit_unlicensed", kind="refused",
        )
    if today < licence.licensed_on:
        return Violation(
            _("Your unit's licence to copy is valid only from %(date)s.") % {"date": licence.licensed_on.isoformat()},
            code="licence_not_yet_valid", kind="refused",
        )
    if licence.valid_until is not None and today > licence.valid_until:
        return Violation(
            _("Your unit's licence to copy expired on %(date)s.") % {"date": licence.valid_until.isoformat()},
            code="licence_expired", kind="refused",
        )
    return None


def coded_telegram_copy(*, is_coded_telegram: bool, licence: LicenceFacts | None) -> Violation | None:
    """Non-confidential departments may not copy coded telegrams."""
    if is_coded_telegram and not (licence is not None and licence.may_copy_coded_telegrams):
        return Violation(
            _("This is a coded telegram: only a confidential department (机要部门) may copy it."),
            code="coded_telegram", kind="refused",
        )
    return None


def copy_approved(*, request_status: str, approval_status: str | None, consumed: bool) -> Violation | None:
    """Copying must be approved by the issuing authority; an approval is used once."""
    if request_status == "executed" or consumed:
        return Violation(_("This copy request has already been carried out; its approval is used."),
                         code="already_copied", kind="conflict")
    if approval_status != "approved":
        return Violation(_("This copying has not been approved by the issuing authority; nothing may be copied."),
                         code="not_approved", kind="refused")
    return None


def copy_quantity(*, quantity: int, approved: int) -> Violation | None:
    """No more copies than approved."""
    if quantity > approved:
        return Violation(
            _("Only %(approved)d copies were approved; making %(quantity)d is refused.")
            % {"approved": approved, "quantity": quantity},
            field="quantity", code="over_quantity", kind="refused",
        )
    if quantity < 1:
        return Violation(_("Make at least one copy."), field="quantity", code="quantity_range")
    return None


def compilation_approved(*, status: str, approval_status: str | None) -> Violation | None:
    """The compilation of state secret documents is approved before it is made."""
    if status == "made":
        return Violation(_("This compilation has already been made."), code="already_made", kind="conflict")
    if approval_status != "approved":
        return Violation(_("This compilation has not been approved; it may not be made."),
                         code="not_approved", kind="refused")
    return None


def copy_numbers(*, count: int) -> list[str]:
    """000001 .. count: new copy numbers, unique within the copying."""
    return [f"{n:06d}" for n in range(1, count + 1)]
