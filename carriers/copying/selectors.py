"""Every read of the copying stage starts from the access gate's queryset."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from approvals import kit
from carriers import selectors as carrier_selectors
from carriers.models import Carrier
from common import access
from personnel.models import Person, Unit

from .models import CopyLicence, CopyMade, CopyRequest, Derivation

# how far lineage is followed each way (a chain of copies of copies is rarely more than a few deep)
LINEAGE_MAX_DEPTH = 50


# --- licences ------------------------------------------------------------------------------------


def visible_licences(*, user):
    """Licence records of the user's unit and its departments, each marked whether it is the unit's
    latest (its licence now), in one query."""
    later = CopyLicence.objects.filter(unit_id=OuterRef("unit_id")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    return (
        access.restrict(CopyLicence.objects.select_related("unit", "recorded_by__person"), user)
        .annotate(is_current=~Exists(later))
        .order_by("unit__code", "-created_at", "-pk")
    )


def licence_get(*, user, pk) -> CopyLicence:
    return kit.get_or_404(visible_licences(user=user), pk)


def licence_in_force(*, person: Person) -> CopyLicence | None:
    """The licence that covers a person's copying now: their department's latest record if it has
    one, else their unit's."""
    units = [u for u in (person.department_id, person.unit_id) if u]
    records = CopyLicence.objects.filter(unit_id__in=units).order_by("-created_at", "-pk")
    latest = {}
    for record in records:
        latest.setdefault(record.unit_id, record)
    return latest.get(person.department_id) or latest.get(person.unit_id)


def licence_unit_choices(*, user):
    """The unit and its departments (the gate's units for this user)."""
    return access.restrict(Unit.objects.all(), user).order_by("kind", "code")


# --- copy requests -------------------------------------------------------------------------------


def visible_copy_requests(*, user):
    return (
        access.restrict(CopyRequest.objects.all(), user)
        .select_related("requester__person", "unit", "department", "source", "authority_unit", "approval",
                        "executed_by__person", "container")
        .prefetch_related(Prefetch("made", queryset=CopyMade.objects.select_related("carrier").order_by("copy_number")))
        .order_by("-created_at", "-pk")
    )


def copy_request_get(*, user, pk) -> CopyRequest:
    """One visible copy request, or 404 exactly as if it did not exist."""
    return kit.get_or_404(visible_copy_requests(user=user), pk)


def copies_of(*, user, request: CopyRequest):
    """The copies a request made that this user may see, by copy number."""
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(made_by_copying__request=request)
        .order_by("copy_number", "pk")
    )


def copies_hidden(*, user, request: CopyRequest) -> int:
    """How many of the copies a request made this user may not open (counted, never named)."""
    return CopyMade.objects.filter(request=request).count() - copies_of(user=user, request=request).count()


# --- derivations ---------------------------------------------------------------------------------


def visible_derivations(*, user):
    return (
        access.restrict(Derivation.objects.all(), user)
        .select_related("requester__person", "unit", "department", "approval", "carrier", "made_by__person")
        .prefetch_related(Prefetch("sources", queryset=carrier_selectors.visible_carriers(user=user).order_by("pk")))
        .order_by("-created_at", "-pk")
    )


def derivation_get(*, user, pk) -> Derivation:
    return kit.get_or_404(visible_derivations(user=user), pk)


def carriers_by_numbers(*, user, numbers: list[str]) -> tuple[list[Carrier], list[str]]:
    """The visible carriers with these registry numbers, in the order given, and the numbers not
    found (missing and invisible alike)."""
    found = {c.registry_number: c for c in carrier_selectors.visible_carriers(user=user).filter(registry_number__in=numbers)}
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


def history(*, obj):
    """The events about a copy request or derivation, from the audit trail (caller checked
    visibility)."""
    return kit.history(obj)


# --- lineage -------------------------------------------------------------------------------------


def _walk(start_id: int, visible_ids, *, up: bool, max_depth: int) -> tuple[dict[int, int], set[tuple[int, int]]]:
    """Breadth-first over Carrier.sources through carriers this user may see: one set-based query
    per generation (never a query per carrier). Returns {carrier id: depth} and the edges
    (derived id, source id) walked."""
    through = Carrier.sources.through
    depth_of: dict[int, int] = {start_id: 0}
    edges: set[tuple[int, int]] = set()
    frontier = {start_id}
    for depth in range(1, max_depth + 1):
        if not frontier:
            break
        if up:
            rows = through.objects.filter(from_carrier_id__in=frontier, to_carrier_id__in=visible_ids)
        else:
            rows = through.objects.filter(to_carrier_id__in=frontier, from_carrier_id__in=visible_ids)
        pairs = list(rows.values_list("from_carrier_id", "to_carrier_id"))
        edges.update(pairs)
        reached = {source if up else derived for derived, source in pairs}
        frontier = reached - depth_of.keys()
        for carrier_id in frontier:
            depth_of[carrier_id] = depth
    depth_of.pop(start_id)
    return depth_of, edges


def lineage(*, user, carrier: Carrier, max_depth: int = LINEAGE_MAX_DEPTH) -> dict:
    """What this carrier came from (ancestors) and what was derived from it (descendants), both
    ways through the carriers the user may see, each with its distance and how it was made (copy,
    extract, compilation, or registered with sources)."""
    visible_ids = carrier_selectors.visible_carriers(user=user).values("pk")
    up, up_edges = _walk(carrier.pk, visible_ids, up=True, max_depth=max_depth)
    down, down_edges = _walk(carrier.pk, visible_ids, up=False, max_depth=max_depth)
    ids = set(up) | set(down) | {carrier.pk}
    rows = {c.pk: c for c in carrier_selectors.visible_carriers(user=user).filter(pk__in=ids)}
    how = how_made(carrier_ids=ids)

    def listing(depths):
        found = [rows[pk] for pk in depths if pk in rows]
        for c in found:
            c.lineage_depth = depths[c.pk]
            c.made_how = how.get(c.pk, "")
        return sorted(found, key=lambda c: (c.lineage_depth, c.registry_number))

    edges = sorted(e for e in up_edges | down_edges if e[0] in rows and e[1] in rows)
    return {"carrier": carrier, "ancestors": listing(up), "descendants": listing(down), "edges": edges,
            "made_how": how.get(carrier.pk, "")}


def how_made(*, carrier_ids) -> dict[int, str]:
    """carrier id -> "copy", "extract" or "compilation" for carriers this stage made (two queries)."""
    how = {pk: "copy" for pk in CopyMade.objects.filter(carrier_id__in=carrier_ids).values_list("carrier_id", flat=True)}
    how.update(dict(Derivation.objects.filter(carrier_id__in=carrier_ids).values_list("carrier_id", "kind")))
    return how
