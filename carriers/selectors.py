"""Every read of the carrier core starts from the access gate's queryset."""

from django.db.models import Prefetch
from django.http import Http404

from audit.models import AuditEvent, Signature
from common import access

from .filters import CarrierFilter
from .models import Carrier, Container


def visible_carriers(*, user):
    return access.restrict(
        Carrier.objects.select_related("unit", "holder__person", "container", "originating_unit"), user
    )


def carriers_for_api(*, user):
    """Visible carriers with what the API shows of each, prefetched (no query per row); lineage
    only through carriers this user may see."""
    return (
        visible_carriers(user=user)
        .prefetch_related("scope_departments", "scope_people", Prefetch("sources", queryset=visible_carriers(user=user)))
        .order_by("-registered_at", "-id")
    )


def carrier_list(*, user, filters: dict | None = None):
    """Visible carriers, filtered; invalid filter values are answered by the FilterSet's errors."""
    filterset = CarrierFilter(filters or {}, queryset=visible_carriers(user=user))
    return filterset


def carrier_get(*, user, pk) -> Carrier:
    """One visible carrier, or 404 exactly as if it did not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    visible = visible_carriers(user=user)
    carrier = (
        visible.prefetch_related(
            "scope_departments", "scope_people__person",
            # lineage only through carriers this user may see: a source's number is metadata too
            Prefetch("sources", queryset=visible), Prefetch("derivatives", queryset=visible),
        )
        .filter(pk=pk)
        .first()
    )
    if carrier is None:
        raise Http404
    return carrier


def carrier_history(*, carrier: Carrier):
    """The carrier's history, read from the audit trail (caller has checked visibility)."""
    events = list(
        AuditEvent.objects.filter(target_type="carriers.carrier", target_id=str(carrier.pk))
        .select_related("signature")
        .order_by("seq")
    )
    return events


def carrier_signatures(*, carrier: Carrier):
    return Signature.objects.filter(target_type="carriers.carrier", target_id=str(carrier.pk)).order_by("signed_at")


def containers_for_registration(*, user):
    return access.restrict(Container.objects.filter(is_active=True), user).order_by("code")


def visible_handovers(*, user):
    """Handovers through the gate (carriers.policy): given, taken or of the unit, and only with
    every carrier they name."""
    from .models import Handover

    return (
        access.restrict(Handover.objects.all(), user)
        .select_related("giver__person", "taker__person", "giver_signature", "taker_signature")
        .prefetch_related("items__carrier")
        .order_by("-created_at", "-pk")
    )


def registry_size() -> int:
    """How many carriers the registry holds, all units (e.g. what the demo seeded)."""
    return Carrier.objects.count()


def matter_items(*, user):
    """The unit's list of secret matters, as far as the reader's clearance goes."""
    from .models import SecretMatterItem

    return access.restrict(SecretMatterItem.objects.all(), user).order_by("-is_active", "code")


def classifiers(*, user):
    """The unit's classifiers (定密责任人), those in force first."""
    from .models import Classifier

    return (access.restrict(Classifier.objects.select_related("user__person", "designated_by__person"), user)
            .order_by("revoked_at", "-max_level", "id"))
