"""Access policy of the carrier core (DESIGN.md, idea 2): who may see carriers, containers and
handovers, and who may register a carrier. Registered with the gate in CarriersConfig.ready().

Visibility of a carrier = clearance at or above its level AND need-to-know: the user holds it,
their department is in its distribution scope, they are named in the scope, they hold an explicit
object grant (django-guardian, direct-FK tables), they hold a unit-wide office role in the
carrier's unit (secrecy office, auditor), or they head the department of its holder.
No role bypasses clearance; the Django superuser flag gives nothing here."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import policy as personnel_policy
from personnel import roles
from personnel.models import Person

from .models import (
    Carrier,
    CarrierGroupObjectPermission,
    CarrierUserObjectPermission,
    Classifier,
    Container,
    Handover,
    HandoverItem,
    SecretMatterItem,
)

REGISTER_CARRIER = "register_carrier"
MANAGE_CONTAINERS = "manage_containers"
MANAGE_CLASSIFICATION = "manage_classification"


def visible_carriers(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    if access.has_role(user, roles.SYSTEM_ADMIN, roles.SECURITY_AUDITOR):
        # the system administrator and the security auditor open no carrier, whatever their post
        # (issue 15: their duty needs none); the security administrator has the rule of everyone
        return queryset.none()
    if access.is_unit_wide(user):
        # Unit-wide office roles see most of their unit: tests on the row itself (its unit, its
        # holder's unit; the small sets hashed once per query) let the list read its first page
        # straight off the ordering's index.
        unit_people = Person.objects.filter(unit_id=person.unit_id).values("user_id")
        need = Q(unit_id=person.unit_id) | Q(holder_id__in=unit_people)
        need |= Q(pk__in=Carrier.scope_units.through.objects.filter(unit_id=person.unit_id).values("carrier_id"))
        need |= Q(pk__in=_personal_sources(user, person, holder=False))
    elif _knows_many(user, person):
        # Someone who may know of many carriers (a large department scope, many grants): each
        # source is an id set the database hashes once, tested row by row while the list reads
        # its first page off the ordering's index.
        need = Q(holder_id=user.pk)
        for source in _sources(user, person, holder=False):
            need |= Q(pk__in=source)
    else:
        # Someone who may know of few carriers: one set of ids (what they hold, their scope, their
        # grants) that the database drives the query from, whatever the registry's size.
        need = Q(pk__in=_personal_sources(user, person, holder=True))
    return queryset.filter(need, level__lte=person.clearance)


# above this many ids in a person's own sources, testing rows beats driving from the ids
DENSE_SOURCES = 5000


def _knows_many(user, person) -> bool:
    """Whether the person's own sources hold more than DENSE_SOURCES ids (counted at most that far,
    once per request's user object)."""
    cached = getattr(user, "_registry_knows_many", None)
    if cached is None:
        union = _personal_sources(user, person, holder=True)
        cached = Carrier.objects.filter(pk__in=union).order_by().values("pk")[: DENSE_SOURCES + 1].count() > DENSE_SOURCES
        user._registry_knows_many = cached
    return cached


def _personal_sources(user, person, *, holder: bool) -> QuerySet:
    """The ids of the carriers a person may know of personally, as one UNION ALL."""
    first, *rest = _sources(user, person, holder=holder)
    return first.union(*rest, all=True)


def _sources(user, person, *, holder: bool) -> list[QuerySet]:
    """The id sets of the carriers a person may know of personally: held (unless the caller tests
    the holder itself), named in the scope, in their department's scope, granted to them or to one
    of their groups, or held in the department they head."""
    sources = [
        Carrier.scope_people.through.objects.filter(user_id=user.pk).values("carrier_id"),
        CarrierUserObjectPermission.objects.filter(user_id=user.pk, permission__codename="view_carrier")
        .values("content_object_id"),
        CarrierGroupObjectPermission.objects.filter(group__user=user.pk, permission__codename="view_carrier")
        .values("content_object_id"),
    ]
    if holder:
        sources.append(Carrier.objects.filter(holder_id=user.pk).order_by().values("pk"))
    if person.department_id:
        sources.append(
            Carrier.scope_departments.through.objects.filter(unit_id=person.department_id).values("carrier_id")
        )
        if roles.DEPARTMENT_HEAD in access.roles_of(user):
            department_people = _department_people(user, person)
            if department_people:
                sources.append(Carrier.objects.filter(holder_id__in=department_people).order_by().values("pk"))
    return sources


def _department_people(user, person) -> list[int]:
    """The user ids of the head's department, read once per request's user object and given to the
    query as a list: the planner then sees which holders they are (the holder column's statistics)
    and reads their carriers off the holder index, instead of guessing a fifth of the registry
    behind a subquery and scanning all of it (210 ms a query at 1,000,000 carriers)."""
    cached = getattr(user, "_registry_department_people", None)
    if cached is None or cached[0] != person.department_id:
        ids = list(Person.objects.filter(department_id=person.department_id).order_by("user_id")
                   .values_list("user_id", flat=True))
        cached = (person.department_id, ids)
        user._registry_department_people = cached
    return cached[1]



def visible_handovers(queryset: QuerySet, user) -> QuerySet:
    """Handovers a user gave or takes, and those given or taken in their unit for the unit-wide
    office roles; and, by the gate (names_carriers), only if the user may open every carrier in it:
    a handover shows its carriers' numbers and its note, so it is as secret as its most secret
    carrier."""
    person = access.person_of(user)
    if person.clearance == NO_CLEARANCE:
        return queryset.none()
    mine = Q(giver_id=user.pk) | Q(taker_id=user.pk)
    if access.is_unit_wide(user):
        unit_users = Person.objects.filter(unit_id=person.unit_id).values("user_id")
        mine |= Q(giver_id__in=unit_users) | Q(taker_id__in=unit_users)
    return queryset.filter(mine)


def visible_handover_items(queryset: QuerySet, user) -> QuerySet:
    """An item is seen with its handover (and its carrier, by the gate)."""
    return queryset.filter(handover_id__in=access.restrict(Handover.objects.all(), user).values("pk"))


def nobody(queryset: QuerySet, user) -> QuerySet:
    """Object-permission rows are plumbing of the grant helper (common.grants), never listed."""
    return queryset.none()


def may_register_carrier(user, obj=None) -> bool:
    return access.has_role(user, roles.SECRECY_OFFICE, roles.API_CLIENT)


def may_manage_containers(user, obj=None) -> bool:
    return personnel_policy.is_secrecy_office(user)


def visible_matter_items(queryset: QuerySet, user) -> QuerySet:
    """The unit's list of secret matters: its people, each up to their clearance (an item's wording
    can itself be sensitive at its level)."""
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id, level__lte=person.clearance)


def may_manage_classification(user, obj=None) -> bool:
    return personnel_policy.is_secrecy_office(user)


def register() -> None:
    access.register(Carrier, visible_carriers)
    access.register(SecretMatterItem, visible_matter_items)
    access.register(Classifier, personnel_policy.of_the_readers_unit)  # who may classify: names no carrier
    access.register_action(MANAGE_CLASSIFICATION, may_manage_classification)
    access.register(Container, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(
        Handover, visible_handovers,
        names_carriers=[CarrierLink(through="carriers.handoveritem", parent="handover_id", field="carrier_id")],
    )
    access.register(HandoverItem, visible_handover_items, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(CarrierUserObjectPermission, nobody)
    access.register(CarrierGroupObjectPermission, nobody)
    access.register_action(REGISTER_CARRIER, may_register_carrier)
    access.register_action(MANAGE_CONTAINERS, may_manage_containers)
