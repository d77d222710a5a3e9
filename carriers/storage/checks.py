"""The storage stage's scheduled checks (alerts.checks): a temporary retention past its end date,
and a unit whose last closed unit-wide inventory is older than REGISTRY["INVENTORY_INTERVAL_DAYS"]
(or, never inventoried, whose oldest kept carrier was registered longer ago than that). Each due
function is one set-based query."""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    DateField,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

RETENTION_OVERDUE = "retention_overdue"
INVENTORY_OVERDUE = "inventory_overdue"


def interval_days() -> int:
    return int(settings.REGISTRY.get("INVENTORY_INTERVAL_DAYS", 365))


def due_retentions(*, today, now):
    """Carriers kept outside a container on a temporary retention whose end date has passed."""
    from .models import TemporaryRetention

    return TemporaryRetention.objects.filter(status=TemporaryRetention.Status.ACTIVE, ends_on__lt=today).values(
        target_id=F("pk"), target_label=F("carrier__registry_number"), alert_unit=F("unit"), alert_level=F("level"),
        due_on=F("ends_on"), alert_responsible=F("holder"),
    )


def due_inventories(*, today, now):
    """Units due for their inventory check: the last closed unit-wide inventory (or, if none, the
    registration of the oldest carrier the unit still keeps) is older than the interval."""
    from carriers.models import Carrier
    from personnel.models import Unit

    from .models import Inventory
    from .rules import KEPT_STATUSES

    days = timedelta(days=interval_days())
    last = (Inventory.objects.filter(unit=OuterRef("pk"), scope=Inventory.Scope.UNIT, status=Inventory.Status.CLOSED)
            .order_by("-closed_at").values("closed_at")[:1])
    first = (Carrier.objects.filter(unit=OuterRef("pk"), status__in=KEPT_STATUSES)
             .order_by("registered_at").values("registered_at")[:1])
    return (
        Unit.objects.filter(kind=Unit.Kind.UNIT)
        .annotate(since=Coalesce(Subquery(last), Subquery(first)))
        .filter(since__isnull=False, since__lt=now - days)
        .values(
            target_id=F("pk"), target_label=F("code"), alert_unit=F("pk"),
            alert_level=Value(None, output_field=PositiveSmallIntegerField()),
            due_on=Cast(F("since") + days, DateField()),
            alert_responsible=Value(None, output_field=BigIntegerField()),
        )
    )


def inventory_office(*, today, now):
    """The active secrecy office of each due unit is told."""
    from django.contrib.auth import get_user_model

    due = due_inventories(today=today, now=now).values("pk")
    return get_user_model().objects.filter(
        is_active=True, groups__name="secrecy_office", person__status="active", person__unit_id__in=due,
    ).values_list("person__unit_id", "pk")


register(Check(RETENTION_OVERDUE, _("Temporary retention past its end date"), Severity.WARNING,
               "storage.temporaryretention", due_retentions))
register(Check(INVENTORY_OVERDUE, _("Inventory check overdue"), Severity.WARNING, "personnel.unit",
               due_inventories, inventory_office))
