"""R7, destruction, as pure functions: given facts, None when allowed, or a Violation saying why not.

"The destruction of confidential documents and articles must be registered, and it is strictly
forbidden to destroy them without the approval of the competent leaders of organs and units; when
destroyed, it shall be ensured that the contents cannot be recovered. Carriers that record state
secrets by electromagnetic means shall be completely degaussed and destroyed by crushing, burning
or chemical corrosion when necessary. The destruction shall be supervised by relevant personnel on
the spot and signed by both the supervisor and the destroyer. It is forbidden to sell them as
waste. Carriers destroyed in batches must be sent to units designated by the security department
for destruction." Nothing here touches the database."""

from datetime import date

from django.utils.translation import gettext as _

from carriers.models import Carrier, Status
from common.errors import Violation
from common.levels import Level

from .models import Method, Route

# The media-specific methods (the rule table). A carrier's medium is its electronic medium, or its
# kind for everything else. Magnetic media (hard disks, floppies) keep data a crusher may miss:
# degaussed first, then physically destroyed. Solid-state (USB sticks, memory cards) and optical
# media cannot be degaussed: physically crushed. An unknown medium ("other") and equipment (which
# may hold magnetic storage) take the strictest method: degaussed, then physically destroyed.
METHODS_BY_MEDIUM: dict[str, tuple[str, ...]] = {
    Carrier.Kind.PAPER: (Method.SHREDDING, Method.PULPING, Method.BURNING),
    Carrier.Kind.ARTICLE: (Method.CRUSHING, Method.BURNING),
    Carrier.Kind.EQUIPMENT: (Method.DEGAUSS_AND_DESTROY,),
    Carrier.Medium.HARD_DISK: (Method.DEGAUSS_AND_DESTROY,),
    Carrier.Medium.FLOPPY: (Method.DEGAUSS_AND_DESTROY,),
    Carrier.Medium.OTHER: (Method.DEGAUSS_AND_DESTROY,),
    Carrier.Medium.USB: (Method.CRUSHING,),
    Carrier.Medium.MEMORY_CARD: (Method.CRUSHING,),
    Carrier.Medium.OPTICAL_DISC: (Method.CRUSHING,),
}

# statuses from which a carrier may be put up for destruction (the state machine reaches
# pending_destruction from these; pending_destruction itself, e.g. a run's waste, stays)
DESTRUCTIBLE_FROM = (Status.REGISTERED, Status.IN_CUSTODY, Status.ARCHIVED, Status.PENDING_DESTRUCTION)


def medium_of(*, kind: str, medium: str) -> str:
    return medium if kind == Carrier.Kind.ELECTRONIC and medium else kind


def methods_for(*, kind: str, medium: str) -> tuple[str, ...]:
    return METHODS_BY_MEDIUM.get(medium_of(kind=kind, medium=medium), (Method.DEGAUSS_AND_DESTROY,))


def _medium_label(kind: str, medium: str) -> str:
    if kind == Carrier.Kind.ELECTRONIC and medium:
        return str(Carrier.Medium(medium).label)
    return str(Carrier.Kind(kind).label)


def method_fits(*, method: str, carriers: list[tuple[str, str, str]]) -> Violation | None:
    """The method must make every listed carrier unrecoverable. carriers: (registry number, kind,
    medium). The reason names the first carrier it does not fit and what would."""
    if method not in Method.values:
        return Violation(_("Choose a destruction method."), field="method", code="method_unknown")
    for number, kind, medium in sorted(carriers):
        fitting = methods_for(kind=kind, medium=medium)
        if method not in fitting:
            return Violation(
                _("%(method)s does not fit %(number)s (%(medium)s): use %(fitting)s.")
                % {"method": Method(method).label, "number": number, "medium": _medium_label(kind, medium),
                   "fitting": " / ".join(str(Method(m).label) for m in fitting)},
                field="method", code="method_unfit",
            )
    return None


def carriers_destructible(*, statuses: dict[str, str]) -> Violation | None:
    """Only carriers in custody, registered, archived or already pending destruction: a carrier on
    loan, carried out, in a meeting or in transit must come back first; a destroyed, declassified
    or lost one cannot be destroyed. statuses: registry number -> status."""
    labels = dict(Carrier.Status.choices)
    blocked = sorted((number, status) for number, status in statuses.items() if status not in DESTRUCTIBLE_FROM)
    if blocked:
        return Violation(
            _("%(carriers)s cannot be destroyed now; it must first be back in custody.")
            % {"carriers": ", ".join(f"{n} ({labels.get(s, s)})" for n, s in blocked)},
            field="carriers", code="carrier_not_destructible", kind="conflict",
        )
    return None


def may_request(*, not_allowed: list[str]) -> Violation | None:
    """The holder asks to destroy what they hold; the secrecy office, anything of its unit."""
    if not_allowed:
        return Violation(
            _("You may ask to destroy only carriers you hold (the secrecy office: those of its unit): %(numbers)s.")
            % {"numbers": ", ".join(sorted(not_allowed))},
            field="carriers", code="not_holder", kind="refused",
        )
    return None


def route_fits(*, route: str, has_facility: bool, count: int, in_house_max: int) -> Violation | None:
    """Batches go to a designated facility: in-house destruction is for at most `in_house_max`
    carriers at a time; the facility route names its facility."""
    if route not in Route.values:
        return Violation(_("Say where the carriers are destroyed."), field="route", code="route_unknown")
    if route == Route.FACILITY and not has_facility:
        return Violation(_("Choose the designated destruction facility."), field="facility", code="facility_required")
    if route == Route.IN_HOUSE and has_facility:
        return Violation(_("A facility is named only for destruction at a facility."), field="facility",
                         code="facility_not_for_in_house")
    if route == Route.IN_HOUSE and count > in_house_max:
        return Violation(
            _("%(count)d carriers are a batch: carriers destroyed in batches must be sent to a designated destruction facility (in house: at most %(max)d).")
            % {"count": count, "max": in_house_max},
            field="route", code="batch_to_facility",
        )
    return None


def facility_valid(*, is_active: bool, valid_until: date, same_unit: bool, today: date) -> Violation | None:
    """Only a registered facility of the unit, in use and designated on that day."""
    if not same_unit:
        return Violation(_("This facility is registered by another unit."), field="facility", code="facility_unit")
    if not is_active:
        return Violation(_("This facility is no longer designated for destruction."), field="facility",
                         code="facility_inactive", kind="refused")
    if today > valid_until:
        return Violation(
            _("The designation of this facility expired on %(date)s.") % {"date": valid_until.isoformat()},
            field="facility", code="facility_expired", kind="refused",
        )
    return None


def destruction_approved(*, status: str, approval_status: str | None, route: str, wanted_route: str) -> Violation | None:
    """No destruction without the competent leader's approval, and only once."""
    if status == "destroyed":
        return Violation(_("These carriers have already been destroyed."), code="already_destroyed", kind="conflict")
    if status == "handed_over":
        return Violation(_("This batch has already been handed over for the facility."), code="already_handed_over",
                         kind="conflict")
    if approval_status != "approved" or status != "approved":
        return Violation(
            _("This destruction has not been approved by the competent leader; nothing may be destroyed."),
            code="not_approved", kind="refused",
        )
    if route != wanted_route:
        if route == Route.FACILITY:
            return Violation(_("This request was approved for destruction at a designated facility, not in house."),
                             code="wrong_route", kind="conflict")
        return Violation(_("This request was approved for destruction in house, not at a facility."),
                         code="wrong_route", kind="conflict")
    return None


def all_pending(*, statuses: dict[str, str]) -> Violation | None:
    """At execution every carrier is still pending destruction (nobody took one back meanwhile)."""
    labels = dict(Carrier.Status.choices)
    moved = sorted((n, s) for n, s in statuses.items() if s != Status.PENDING_DESTRUCTION)
    if moved:
        return Violation(
            _("%(carriers)s is no longer pending destruction.")
            % {"carriers": ", ".join(f"{n} ({labels.get(s, s)})" for n, s in moved)},
            field="carriers", code="not_pending", kind="conflict",
        )
    return None


def two_people(*, destroyer_id: int | None, supervisor_id: int | None) -> Violation | None:
    """Supervised on the spot: the supervisor is someone other than the destroyer."""
    if destroyer_id is not None and destroyer_id == supervisor_id:
        return Violation(
            _("The destroyer and the supervisor must be two different people."),
            field="supervisor", code="same_person",
        )
    return None


def signer_fit(*, role: str, active: bool, clearance: int, level: int, same_unit: bool) -> Violation | None:
    """Destroyer and supervisor: active registered people of the unit, cleared for the level."""
    field = role
    label = _("The destroyer") if role == "destroyer" else _("The supervisor")
    if not active:
        return Violation(_("%(who)s is not an active registered person.") % {"who": label}, field=field,
                         code=f"{role}_inactive", kind="refused")
    if not same_unit:
        return Violation(_("%(who)s is not of this unit.") % {"who": label}, field=field, code=f"{role}_unit",
                         kind="refused")
    if clearance < level:
        return Violation(
            _("%(who)s is not cleared for %(level)s.") % {"who": label, "level": Level(level).label},
            field=field, code=f"{role}_clearance", kind="refused",
        )
    return None


def may_execute(*, actor_id: int, destroyer_id: int, supervisor_id: int, is_office: bool) -> Violation | None:
    """The screen is worked by one of the two signers, or by the unit's secrecy office."""
    if actor_id in (destroyer_id, supervisor_id) or is_office:
        return None
    return Violation(
        _("Only the destroyer, the supervisor or the secrecy office may record the destruction."),
        code="not_signer", kind="refused",
    )


def certificate_lists_batch(*, listed: list[str], batch: list[str]) -> Violation | None:
    """The facility's certificate lists exactly the carriers handed over: none missing, none extra."""
    missing = sorted(set(batch) - set(listed))
    extra = sorted(set(listed) - set(batch))
    if missing or extra:
        parts = []
        if missing:
            parts.append(_("not on the certificate: %(numbers)s") % {"numbers": ", ".join(missing)})
        if extra:
            parts.append(_("not in this batch: %(numbers)s") % {"numbers": ", ".join(extra)})
        return Violation(
            _("The certificate must list exactly the carriers handed over (%(parts)s).") % {"parts": "; ".join(parts)},
            field="carriers", code="certificate_mismatch",
        )
    return None


def certificate_date(*, issued_on: date, handed_over_on: date, today: date) -> Violation | None:
    if issued_on > today:
        return Violation(_("The certificate cannot be dated in the future."), field="issued_on", code="date_future")
    if issued_on < handed_over_on:
        return Violation(_("The certificate cannot be dated before the batch was handed over."), field="issued_on",
                         code="date_before_handover")
    return None


def delivered(*, handover_status: str | None) -> Violation | None:
    """The certificate follows the delivery: the courier has counted and signed for the batch."""
    if handover_status != "completed":
        return Violation(
            _("The courier has not yet counted and signed for the batch; record the certificate after delivery."),
            code="not_delivered", kind="conflict",
        )
    return None


def record_printable(*, status: str) -> Violation | None:
    """The record of a destruction is printed once its carriers are destroyed."""
    if status != "destroyed":
        return Violation(_("These carriers are not destroyed yet: the destruction record can be printed once they "
                           "are."), code="not_destroyed", kind="conflict")
    return None
