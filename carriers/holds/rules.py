"""The rule of holds: a held carrier is not destroyed, declassified, downgraded, copied, handed
outside the unit or carried out of the premises until every hold on it is lifted. `refuse_if_held`
is the one check the stages call (destruction, declassification, copying, dispatch to another unit,
carrying out: at the request and again at the act, for a hold placed after the approval)."""

from django.utils.translation import gettext as _

from common.errors import Violation, enforce

from .models import Hold, HoldItem

KINDS = set(Hold.Kind.values)


def not_held(*, held: dict[str, list[tuple[str, str]]], field: str | None = None) -> Violation | None:
    """held: {registry number: [(hold number, reason), ...]} of the carriers under an active hold."""
    if not held:
        return None
    parts = []
    for registry_number, holds in sorted(held.items()):
        reasons = "; ".join(f"{number}: {reason}" for number, reason in holds)
        parts.append(_("%(carrier)s is held (%(holds)s)") % {"carrier": registry_number, "holds": reasons})
    return Violation(
        _("Refused until the hold is lifted by the secrecy office: %(held)s.") % {"held": " · ".join(parts)},
        field=field, code="carrier_held", kind="conflict",
    )


def active_holds(carrier_ids) -> dict[str, list[tuple[str, str]]]:
    held: dict[str, list[tuple[str, str]]] = {}
    rows = (HoldItem.objects.filter(carrier_id__in=list(carrier_ids), is_active=True)
            .order_by("carrier__registry_number", "hold__placed_at", "hold_id")
            .values_list("carrier__registry_number", "hold__number", "hold__reason"))
    for registry_number, number, reason in rows:
        held.setdefault(registry_number, []).append((number, reason[:200]))
    return held


def refuse_if_held(carriers, *, field: str | None = None) -> None:
    """409 naming each held carrier with its hold's number and reason; nothing is changed (call it
    before any write, inside the caller's transaction after the carriers are locked)."""
    ids = [c.pk if hasattr(c, "pk") else c for c in carriers]
    enforce([not_held(held=active_holds(ids), field=field)])


def reason_given(*, reason: str, field: str = "reason") -> Violation | None:
    if reason and reason.strip():
        return None
    return Violation(_("Give the reason."), field=field, code="required")


def kind_known(*, kind: str) -> Violation | None:
    return None if kind in KINDS else Violation(_("Unknown kind of hold."), field="kind", code="invalid_choice")


def holdable(*, statuses: dict[str, tuple[str, str]]) -> Violation | None:
    """Destroyed and declassified carriers are out of the registry's control: nothing to hold."""
    final = sorted(number for number, (status, _label) in statuses.items() if status in ("destroyed", "declassified"))
    if not final:
        return None
    return Violation(_("Destroyed or declassified carriers cannot be held: %(numbers)s.")
                     % {"numbers": ", ".join(final)}, field="carriers", code="carrier_final")


def incident_matches(*, kind: str, incident) -> Violation | None:
    if kind == Hold.Kind.INCIDENT and incident is None:
        return Violation(_("Name the incident this hold is for."), field="incident", code="required")
    if kind != Hold.Kind.INCIDENT and incident is not None:
        return Violation(_("Only a hold of the kind 'incident' names an incident."), field="incident", code="invalid")
    return None
