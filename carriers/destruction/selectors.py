"""Every read of the destruction stage starts from the access gate's queryset."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import CharField, DateField, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from approvals import kit
from approvals.models import Decision
from carriers import selectors as carrier_selectors
from carriers.models import Carrier
from common import access
from common.levels import NO_CLEARANCE
from personnel.models import Person

from .models import DestructionFacility, DestructionItem, DestructionRequest
from .rules import DESTRUCTIBLE_FROM


def visible_facilities(*, user):
    return access.restrict(DestructionFacility.objects.select_related("unit"), user).order_by("name", "pk")


def facility_get(*, user, pk) -> DestructionFacility:
    return kit.get_or_404(visible_facilities(user=user), pk)


def facilities_for_request(*, user):
    """Facilities of the user's unit in use and designated today (the rules refuse any other)."""
    return visible_facilities(user=user).filter(is_active=True, valid_until__gte=timezone.localdate())


def _visible_items(user):
    """A request's lines whose carrier this user may open (the request is visible already)."""
    return (DestructionItem.objects.filter(access.visible_carrier(user, OuterRef("carrier_id")))
            .select_related("carrier").order_by("carrier__registry_number", "pk"))


def visible_requests(*, user):
    """Visible destruction requests, each with the lines whose carrier this user may open (one
    prefetch: `visible_items`); the others are counted (carrier_count), never named."""
    return (
        access.restrict(DestructionRequest.objects.all(), user)
        .prefetch_related(Prefetch("items", queryset=_visible_items(user), to_attr="visible_items"))
        .select_related(
            "requester__person", "unit", "department", "facility", "approval", "destroyer__person",
            "supervisor__person", "destroyer_signature", "supervisor_signature", "handover__taker__person",
            "certificate__signature", "certificate__recorded_by__person",
        )
        .order_by("-created_at", "-pk")
    )


def request_get(*, user, pk) -> DestructionRequest:
    """One visible destruction request, or 404 exactly as if it did not exist."""
    return kit.get_or_404(visible_requests(user=user), pk)


def request_carriers(*, user, request: DestructionRequest) -> tuple[list[Carrier], int]:
    """The request's carriers this user may open, by registry number, and how many others it
    lists (counted, never named: an approver outside the need-to-know of a carrier sees that it is
    there, not which it is)."""
    items = getattr(request, "visible_items", None)
    if items is None:
        items = _visible_items(user).filter(request=request)
    carriers = [item.carrier for item in items]
    return carriers, request.carrier_count - len(carriers)


def carriers_by_number(*, user, numbers: list[str]):
    """Visible carriers with these registry numbers, and the numbers not found among them (a
    number the user may not see is not found, exactly like a missing one)."""
    wanted = [n.strip() for n in numbers if n and n.strip()]
    found = list(carrier_selectors.visible_carriers(user=user).filter(registry_number__in=wanted))
    by_number = {c.registry_number for c in found}
    return found, [n for n in dict.fromkeys(wanted) if n not in by_number]


def destructible_carriers(*, user):
    """What the user may put up for destruction, for the request form's hints."""
    return carrier_selectors.visible_carriers(user=user).filter(status__in=DESTRUCTIBLE_FROM)


def signers(*, user, level: int):
    """People of the user's unit who could sign a destruction on the spot: active, cleared for the
    level (the rules check again at signing)."""
    posts = [post for post, clearance in settings.REGISTRY["CLEARANCE_BY_POST"].items() if clearance >= level]
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return get_user_model().objects.none()
    return (
        get_user_model().objects.filter(
            is_active=True, person__unit_id=person.unit_id, person__status=Person.Status.ACTIVE,
            person__secrecy_post__in=posts,
        )
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


def couriers(*, user, level: int):
    """Who may take a batch to the facility: the same as the on-the-spot signers."""
    return signers(user=user, level=level)


def request_history(*, request: DestructionRequest):
    """The request's events and its carriers' destruction events (caller has checked visibility)."""
    carrier_ids = [str(pk) for pk in request.items.values_list("carrier_id", flat=True)]
    return kit.history(request, also=Q(target_type="carriers.carrier", target_id__in=carrier_ids,
                                       action="carrier.status_changed", details__destruction_request=request.pk))


def destroyed_items(*, user, date_from=None, date_to=None):
    """Carriers destroyed through a destruction request, for the destruction register: one query,
    everything the register shows joined or prefetched. Each line through the gate: a carrier the
    reader may not open is not in their register."""
    requests = visible_requests(user=user).filter(status=DestructionRequest.Status.DESTROYED)
    if date_from is not None:
        requests = requests.filter(destroyed_at__gte=date_from)
    if date_to is not None:
        requests = requests.filter(destroyed_at__lt=date_to)
    return (
        access.restrict(DestructionItem.objects.filter(request__in=requests.values("pk")), user)
        .select_related(
            "carrier", "request__destroyer_signature", "request__supervisor_signature", "request__facility",
            "request__certificate__signature", "request__approval",
        )
        .prefetch_related(
            Prefetch("request__approval__decisions",
                     queryset=Decision.objects.select_related("signature").order_by("decided_at", "pk")),
        )
        .order_by("request__destroyed_at", "request_id", "carrier__registry_number")
    )


def destruction_max_days() -> int:
    return int(settings.REGISTRY.get("DESTRUCTION_MAX_DAYS", 30))


def due_destructions(*, today, now):
    """Approved destruction requests whose carriers are still not destroyed (in house not signed,
    or the batch not certified by the facility) more than DESTRUCTION_MAX_DAYS after the approval:
    one set-based query for the scheduled check."""
    days = timedelta(days=destruction_max_days())
    return DestructionRequest.objects.filter(
        status__in=[DestructionRequest.Status.APPROVED, DestructionRequest.Status.HANDED_OVER],
        approval__decided_at__lt=now - days,
    ).values(
        target_id=F("pk"), target_label=Concat(Value("#"), Cast("pk", CharField())), alert_unit=F("unit"),
        alert_level=F("level"), due_on=Cast(F("approval__decided_at") + days, DateField()),
        alert_responsible=F("requester"),
    )
