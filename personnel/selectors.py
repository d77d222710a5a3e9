"""Every read of the personnel app starts from the access gate's queryset (set-based: no query
per row). The secrecy file of a person (post, pledges, training, inspections, travel, passport,
departures) is seen by the person, the unit-wide office roles of their unit and the head of their
department; travel requests and departures also by their approvers, always within clearance."""

from datetime import date

from django.conf import settings
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from carriers.models import Carrier
from common import access

from . import policy, roles, rules
from .models import (
    Departure,
    Inspection,
    PassportMovement,
    Person,
    Pledge,
    TrainingRecord,
    TravelRequest,
)

# carriers that need no recall: no longer a classified carrier anyone holds
ENDED_STATUSES = (Carrier.Status.DESTROYED, Carrier.Status.DECLASSIFIED)


def _pk(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


# --- people and their secrecy file -------------------------------------------------------------


def file_people(*, user):
    """People whose secrecy file this user may read (one query; the rule: policy.file_readers)."""
    if access.person_of(user) is None:
        return Person.objects.none()
    return policy.visible_files(access.restrict(Person.objects.all(), user), user)


def person_get(*, user, pk) -> Person:
    """A person whose file the user may read (pk: the user id), or 404 as if missing."""
    person = file_people(user=user).select_related("user", "unit", "department").filter(user_id=_pk(pk)).first()
    if person is None:
        raise Http404
    return person


def people_list(*, user):
    """The secret-related people of the files the user may read, with what the file page shows
    at a glance (last passed training, open departure), one query."""
    return (
        file_people(user=user)
        .select_related("user", "department")
        .annotate(
            last_training=Max("trainings__held_on", filter=Q(trainings__result=TrainingRecord.Result.PASSED)),
        )
        .order_by("employee_number")
    )


def trainings(*, user, person: Person):
    return access.restrict(TrainingRecord.objects.filter(person=person), user).select_related(
        "recorded_by__person").order_by("-held_on", "-pk")


def pledges(*, user, person: Person):
    return access.restrict(Pledge.objects.filter(person=person), user).select_related(
        "recorded_by__person", "signature").order_by("-signed_on", "-pk")


def inspections(*, user, person: Person):
    return access.restrict(Inspection.objects.filter(person=person), user).select_related(
        "recorded_by__person").order_by("-inspected_on", "-pk")


def passport_movements(*, user, person: Person):
    return access.restrict(PassportMovement.objects.filter(person=person), user).select_related(
        "travel", "recorded_by__person").order_by("-on", "-pk")


def passport_held_by_office(*, person: Person) -> bool:
    """The secrecy office holds the passport when the last recorded movement handed it in."""
    last = PassportMovement.objects.filter(person=person).order_by("-on", "-pk").values_list("direction", flat=True).first()
    return last == PassportMovement.Direction.HANDED_IN


def last_passed_training(*, person: Person) -> date | None:
    return TrainingRecord.objects.filter(person=person, result=TrainingRecord.Result.PASSED).aggregate(
        last=Max("held_on"))["last"]


def training_due_on(*, person: Person) -> date | None:
    """When the next course falls due (as the training_due check computes it); None: untracked."""
    from datetime import timedelta

    last = last_passed_training(person=person)
    if last is not None:
        return last + timedelta(days=int(settings.REGISTRY.get("TRAINING_INTERVAL_DAYS", 365)))
    first = TrainingRecord.objects.filter(person=person).order_by("held_on").values_list("held_on", flat=True).first()
    return person.post_since or first


def has_pledge(*, person: Person, kind: str = Pledge.Kind.ON_POST) -> bool:
    return Pledge.objects.filter(person=person, kind=kind).exists()


# --- disengagement period ----------------------------------------------------------------------


def disengagement_of(*, person: Person, on: date | None = None) -> Departure | None:
    """The completed departure whose disengagement period covers `on` (today by default)."""
    on = on or timezone.localdate()
    return (
        Departure.objects.filter(
            person=person, status=Departure.Status.COMPLETED, disengagement_starts_on__lte=on,
            disengagement_ends_on__gte=on,
        )
        .order_by("-disengagement_ends_on")
        .first()
    )


def latest_disengagement(*, person: Person) -> Departure | None:
    return (
        Departure.objects.filter(person=person, status=Departure.Status.COMPLETED)
        .order_by("-disengagement_ends_on", "-pk")
        .first()
    )


# --- the recall (清退) --------------------------------------------------------------------------


def held_carriers(*, person: Person):
    """Every carrier the person is accountable for now: their own, borrowed and carried out alike
    (loans and carry-outs move custody, so Carrier.holder covers them). Not filtered by a reader's
    gate, so never shown as it is: the services count it (the recall must see all of them) and
    readers get recall_list / recall_numbers, which keep only what the reader may open."""
    return (
        Carrier.objects.filter(holder_id=person.user_id)
        .exclude(status__in=ENDED_STATUSES)
        .only("pk", "registry_number", "level", "status", "kind", "holder_id")
        .order_by("registry_number")
    )


def held_numbers(*, person: Person) -> list[str]:
    return list(held_carriers(person=person).values_list("registry_number", flat=True))


def recall_list(*, user, person: Person) -> tuple[list[dict], int]:
    """The recall list as this reader may see it: the carriers they may open (through the gate:
    clearance and need-to-know), as rows of registry number, level, status and kind (never the
    title), and how many other carriers the person holds (never which)."""
    rows = list(held_carriers(person=person).values("pk", "registry_number", "level", "status", "kind"))
    visible, hidden = access.split_visible([r["pk"] for r in rows], user)
    labels = dict(Carrier.Status.choices)
    shown = []
    for row in rows:
        if row["pk"] in visible:
            row["visible"] = True
            row["status_label"] = labels.get(row["status"], row["status"])
            shown.append(row)
    return shown, hidden


def recall_numbers(*, user, person: Person) -> tuple[list[str], int]:
    """The registry numbers still to recall that this user may open, and how many others (for a
    refusal's message: it names no carrier its reader cannot open)."""
    rows, hidden = recall_list(user=user, person=person)
    return [row["registry_number"] for row in rows], hidden


# --- travel requests and departures --------------------------------------------------------------


def visible_travels(*, user):
    return (
        access.restrict(TravelRequest.objects.all(), user)
        .select_related("traveller__user", "traveller__department", "unit", "approval", "requested_by__person")
        .order_by("-departs_on", "-pk")
    )


def travel_get(*, user, pk) -> TravelRequest:
    travel = visible_travels(user=user).filter(pk=_pk(pk)).first()
    if travel is None:
        raise Http404
    return travel


def visible_departures(*, user):
    return (
        access.restrict(Departure.objects.all(), user)
        .select_related("person__user", "person__department", "unit", "approval", "replacement__person",
                        "requested_by__person", "completed_by__person")
        .order_by("-created_at", "-pk")
    )


def departure_get(*, user, pk) -> Departure:
    departure = visible_departures(user=user).filter(pk=_pk(pk)).first()
    if departure is None:
        raise Http404
    return departure


def secrecy_file(*, user, person: Person) -> dict:
    """What the secrecy file page and GET /people/{id}/secrecy-file/ show."""
    today = timezone.localdate()
    current = disengagement_of(person=person, on=today)
    due = training_due_on(person=person)
    held, hidden = recall_list(user=user, person=person)
    return {
        "person": person,
        "post": person.secrecy_post,
        "post_since": person.post_since,
        "secret_related": person.secrecy_post in rules.SECRET_RELATED_POSTS,
        "pledges": pledges(user=user, person=person),
        "trainings": trainings(user=user, person=person),
        "inspections": inspections(user=user, person=person),
        "travels": visible_travels(user=user).filter(traveller=person),
        "departures": visible_departures(user=user).filter(person=person),
        "passport": passport_movements(user=user, person=person),
        "passport_held": passport_held_by_office(person=person),
        "training_due_on": due,
        "training_overdue": due is not None and due <= today,
        "disengagement": current or latest_disengagement(person=person),
        "in_disengagement": current is not None,
        "held": held,
        "hidden_carriers": hidden,
    }


# --- scheduled checks: one set-based query each --------------------------------------------------


def due_training(*, today: date, now):
    """R14: active secret-related people whose confidentiality training falls due within the
    reminder window: the interval after their last passed course; never passed one: due since
    they took up the post (or since their first, failed, course). People with nothing on file
    (no post date, no course) are not tracked until the secrecy office records either."""
    from datetime import timedelta

    from django.db.models import DateField, F, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Coalesce

    interval = timedelta(days=int(settings.REGISTRY.get("TRAINING_INTERVAL_DAYS", 365)))
    window = timedelta(days=int(settings.REGISTRY.get("TRAINING_REMINDER_DAYS", 30)))
    courses = TrainingRecord.objects.filter(person=OuterRef("pk"))
    last_passed = courses.filter(result=TrainingRecord.Result.PASSED).order_by("-held_on").values("held_on")[:1]
    first_any = courses.order_by("held_on").values("held_on")[:1]
    qs = (
        Person.objects.filter(status=Person.Status.ACTIVE, secrecy_post__in=rules.SECRET_RELATED_POSTS,
                              user__is_active=True)
        .annotate(_last=Subquery(last_passed, output_field=DateField()),
                  _first=Subquery(first_any, output_field=DateField()))
        .annotate(_due=Coalesce(Cast(F("_last") + interval, DateField()), F("post_since"), F("_first"),
                                output_field=DateField()))
        .filter(_due__lte=today + window)
    )
    return qs.values(
        target_id=F("pk"), target_label=F("employee_number"), alert_unit=F("unit"),
        alert_level=Value(None, output_field=IntegerField()), due_on=F("_due"), alert_responsible=F("user"),
    )


def _disengagement_due(*, today: date):
    from datetime import timedelta

    window = timedelta(days=int(settings.REGISTRY.get("DISENGAGEMENT_ENDING_DAYS", 30)))
    return Departure.objects.filter(
        status=Departure.Status.COMPLETED, disengagement_closed_at__isnull=True,
        disengagement_ends_on__lte=today + window,
    )


def due_disengagement(*, today: date, now):
    """R12: disengagement periods ending within the window, or ended, whose end the secrecy
    office has not yet recorded."""
    from django.db.models import BigIntegerField, F, IntegerField, Value

    return _disengagement_due(today=today).values(
        target_id=F("pk"), target_label=F("person__employee_number"), alert_unit=F("unit"),
        alert_level=Value(None, output_field=IntegerField()), due_on=F("disengagement_ends_on"),
        alert_responsible=Value(None, output_field=BigIntegerField()),
    )


def disengagement_office(*, today: date, now):
    """The active secrecy office of the departed person's unit is told (one query)."""
    return (
        _disengagement_due(today=today)
        .filter(unit__members__user__groups__name=roles.SECRECY_OFFICE, unit__members__status="active")
        .values_list("pk", "unit__members__user_id")
    )
