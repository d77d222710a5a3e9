"""Every read of the storage stage starts from the access gate's queryset: containers with what
they keep and their access log, retentions, archives and filings, inventories with their lines.
Lists are set-based (select_related / prefetch_related / annotate), never a query per row."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    PositiveSmallIntegerField,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from carriers import selectors as carrier_selectors
from carriers.models import Carrier, Container, HandoverItem
from common import access
from personnel import roles
from personnel.models import Person, Unit

from .models import (
    Archive,
    ContainerAccess,
    Filing,
    Inventory,
    InventoryLine,
    StorageEntry,
    TemporaryRetention,
)


def _pk(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


# --- containers ---------------------------------------------------------------------------------


def visible_containers(*, user):
    return access.restrict(Container.objects.select_related("unit", "department"), user)


def container_list(*, user):
    """The containers of the user's unit, with how many visible carriers each keeps."""
    # per container, a count of its own carriers through the gate (the container index, then the
    # policy's tests on each row): not the container's carriers matched against a set of every
    # visible id, which at 1,000,000 carriers cannot be hashed and was rescanned per carrier
    kept = (carrier_selectors.visible_carriers(user=user).filter(container_id=OuterRef("pk")).order_by()
            .values("container_id").annotate(n=Count("pk")).values("n"))
    return visible_containers(user=user).annotate(
        carrier_count=Coalesce(Subquery(kept, output_field=IntegerField()), 0)
    ).order_by("code")


def container_get(*, user, pk) -> Container:
    container = visible_containers(user=user).filter(pk=_pk(pk)).first()
    if container is None:
        raise Http404
    return container


def container_carriers(*, user, container: Container):
    """The carriers kept in this container that this user may see."""
    return carrier_selectors.visible_carriers(user=user).filter(container=container).order_by("registry_number")


def access_log(*, user, container: Container):
    return (
        access.restrict(ContainerAccess.objects.filter(container=container), user)
        .select_related("by__person")
        .order_by("-at", "-pk")
    )


def storable_containers(*, user):
    """Containers in use of the user's unit (the rules decide which may hold a given level)."""
    return carrier_selectors.containers_for_registration(user=user)


# --- storing ------------------------------------------------------------------------------------


def storable_carriers(*, user):
    """Carriers this user may put into a container: those they hold (the secrecy office: those of
    the unit it sees), in a kept status, not in an unfinished handover."""
    from .rules import STORABLE_STATUSES

    qs = carrier_selectors.visible_carriers(user=user).filter(status__in=STORABLE_STATUSES)
    if not access.has_role(user, roles.SECRECY_OFFICE):
        qs = qs.filter(holder_id=user.pk)
    return qs.exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id")).order_by("registry_number")


def storage_entries(*, user, since=None, until=None, unit_id=None):
    """Storage entries of carriers this user may see (the storage register), oldest first."""
    qs = access.restrict(StorageEntry.objects.all(), user).select_related(
        "carrier", "from_container", "to_container", "stored_by__person", "unit")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if since is not None:
        qs = qs.filter(stored_at__gte=since)
    if until is not None:
        qs = qs.filter(stored_at__lt=until)
    return qs.order_by("stored_at", "pk")


# --- retentions ---------------------------------------------------------------------------------


def visible_retentions(*, user):
    return access.restrict(
        TemporaryRetention.objects.select_related("carrier", "holder__person", "approval", "container_before",
                                                  "ended_by__person", "unit"),
        user,
    ).order_by("-requested_at", "-pk")


def retention_get(*, user, pk) -> TemporaryRetention:
    retention = visible_retentions(user=user).filter(pk=_pk(pk)).first()
    if retention is None:
        raise Http404
    return retention


def retention_signatures(*, retentions):
    """{retention id: [approving signatures]} for these retentions, in one query."""
    from approvals.models import Decision

    by_approval = {r.approval_id: r.pk for r in retentions if r.approval_id}
    result = {r.pk: [] for r in retentions}
    for decision in Decision.objects.filter(request_id__in=list(by_approval)).select_related("signature").order_by(
            "decided_at", "pk"):
        result[by_approval[decision.request_id]].append(decision.signature)
    return result


def retainable_carriers(*, user):
    """Carriers this user holds in custody (they may ask to keep one outside a container)."""
    return carrier_selectors.visible_carriers(user=user).filter(
        holder_id=user.pk, status=Carrier.Status.IN_CUSTODY).order_by("registry_number")


# --- archives and filings ---------------------------------------------------------------------------


def visible_archives(*, user):
    return access.restrict(Archive.objects.select_related("keeper__person", "container", "unit"), user).order_by(
        "name_zh", "pk")


def visible_filings(*, user):
    items = HandoverItem.objects.select_related("carrier").order_by("carrier__registry_number")
    return (
        access.restrict(Filing.objects.select_related(
            "archive__container", "archive__keeper__person", "filed_by__person", "handover__giver_signature",
            "handover__taker_signature"), user)
        .prefetch_related(Prefetch("handover__items", queryset=items))
        .order_by("-filed_at", "-pk")
    )


def filing_get(*, user, pk) -> Filing:
    filing = visible_filings(user=user).filter(pk=_pk(pk)).first()
    if filing is None:
        raise Http404
    return filing


def keeper_choices(*, user):
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        is_active=True, person__status=Person.Status.ACTIVE, person__unit_id=person.unit_id
    ).select_related("person").order_by("person__employee_number")


# --- inventories --------------------------------------------------------------------------------


def visible_inventories(*, user):
    return access.restrict(
        Inventory.objects.select_related("unit", "department", "container", "opened_by__person", "closed_by__person",
                                         "first_signature", "second_signature"),
        user,
    ).annotate(
        found_count=Count("lines", filter=Q(lines__outcome="found")),
        misplaced_count=Count("lines", filter=Q(lines__outcome="misplaced")),
        unexpected_count=Count("lines", filter=Q(lines__outcome="unexpected")),
        missing_count=Count("lines", filter=Q(lines__outcome="missing")),
        pending_count=Count("lines", filter=Q(lines__outcome="pending")),
        left_count=Count("lines", filter=Q(lines__outcome="left")),
    ).order_by("-opened_at", "-pk")


def inventory_get(*, user, pk) -> Inventory:
    inventory = visible_inventories(user=user).filter(pk=_pk(pk)).first()
    if inventory is None:
        raise Http404
    return inventory


def inventory_lines(*, user, inventory: Inventory):
    """The lines of an inventory (from inventory_get) that the caller may see: a line naming a
    carrier they may not open is left out (hidden_lines counts them). Those not yet seen first
    (what is left to find), by registry number, then the seen ones, the latest scan first."""
    return (
        access.restrict(InventoryLine.objects.filter(inventory=inventory), user)
        .select_related("carrier", "expected_container", "seen_container", "expected_holder__person",
                        "seen_by__person")
        .order_by(F("seen_at").desc(nulls_first=True), "registry_number", "pk")
    )


def line_visible(*, user, line: InventoryLine) -> bool:
    return access.can(user, access.VIEW, line)


def hidden_lines(*, user, inventory: Inventory) -> int:
    """How many lines of the inventory name a carrier the caller may not open (never which)."""
    total = InventoryLine.objects.filter(inventory=inventory).count()
    return total - inventory_lines(user=user, inventory=inventory).count()


def inventory_incidents(*, user, inventory: Inventory):
    """The loss incidents this inventory opened (that the user may see)."""
    from incidents.models import Incident

    return access.restrict(Incident.objects.filter(source=f"inventory:{inventory.pk}"), user).order_by("pk")


def inventory_incidents_sent_to_head(*, user, inventory: Inventory) -> int:
    """How many of the loss incidents this inventory opened name the user as the last holder, a
    member of the secrecy office: they went to the head of the unit and the user does not see them
    (issue 19, item 8). Counted only within the user's clearance, so the count names nothing the
    user may not open (the missing lines themselves are on the page)."""
    from incidents.models import Incident

    person = access.person_of(user)
    if person is None:
        return 0
    return (Incident.objects.filter(source=f"inventory:{inventory.pk}", routed_to_head=True, hidden_from=user)
            .filter(level__lte=person.clearance).count())


def inventory_departments(*, user):
    return access.restrict(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT), user).order_by("code")


def second_signer_choices(*, user):
    """Active, secret-related people of the user's unit other than the user."""
    return keeper_choices(user=user).exclude(pk=user.pk).exclude(person__secrecy_post=Person.SecrecyPost.NONE)


# --- the scheduled checks (carriers.storage.checks) ------------------------------------------


def interval_days() -> int:
    return int(settings.REGISTRY.get("INVENTORY_INTERVAL_DAYS", 365))


def due_retentions(*, today, now):
    """Carriers kept outside a container on a temporary retention whose end date has passed."""
    return TemporaryRetention.objects.filter(status=TemporaryRetention.Status.ACTIVE, ends_on__lt=today).values(
        target_id=F("pk"), target_label=F("carrier__registry_number"), alert_unit=F("unit"), alert_level=F("level"),
        due_on=F("ends_on"), alert_responsible=F("holder"),
    )


def due_inventories(*, today, now):
    """Units due for their inventory check: the last closed unit-wide inventory (or, if none, the
    registration of the oldest carrier the unit still keeps) is older than the interval."""
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
    due = due_inventories(today=today, now=now).values("pk")
    return get_user_model().objects.filter(
        is_active=True, groups__name="secrecy_office", person__status="active", person__unit_id__in=due,
    ).values_list("person__unit_id", "pk")
