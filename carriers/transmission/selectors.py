"""Every read of the transmission stage starts from the access gate's queryset: the dispatch and
receipt registers (by unit, period, status; set-based, ready for the PDF registers), the
recipient's inbox, one dispatch with its carriers, signatures and discrepancies."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalRequest
from audit.models import AuditEvent
from carriers import selectors as carrier_selectors
from carriers.models import Carrier, HandoverItem
from common import access
from personnel import roles
from personnel.models import Person

from .filters import DispatchFilter
from .models import Dispatch, DispatchDiscrepancy, TransmissionNotice


def visible_dispatches(*, user):
    return access.restrict(
        Dispatch.objects.select_related(
            "sending_unit", "receiving_unit", "recipient__person", "dispatched_by__person", "received_by__person",
            "courier__person", "container", "handover__giver_signature", "handover__taker_signature", "approval",
        ),
        user,
    )


def _with_carriers(queryset, *, user):
    """Each dispatch with its listed carriers that this user may see (prefetched, one query) and the
    number of carriers listed."""
    items = (
        HandoverItem.objects.filter(carrier__in=carrier_selectors.visible_carriers(user=user).values("pk"))
        .select_related("carrier")
        .order_by("carrier__registry_number")
    )
    return queryset.prefetch_related(Prefetch("handover__items", queryset=items, to_attr="visible_items")).annotate(
        carrier_count=Count("handover__items", distinct=True),
        open_discrepancies=Count("discrepancies", filter=Q(discrepancies__resolution=""), distinct=True),
    )


def dispatch_list(*, user, filters=None) -> DispatchFilter:
    """Visible dispatches, filtered (direction, unit, period, status, channel, number); invalid
    filter values are answered by the FilterSet's errors."""
    return DispatchFilter(filters or {}, queryset=_with_carriers(visible_dispatches(user=user), user=user))


def _period(queryset, field: str, since: date | None, until: date | None):
    if since is not None:
        queryset = queryset.filter(**{f"{field}__date__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field}__date__lte": until})
    return queryset


def dispatch_register(*, user, unit=None, since: date | None = None, until: date | None = None, status: str | None = None):
    """The dispatch register (发文登记) of `unit` (default: the reader's own): what it sent in the
    period, oldest first, with the carriers the reader may see."""
    person = access.person_of(user)
    if person is None:
        return Dispatch.objects.none()
    queryset = visible_dispatches(user=user).filter(sending_unit_id=unit.pk if unit else person.unit_id)
    if status:
        queryset = queryset.filter(status=status)
    return _with_carriers(_period(queryset, "dispatched_at", since, until), user=user).order_by("dispatched_at", "pk")


def receipt_register(*, user, unit=None, since: date | None = None, until: date | None = None, status: str | None = None):
    """The receipt register (收文登记) of `unit` (default: the reader's own): what it received
    (counted and signed for) in the period, oldest first."""
    person = access.person_of(user)
    if person is None:
        return Dispatch.objects.none()
    queryset = visible_dispatches(user=user).filter(
        receiving_unit_id=unit.pk if unit else person.unit_id, received_at__isnull=False
    )
    if status:
        queryset = queryset.filter(status=status)
    return _with_carriers(_period(queryset, "received_at", since, until), user=user).order_by("received_at", "pk")


def inbox(*, user):
    """Dispatches waiting for this user to count and sign."""
    return _with_carriers(
        visible_dispatches(user=user).filter(recipient_id=user.pk, status=Dispatch.Status.IN_TRANSIT), user=user
    ).order_by("dispatched_at", "pk")


def inbox_count(*, user) -> int:
    return visible_dispatches(user=user).filter(recipient_id=user.pk, status=Dispatch.Status.IN_TRANSIT).count()


def with_open_discrepancies(*, user):
    """Visible dispatches that still have a discrepancy open (for the secrecy offices)."""
    return _with_carriers(
        visible_dispatches(user=user).filter(status=Dispatch.Status.DISCREPANCY), user=user
    ).order_by("received_at", "pk")


def dispatch_get(*, user, pk) -> Dispatch:
    """One visible dispatch, or 404 exactly as if it did not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    dispatch = (
        _with_carriers(visible_dispatches(user=user), user=user)
        .prefetch_related(
            # through the gate: a discrepancy naming a carrier the reader may not open is left out
            Prefetch("discrepancies", queryset=access.restrict(DispatchDiscrepancy.objects.select_related(
                "carrier", "recorded_by__person", "resolved_by__person", "signature"), user))
        )
        .filter(pk=pk)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


ITEM_STATES = {
    "in_transit": _("In transit"),
    "received": _("Received"),
    "missing": _("Missing, unresolved"),
    "found": _("Found and received"),
    "returned": _("Returned to the sender"),
    "lost": _("Lost"),
}


def carrier_lines(*, dispatch: Dispatch) -> list[dict]:
    """The listed carriers this reader may see (from dispatch_get), each with where it stands:
    in transit, received, or missing / found / returned / lost."""
    by_carrier = {d.carrier_id: d for d in dispatch.discrepancies.all() if d.carrier_id}
    lines = []
    for item in dispatch.handover.visible_items:
        discrepancy = by_carrier.get(item.carrier_id)
        if discrepancy is not None:
            state = discrepancy.resolution or "missing"
        elif dispatch.status == Dispatch.Status.IN_TRANSIT:
            state = "in_transit"
        else:
            state = "received"
        lines.append({"carrier": item.carrier, "state": state, "state_label": ITEM_STATES[state],
                      "discrepancy": discrepancy})
    return lines


def dispatch_history(*, dispatch: Dispatch):
    """The dispatch's own events and its handover's, from the audit trail (caller checked
    visibility)."""
    return list(
        AuditEvent.objects.filter(
            Q(target_type="transmission.dispatch", target_id=str(dispatch.pk))
            | Q(target_type="carriers.handover", target_id=str(dispatch.handover_id))
        ).select_related("signature").order_by("seq")
    )


def unread_notices(*, user):
    return visible_notices(user=user).filter(read_at__isnull=True)


def visible_notices(*, user):
    """This user's notices about dispatches they may (still) see (policy.visible_notices)."""
    return (
        access.restrict(TransmissionNotice.objects.select_related("dispatch"), user)
        .order_by("-created_at", "-pk")
    )


# --- choices for the dispatch form and the API --------------------------------------------------


def recipient_choices(*, user):
    """Who this user may address a dispatch to: active people of other units who are their unit's
    secrecy office or are named in the distribution scope of a carrier this user may see."""
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    named = Carrier.scope_people.through.objects.filter(
        carrier_id__in=carrier_selectors.visible_carriers(user=user).values("pk")
    ).values("user_id")
    office = Person.objects.filter(user__groups__name=roles.SECRECY_OFFICE).values("user_id")
    return (
        get_user_model().objects.filter(is_active=True, person__status=Person.Status.ACTIVE)
        .exclude(person__unit_id=person.unit_id)
        .filter(Q(pk__in=office) | Q(pk__in=named))
        .select_related("person__unit", "person__department")
        .order_by("person__unit__code", "person__employee_number")
    )


def dispatchable_carriers(*, user):
    """Carriers this user holds and could dispatch now: in custody (or registered), not in another
    unfinished handover; with their scope's other units, those whose scope reaches another unit
    first."""
    reaches = Carrier.scope_units.through.objects.filter(carrier_id=OuterRef("pk"))
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(holder_id=user.pk, status__in=[Carrier.Status.IN_CUSTODY, Carrier.Status.REGISTERED])
        .exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id"))
        .prefetch_related("scope_units")
        .annotate(reaches_other_units=Exists(reaches))
        .order_by("-reaches_other_units", "registry_number")
    )


def courier_choices(*, user):
    """Secret-related, active people of this user's unit (the hand-delivery courier)."""
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    return (
        get_user_model().objects.filter(is_active=True, person__status=Person.Status.ACTIVE, person__unit_id=person.unit_id)
        .exclude(person__secrecy_post=Person.SecrecyPost.NONE)
        .select_related("person")
        .order_by("person__employee_number")
    )


def abroad_approvals(*, user):
    """Approved, unused requests for carrying abroad this user may see."""
    return access.restrict(
        ApprovalRequest.objects.filter(kind="carrying_abroad", status=ApprovalRequest.Status.APPROVED,
                                       consumed_at__isnull=True),
        user,
    ).order_by("-decided_at", "-pk")


def receiving_containers(*, user):
    return carrier_selectors.containers_for_registration(user=user)
