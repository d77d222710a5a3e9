"""Every read of the secrecy-period reviews starts from the access gate's queryset."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import BigIntegerField, DateField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce

from approvals import kit
from carriers import selectors as carrier_selectors
from carriers.models import Carrier
from common import access

from .models import ConditionMet, DeclassificationReview
from .rules import FINAL_STATUSES


def window_days() -> int:
    return int(settings.REGISTRY.get("SECRECY_EXPIRY_WINDOW_DAYS", 90))


def review_days() -> int:
    return int(settings.REGISTRY.get("DECLASSIFICATION_REVIEW_DAYS", 30))


def review_queue(*, user, today: date):
    """Carriers this user may see, of their own unit as originating unit (the registering unit
    when none is recorded), whose secrecy period ends within the window or has ended, or whose
    declassification condition is recorded as met: oldest end first. Each says whether it has
    ended, whether a review waits for approval, and the open condition record, if any."""
    person = access.person_of(user)
    if person is None:
        return Carrier.objects.none()
    open_condition = ConditionMet.objects.filter(carrier_id=OuterRef("pk"), closed_at__isnull=True)
    return (
        carrier_selectors.visible_carriers(user=user)
        .annotate(reviewing_unit=Coalesce("originating_unit_id", "unit_id"))
        .filter(reviewing_unit=person.unit_id)
        .exclude(status__in=FINAL_STATUSES)
        .annotate(
            condition_open=Exists(open_condition),
            review_open=Exists(DeclassificationReview.objects.filter(carrier_id=OuterRef("pk"), status="submitted")),
        )
        .filter(Q(expires_on__lte=today + timedelta(days=window_days())) | Q(condition_open=True))
        .order_by(F("expires_on").asc(nulls_last=True), "registry_number")
    )


def visible_reviews(*, user):
    return (
        access.restrict(DeclassificationReview.objects.all(), user)
        .select_related("carrier", "unit", "requester__person", "approval", "condition_met")
        .order_by("-created_at", "-pk")
    )


def review_list(*, user, status: str = "", outcome: str = "", carrier=None):
    rows = visible_reviews(user=user)
    if status:
        rows = rows.filter(status=status)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if carrier:
        rows = rows.filter(carrier_id=carrier)
    return rows


def review_get(*, user, pk) -> DeclassificationReview:
    return kit.get_or_404(visible_reviews(user=user), pk)


def review_history(*, review: DeclassificationReview):
    return list(kit.history(review))


def reviewable_carriers(*, user):
    """Carriers the user may propose a review of: visible, of their unit as originating unit, not
    destroyed or declassified."""
    person = access.person_of(user)
    if person is None:
        return Carrier.objects.none()
    return (
        carrier_selectors.visible_carriers(user=user)
        .annotate(reviewing_unit=Coalesce("originating_unit_id", "unit_id"))
        .filter(reviewing_unit=person.unit_id)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("registry_number")
    )


def carriers_with_condition(*, user):
    """Visible carriers with a declassification condition not yet recorded as met."""
    return (
        carrier_selectors.visible_carriers(user=user)
        .exclude(declassification_condition="")
        .exclude(status__in=FINAL_STATUSES)
        .exclude(pk__in=ConditionMet.objects.filter(closed_at__isnull=True).values("carrier_id"))
        .order_by("registry_number")
    )


def visible_conditions(*, user):
    return access.restrict(ConditionMet.objects.select_related("carrier", "recorded_by__person"), user)


# --- the scheduled check ------------------------------------------------------------------------


def _awaiting(today: date):
    return ConditionMet.objects.filter(
        closed_at__isnull=True, met_on__lte=today - timedelta(days=review_days())
    ).exclude(carrier__status__in=FINAL_STATUSES)


def due_reviews(*, today: date, now: datetime):
    """Conditions recorded as met and still awaiting a review DECLASSIFICATION_REVIEW_DAYS after they
    were met (one query). The reviewing unit's secrecy office sees it; the recorder is told."""
    days = timedelta(days=review_days())
    return _awaiting(today).values(
        target_id=F("pk"), target_label=F("carrier__registry_number"), alert_unit=F("unit"), alert_level=F("level"),
        due_on=Cast(F("met_on") + days, DateField()), alert_responsible=Value(None, output_field=BigIntegerField()),
    )


def condition_recorders(*, today: date, now: datetime):
    return _awaiting(today).values_list("pk", "recorded_by")
