"""The scheduled checks of holdings reviews and container checks (alerts.checks):

- holdings_review_due: a unit whose last holdings review was opened longer ago than
  REGISTRY["HOLDINGS_REVIEW_INTERVAL_DAYS"] (or, never reviewed, whose oldest held carrier was
  registered longer ago than that): its secrecy office is told to open one;
- holdings_review_unanswered: a carrier of an open review not answered by its due date: its
  holder is responsible, the secrecy office is told;
- container_not_checked: a container opened on the day of the last end-of-day check
  (REGISTRY["CONTAINER_CHECK_HOUR"], local time) and not checked after its last opening."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    DateField,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

REVIEW_DUE = "holdings_review_due"
REVIEW_UNANSWERED = "holdings_review_unanswered"
CONTAINER_NOT_CHECKED = "container_not_checked"


def interval_days() -> int:
    return int(settings.REGISTRY.get("HOLDINGS_REVIEW_INTERVAL_DAYS", 365))


def check_hour() -> int:
    return int(settings.REGISTRY.get("CONTAINER_CHECK_HOUR", 18))


def due_reviews(*, today, now):
    from carriers.models import Carrier
    from personnel.models import Unit

    from .models import HoldingsReview
    from .services import REVIEWED_STATUSES

    days = timedelta(days=interval_days())
    last = HoldingsReview.objects.filter(unit=OuterRef("pk")).order_by("-opened_at").values("opened_at")[:1]
    first = (Carrier.objects.filter(unit=OuterRef("pk"), status__in=REVIEWED_STATUSES)
             .order_by("registered_at").values("registered_at")[:1])
    return (
        Unit.objects.filter(kind=Unit.Kind.UNIT)
        .annotate(since=Coalesce(Subquery(last), Subquery(first)))
        .filter(since__isnull=False, since__lt=now - days)
        .values(target_id=F("pk"), target_label=F("code"), alert_unit=F("pk"),
                alert_level=Value(None, output_field=PositiveSmallIntegerField()),
                due_on=Cast(F("since") + days, DateField()),
                alert_responsible=Value(None, output_field=BigIntegerField()))
    )


def _office_of(unit_ids):
    return get_user_model().objects.filter(
        is_active=True, groups__name="secrecy_office", person__status="active", person__unit_id__in=unit_ids,
    )


def review_office(*, today, now):
    due = due_reviews(today=today, now=now).values("pk")
    return _office_of(due).values_list("person__unit_id", "pk")


def due_unanswered(*, today, now):
    from .models import ReviewLine

    return (ReviewLine.objects.filter(answer="", review__closed_at__isnull=True, review__due_on__lt=today)
            .values(target_id=F("pk"), target_label=F("review__number"), alert_unit=F("review__unit_id"),
                    alert_level=F("carrier__level"), due_on=F("review__due_on"), alert_responsible=F("holder_id")))


def unanswered_office(*, today, now):
    from .models import ReviewLine

    lines = ReviewLine.objects.filter(answer="", review__closed_at__isnull=True, review__due_on__lt=today)
    pairs = []
    for unit_id, user_id in _office_of(lines.values("review__unit_id")).values_list("person__unit_id", "pk"):
        pairs += [(pk, user_id) for pk in lines.filter(review__unit_id=unit_id).values_list("pk", flat=True)]
    return pairs


def check_day(now):
    """The day whose end-of-day check is due: today once past the check hour, else yesterday."""
    local = timezone.localtime(now)
    day = local.date() if local.hour >= check_hour() else local.date() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
    return day, start, start + timedelta(days=1)


def due_containers(*, today, now):
    from carriers.models import Container
    from carriers.storage.models import ContainerAccess

    day, start, end = check_day(now)
    log = ContainerAccess.objects.filter(container=OuterRef("pk"))
    opened = log.filter(action="opened", at__gte=start, at__lt=end).order_by("-at").values("at")[:1]
    checked = log.filter(action="checked", at__gte=start).order_by("-at").values("at")[:1]
    return (
        Container.objects.annotate(last_open=Subquery(opened), last_check=Subquery(checked))
        .filter(last_open__isnull=False)
        .filter(Q(last_check__isnull=True) | Q(last_check__lt=F("last_open")))
        .values(target_id=F("pk"), target_label=F("code"), alert_unit=F("unit_id"), alert_level=F("max_level"),
                due_on=Value(day, output_field=DateField()),
                alert_responsible=Value(None, output_field=BigIntegerField()))
    )


def container_office(*, today, now):
    rows = list(due_containers(today=today, now=now).values_list("pk", "unit_id"))
    office = {}
    for unit_id, user_id in _office_of({u for _pk, u in rows}).values_list("person__unit_id", "pk"):
        office.setdefault(unit_id, []).append(user_id)
    return [(pk, user_id) for pk, unit_id in rows for user_id in office.get(unit_id, [])]


register(Check(REVIEW_DUE, _("Holdings review due"), Severity.WARNING, "personnel.unit", due_reviews, review_office))
register(Check(REVIEW_UNANSWERED, _("Holdings review not answered"), Severity.WARNING, "reviews.reviewline",
               due_unanswered, unanswered_office))
register(Check(CONTAINER_NOT_CHECKED, _("Container not checked at the end of the day"), Severity.WARNING,
               "carriers.container", due_containers, container_office))
