"""Every read of the carrying stage starts from the access gate's queryset."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat

from approvals import kit
from carriers import selectors as carrier_selectors
from carriers.models import Carrier, HandoverItem
from common import access
from personnel.models import Person

from .models import CarryOutRequest
from .rules import ACTIVE_STATUSES, OUT_STATUSES


def visible_requests(*, user):
    """Visible carry-out requests, each with the carriers this user may see (one prefetch) and
    the number of carriers listed (the others are counted, never named: carrier_count minus the
    visible ones)."""
    return (
        access.restrict(CarryOutRequest.objects.all(), user)
        .select_related(
            "unit", "department", "requester__person", "carrier_person__person", "checked_out_by__person",
            "approval", "checkout_handover__giver_signature", "checkout_handover__taker_signature",
            "checkin_handover__giver_signature", "checkin_handover__taker_signature",
        )
        .prefetch_related(Prefetch("carriers", queryset=carrier_selectors.visible_carriers(user=user)
                                   .order_by("registry_number"), to_attr="visible_carriers"))
        .annotate(carrier_count=Count("carriers", distinct=True))
        .order_by("-created_at", "-pk")
    )


def request_list(*, user, status: str = "", scope: str = "", mine: bool = False):
    rows = visible_requests(user=user)
    if status:
        rows = rows.filter(status=status)
    if scope:
        rows = rows.filter(scope=scope)
    if mine:
        rows = rows.filter(Q(requester_id=user.pk) | Q(carrier_person_id=user.pk) | Q(checked_out_by_id=user.pk))
    return rows


def request_get(*, user, pk) -> CarryOutRequest:
    """One visible carry-out request, or 404 exactly as if it did not exist."""
    return kit.get_or_404(visible_requests(user=user), pk)


def request_history(*, carry: CarryOutRequest):
    """The request's events and its handovers', from the audit trail (caller checked visibility)."""
    handovers = [str(pk) for pk in (carry.checkout_handover_id, carry.checkin_handover_id) if pk]
    return list(kit.history(carry, also=Q(target_type="carriers.handover", target_id__in=handovers)))


def carriers_to_carry(*, user):
    """Visible carriers in custody, not in another unfinished handover nor another open carry-out."""
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(status=Carrier.Status.IN_CUSTODY)
        .exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id"))
        .exclude(pk__in=CarryOutRequest.carriers.through.objects.filter(
            carryoutrequest__status__in=ACTIVE_STATUSES).values("carrier_id"))
        .order_by("registry_number")
    )


def carrier_person_choices(*, user):
    """Active, secret-related people of the user's unit (who may carry carriers out)."""
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    return (
        get_user_model().objects.filter(is_active=True, person__status=Person.Status.ACTIVE,
                                        person__unit_id=person.unit_id)
        .exclude(person__secrecy_post=Person.SecrecyPost.NONE)
        .select_related("person")
        .order_by("person__employee_number")
    )


def out_now(*, user):
    """Visible requests whose carriers are out now, by expected return."""
    return visible_requests(user=user).filter(status__in=OUT_STATUSES).order_by("expected_return", "pk")


# --- the scheduled check ------------------------------------------------------------------------


def _overdue(today: date):
    return CarryOutRequest.objects.filter(status__in=OUT_STATUSES, expected_return__lt=today)


def due_carry_outs(*, today: date, now: datetime):
    """R5: carried out and not checked back in by the expected return date (one query); the person
    carrying is responsible."""
    return _overdue(today).values(
        target_id=F("pk"),
        target_label=Concat(Value("CO-"), Cast("pk", CharField()), output_field=CharField()),
        alert_unit=F("unit"), alert_level=F("level"), due_on=F("expected_return"),
        alert_responsible=F("carrier_person"),
    )


def carry_out_givers(*, today: date, now: datetime):
    """(request id, user id) of whoever checked the carriers out: they are told too."""
    return _overdue(today).values_list("pk", "checked_out_by")
