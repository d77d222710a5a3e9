"""Access policy of the personnel app (R10-R14), registered with the gate in
PersonnelConfig.ready(): who sees units, people and their accounts, a person's secrecy file
(pledges, training, inspections, passport movements), travel requests and departures; and who may
act on a secrecy file.

None of these rows names a carrier, so none gives `names_carriers`. The one place a person's
carriers appear is the recall list (清退) of the secrecy file and of a departure: it is not a row
but a list read by selectors.recall_list, which keeps only the carriers the reader may open
(through the gate) and says how many others there are, never which: a department head or a
Secret-cleared clerk may read the file and must not learn a Top Secret registry number from it.

A policy function is called only for a registered, active person (the gate answers nothing
otherwise), so `access.person_of(user)` is never None here."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from approvals import kit
from common import access
from common.levels import NO_CLEARANCE

from . import roles
from .models import (
    Departure,
    Inspection,
    PassportMovement,
    Person,
    Pledge,
    TrainingRecord,
    TravelRequest,
    Unit,
)

# actions (access.can(user, ACTION, person))
MANAGE_SECRECY_FILE = "manage_secrecy_file"
ACT_FOR_PERSON = "act_for_person"
REQUEST_TRAVEL = "request_travel"

# --- visibility --------------------------------------------------------------------------------


def visible_units(queryset: QuerySet, user) -> QuerySet:
    """A person's own unit and its departments."""
    person = access.person_of(user)
    return queryset.filter(Q(pk=person.unit_id) | Q(parent_id=person.unit_id))


def of_the_readers_unit(queryset: QuerySet, user) -> QuerySet:
    """Rows of the reader's unit: its people (names, posts, roles: what handovers and requests
    need), and the places and registers every app keeps per unit (containers, archives, reading
    places, venues, production sites, destruction facilities), which name no carrier."""
    return queryset.filter(unit_id=access.person_of(user).unit_id)


def is_secrecy_office(user, unit_id: int | None = None) -> bool:
    """A registered person of the secrecy office (of that unit, when one is given)."""
    person = access.person_of(user)
    if person is None or not access.has_role(user, roles.SECRECY_OFFICE):
        return False
    return unit_id is None or person.unit_id == unit_id


def cleared_person(user):
    """The registered person behind user when they hold any clearance, else None."""
    person = access.person_of(user)
    return None if person is None or person.clearance == NO_CLEARANCE else person


def visible_users(queryset: QuerySet, user) -> QuerySet:
    """The accounts of the people of the reader's unit."""
    return queryset.filter(person__unit_id=access.person_of(user).unit_id)


def file_readers(user, path: str = "") -> Q:
    """Whose secrecy file this user may read, as a condition on a Person reached by `path`
    ("" for Person itself, "person__" for a row of the file): their own; the unit-wide office roles
    (secrecy office, auditor) of the person's unit; the head of the person's department."""
    person = access.person_of(user)
    need = Q(**{f"{path}user_id": user.pk})
    if access.is_unit_wide(user):
        need |= Q(**{f"{path}unit_id": person.unit_id})
    if access.has_role(user, roles.DEPARTMENT_HEAD) and person.department_id:
        need |= Q(**{f"{path}department_id": person.department_id})
    return need


def visible_files(queryset: QuerySet, user) -> QuerySet:
    """People (a Person queryset already through the gate) whose secrecy file this user may read."""
    return queryset.filter(file_readers(user))


def visible_secrecy_file_rows(queryset: QuerySet, user) -> QuerySet:
    """Pledges, training, inspections and passport movements (R10, R11, R14): read with the file."""
    return queryset.filter(file_readers(user, "person__"))


# Travel requests (R11) and departures (R12), by the stage-request kit's rule: the person they
# concern, who asked, whoever may see its approval request (its approvers), the unit-wide office
# roles of its unit; always within clearance (the level of the person's post)
visible_travel_requests = kit.visibility(seen_by=("traveller__user", "requested_by"))
visible_departures = kit.visibility(seen_by=("person__user", "requested_by"))


# --- actions ------------------------------------------------------------------------------------


def may_manage_file(user, person: Person | None = None) -> bool:
    """The secrecy office of the person's unit (registered, active) keeps the person's secrecy file:
    records training, inspections, passport movements, the post, a departure. Without a person:
    holds the secrecy office role at all."""
    me = access.person_of(user)
    if me is None or not access.has_role(user, roles.SECRECY_OFFICE):
        return False
    return person is None or me.unit_id == person.unit_id


def may_act_for(user, person: Person | None = None) -> bool:
    """The person themselves, or the secrecy office of their unit: signs or records a pledge, asks
    for the person's departure."""
    if person is None:
        return access.person_of(user) is not None
    return user.pk == person.user_id or may_manage_file(user, person)


def may_request_travel(user, person: Person | None = None) -> bool:
    """The traveller (while in the post) or the secrecy office of their unit (also for a person who
    has left the post, in the disengagement period)."""
    if person is None:
        return access.person_of(user) is not None
    own = user.pk == person.user_id and person.status == Person.Status.ACTIVE
    return own or may_manage_file(user, person)


def may_record_trip(user, travel: TravelRequest) -> bool:
    return may_manage_file(user, travel.traveller) and travel.status not in (
        TravelRequest.Status.TAKEN, TravelRequest.Status.UNAPPROVED)


def may_complete_departure(user, departure: Departure) -> bool:
    return may_manage_file(user, departure.person) and departure.status == Departure.Status.APPROVED


def may_end_disengagement(user, departure: Departure) -> bool:
    return (may_manage_file(user, departure.person) and departure.status == Departure.Status.COMPLETED
            and departure.disengagement_closed_at is None)


def register() -> None:
    access.register(Unit, visible_units)
    access.register(Person, of_the_readers_unit)
    access.register(get_user_model(), visible_users)
    for model in (Pledge, TrainingRecord, Inspection, PassportMovement):
        access.register(model, visible_secrecy_file_rows)
    access.register(TravelRequest, visible_travel_requests)
    access.register(Departure, visible_departures)
    access.register_action(MANAGE_SECRECY_FILE, may_manage_file)
    access.register_action(ACT_FOR_PERSON, may_act_for)
    access.register_action(REQUEST_TRAVEL, may_request_travel)
