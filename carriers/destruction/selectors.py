"""Every read of the destruction stage starts from the access gate's queryset."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from carriers import selectors as carrier_selectors
from carriers.models import Carrier
from common import access
from common.levels import NO_CLEARANCE
from personnel.models import Person

from .models import DestructionFacility, DestructionItem, DestructionRequest, Route
from .rules import DESTRUCTIBLE_FROM


def _pk(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def visible_facilities(*, user):
    return access.restrict(DestructionFacility.objects.select_related("unit"), user).order_by("name", "pk")


def facility_get(*, user, pk) -> DestructionFacility:
    facility = visible_facilities(user=user).filter(pk=_pk(pk)).first()
    if facility is None:
        raise Http404
    return facility


def facilities_for_request(*, user):
    """Facilities of the user's unit in use and designated today (the rules refuse any other)."""
    return visible_facilities(user=user).filter(is_active=True, valid_until__gte=timezone.localdate())


def visible_requests(*, user):
    return (
        access.restrict(DestructionRequest.objects.all(), user)
        .select_related(
            "requester__person", "unit", "department", "facility", "approval", "destroyer__person",
            "supervisor__person", "destroyer_signature", "supervisor_signature", "handover__taker__person",
            "certificate__signature", "certificate__recorded_by__person",
        )
        .order_by("-created_at", "-pk")
    )


def request_get(*, user, pk) -> DestructionRequest:
    """One visible destruction request, or 404 exactly as if it did not exist."""
    request = (
        visible_requests(user=user)
        .prefetch_related(Prefetch("items", queryset=DestructionItem.objects.select_related("carrier")))
        .filter(pk=_pk(pk))
        .first()
    )
    if request is None:
        raise Http404
    return request


def request_carriers(*, user, request: DestructionRequest) -> list[tuple[Carrier, bool]]:
    """The request's carriers, each with whether this user may see its title (need-to-know): an
    approver sees registry number, kind, medium and marking, the title only if the gate allows."""
    carriers = [item.carrier for item in request.items.all()]
    visible = set(
        carrier_selectors.visible_carriers(user=user).filter(pk__in=[c.pk for c in carriers]).values_list("pk", flat=True)
    )
    return [(c, c.pk in visible) for c in sorted(carriers, key=lambda c: c.registry_number)]


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
    from django.conf import settings

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
    return (
        AuditEvent.objects.filter(
            Q(target_type="destruction.destructionrequest", target_id=str(request.pk))
            | Q(target_type="carriers.carrier", target_id__in=carrier_ids, action="carrier.status_changed",
                details__destruction_request=request.pk)
        )
        .select_related("signature")
        .order_by("seq")
    )


def may_execute(*, user, request: DestructionRequest) -> bool:
    person = access.person_of(user)
    return (
        person is not None
        and request.route == Route.IN_HOUSE
        and request.status == DestructionRequest.Status.APPROVED
        and person.unit_id == request.unit_id
        and person.clearance >= request.level
    )


def may_hand_over(*, user, request: DestructionRequest) -> bool:
    return (
        request.route == Route.FACILITY
        and request.status == DestructionRequest.Status.APPROVED
        and not request.items.exclude(carrier__holder_id=user.pk).exists()
    )


def may_receive(*, user, request: DestructionRequest) -> bool:
    handover = request.handover
    return (
        request.status == DestructionRequest.Status.HANDED_OVER and handover is not None
        and handover.status == "pending" and handover.taker_id == user.pk
    )


def may_record_certificate(*, user, request: DestructionRequest) -> bool:
    handover = request.handover
    if request.status != DestructionRequest.Status.HANDED_OVER or handover is None or handover.status != "completed":
        return False
    person = access.person_of(user)
    office = access.has_role(user, "secrecy_office") and person is not None and person.unit_id == request.unit_id
    return handover.taker_id == user.pk or office


def destroyed_items(*, user, date_from=None, date_to=None):
    """Carriers destroyed through a destruction request, for the destruction register: one query,
    everything the register shows joined or prefetched."""
    from approvals.models import Decision

    requests = visible_requests(user=user).filter(status=DestructionRequest.Status.DESTROYED)
    if date_from is not None:
        requests = requests.filter(destroyed_at__gte=date_from)
    if date_to is not None:
        requests = requests.filter(destroyed_at__lt=date_to)
    return (
        DestructionItem.objects.filter(request__in=requests.values("pk"))
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
    from django.conf import settings

    return int(settings.REGISTRY.get("DESTRUCTION_MAX_DAYS", 30))


def due_destructions(*, today, now):
    """Approved destruction requests whose carriers are still not destroyed (in house not signed,
    or the batch not certified by the facility) more than DESTRUCTION_MAX_DAYS after the approval:
    one set-based query for the scheduled check."""
    from datetime import timedelta

    from django.db.models import CharField, DateField, F, Value
    from django.db.models.functions import Cast, Concat

    days = timedelta(days=destruction_max_days())
    return DestructionRequest.objects.filter(
        status__in=[DestructionRequest.Status.APPROVED, DestructionRequest.Status.HANDED_OVER],
        approval__decided_at__lt=now - days,
    ).values(
        target_id=F("pk"), target_label=Concat(Value("#"), Cast("pk", CharField())), alert_unit=F("unit"),
        alert_level=F("level"), due_on=Cast(F("approval__decided_at") + days, DateField()),
        alert_responsible=F("requester"),
    )
