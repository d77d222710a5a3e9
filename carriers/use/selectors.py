"""Every read of the use stage starts from the access gate's queryset: reading places, sessions,
circulations and loans; "my carriers" and "my loans"; each carrier's disclosure record (who has
seen it: reading sessions, circulation sign-offs, loans); and the due query of the overdue-loan
check (one set-based query over the whole registry)."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404

from audit.models import AuditEvent
from carriers import selectors as carrier_selectors
from carriers.models import Carrier, HandoverItem
from common import access
from personnel.models import Person

from . import policy
from .models import (
    Circulation,
    CirculationReader,
    Loan,
    LoanExtension,
    ReadingPlace,
    ReadingSession,
)


def _pk(pk) -> int:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


# --- reading places ------------------------------------------------------------------------------------


def visible_places(*, user):
    return access.restrict(ReadingPlace.objects.select_related("unit"), user).order_by("name_zh", "pk")


def places_for_reading(*, user):
    """Active reading places of the user's unit (the session form; the level is checked on saving)."""
    return visible_places(user=user).filter(is_active=True)


def place_get(*, user, pk) -> ReadingPlace:
    place = visible_places(user=user).filter(pk=_pk(pk)).first()
    if place is None:
        raise Http404
    return place


# --- reading sessions -----------------------------------------------------------------------------------


def visible_sessions(*, user):
    return access.restrict(
        ReadingSession.objects.select_related("carrier", "reader__person", "place", "recorded_by__person"), user
    )


def session_list(*, user, carrier=None, reader=None, open_only: bool = False):
    qs = visible_sessions(user=user)
    if carrier is not None:
        qs = qs.filter(carrier_id=carrier)
    if reader is not None:
        qs = qs.filter(reader_id=reader)
    if open_only:
        qs = qs.filter(ended_at__isnull=True)
    return qs.order_by("-started_at", "-pk")


def session_get(*, user, pk) -> ReadingSession:
    session = visible_sessions(user=user).filter(pk=_pk(pk)).first()
    if session is None:
        raise Http404
    return session


# --- circulations ------------------------------------------------------------------------------------------


def _readers_prefetch():
    return Prefetch(
        "readers",
        queryset=CirculationReader.objects.select_related("reader__person", "signature").order_by("position"),
    )


def visible_circulations(*, user):
    first_unsigned = (
        CirculationReader.objects.filter(circulation=OuterRef("pk"), signed_at__isnull=True)
        .order_by("position").values("reader_id")[:1]
    )
    return (
        access.restrict(Circulation.objects.select_related("carrier", "started_by__person"), user)
        .prefetch_related(_readers_prefetch())
        .annotate(current_reader_id=Subquery(first_unsigned))
    )


def circulation_list(*, user, carrier=None, status: str = ""):
    qs = visible_circulations(user=user)
    if carrier is not None:
        qs = qs.filter(carrier_id=carrier)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_at", "-pk")


def circulations_to_sign(*, user):
    """Circulations going round in which it is this user's turn to sign."""
    return circulation_list(user=user, status=Circulation.Status.IN_PROGRESS).filter(current_reader_id=user.pk)


def circulation_get(*, user, pk) -> Circulation:
    circulation = visible_circulations(user=user).filter(pk=_pk(pk)).first()
    if circulation is None:
        raise Http404
    return circulation


def circulation_history(*, circulation: Circulation):
    return list(
        AuditEvent.objects.filter(target_type="use.circulation", target_id=str(circulation.pk))
        .select_related("signature").order_by("seq")
    )


# --- loans -----------------------------------------------------------------------------------------------------


def visible_loans(*, user):
    return access.restrict(
        Loan.objects.select_related(
            "carrier", "borrower__person", "lender__person", "requested_by__person",
            "lend_handover__giver_signature", "lend_handover__taker_signature",
            "return_handover__giver_signature", "return_handover__taker_signature",
        ).prefetch_related(Prefetch("extensions", queryset=LoanExtension.objects.order_by("pk"))),
        user,
    )


def loan_list(*, user, carrier=None, borrower=None, status: str = "", box: str = ""):
    """box: "mine" (I borrow), "to_handle" (loans waiting for me: to lend, as the secrecy-office
    holder, or to take back, as the lender)."""
    qs = visible_loans(user=user)
    if carrier is not None:
        qs = qs.filter(carrier_id=carrier)
    if borrower is not None:
        qs = qs.filter(borrower_id=borrower)
    if status:
        qs = qs.filter(status=status)
    if box == "mine":
        qs = qs.filter(borrower_id=user.pk)
    elif box == "to_handle":
        waiting = Q(status=Loan.Status.RETURNING, lender_id=user.pk)
        if policy.is_office(user):  # only the secrecy office lends
            waiting |= Q(status=Loan.Status.REQUESTED, carrier__holder_id=user.pk)
        qs = qs.filter(waiting)
    return qs.order_by("-requested_at", "-pk")


def loan_get(*, user, pk) -> Loan:
    loan = visible_loans(user=user).filter(pk=_pk(pk)).first()
    if loan is None:
        raise Http404
    return loan


def loan_history(*, loan: Loan):
    handovers = [str(h) for h in (loan.lend_handover_id, loan.return_handover_id) if h]
    return list(
        AuditEvent.objects.filter(
            Q(target_type="use.loan", target_id=str(loan.pk))
            | Q(target_type="carriers.handover", target_id__in=handovers)
        ).select_related("signature").order_by("seq")
    )


def my_carriers(*, user):
    """What this user holds (accountable holder), with any loan they have it on."""
    open_loan = Loan.objects.filter(carrier_id=OuterRef("pk"), borrower_id=user.pk, status=Loan.Status.ON_LOAN)
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(holder_id=user.pk)
        .annotate(my_loan_id=Subquery(open_loan.values("pk")[:1]),
                  in_handover=Exists(HandoverItem.objects.filter(carrier_id=OuterRef("pk"), is_open=True)))
        .order_by("registry_number")
    )


def borrowable_carriers(*, user, for_others: bool = False):
    """Carriers this user may see and ask to borrow: in custody, held by someone else (for the
    secrecy office asking for a borrower: also those it holds itself)."""
    qs = carrier_selectors.visible_carriers(user=user).filter(
        status__in=[Carrier.Status.IN_CUSTODY, Carrier.Status.REGISTERED]
    )
    if not for_others:
        qs = qs.exclude(holder_id=user.pk)
    return qs.order_by("registry_number")


def usable_carriers(*, user):
    """Carriers whose use this user may record (reading, circulation): those they hold, and for the
    secrecy office those of their unit; in custody."""
    person = access.person_of(user)
    qs = carrier_selectors.visible_carriers(user=user).filter(
        status__in=[Carrier.Status.IN_CUSTODY, Carrier.Status.REGISTERED]
    )
    if person is None:
        return qs.none()
    mine = Q(holder_id=user.pk)
    if policy.is_office(user):
        mine |= Q(unit_id=person.unit_id) | Q(holder__person__unit_id=person.unit_id)
    return qs.filter(mine).order_by("registry_number")


def people_choices(*, user):
    """Active registered people of the user's unit (readers, borrowers); their credential for a
    given carrier is checked on saving."""
    person = access.person_of(user)
    if person is None:
        return get_user_model().objects.none()
    return (
        get_user_model().objects.filter(is_active=True, person__status=Person.Status.ACTIVE,
                                        person__unit_id=person.unit_id)
        .select_related("person__department").order_by("person__employee_number")  # the label names the department
    )


def counts(*, user) -> int:
    """For the navigation: circulations waiting for my signature, loans waiting for me to sign
    (accept), and loans waiting for me as holder or lender."""
    if access.person_of(user) is None:
        return 0
    to_accept = visible_loans(user=user).filter(borrower_id=user.pk, status=Loan.Status.LENDING).count()
    return circulations_to_sign(user=user).count() + to_accept + loan_list(user=user, box="to_handle").count()


# --- the disclosure record -----------------------------------------------------------------------------------


def disclosures(*, user, carrier: Carrier) -> list[dict]:
    """Everyone who has seen `carrier` (the caller may see it): readers in sessions, readers on
    circulation lists who signed (and the current one), borrowers of loans handed over; each line
    through the gate of its own record (the secrecy office and auditors of the unit see them all,
    a reader their own). Three queries, newest first."""
    lines = []
    for s in visible_sessions(user=user).filter(carrier_id=carrier.pk):
        lines.append({"kind": "reading", "kind_label": ReadingSession._meta.verbose_name, "id": s.pk,
                      "person": s.reader, "since": s.started_at, "until": s.ended_at,
                      "where": s.place.name, "signature": None, "url_name": "use:session", "object": s})
    rows = access.restrict(
        CirculationReader.objects.filter(circulation__carrier_id=carrier.pk), user
    ).select_related("circulation", "reader__person", "signature")
    for r in rows:
        if r.signed_at is None:
            continue
        lines.append({"kind": "circulation", "kind_label": Circulation._meta.verbose_name, "id": r.circulation_id,
                      "person": r.reader, "since": r.circulation.started_at, "until": r.signed_at,
                      "where": "", "signature": r.signature, "url_name": "use:circulation", "object": r})
    for loan in visible_loans(user=user).filter(carrier_id=carrier.pk, lent_at__isnull=False):
        lines.append({"kind": "loan", "kind_label": Loan._meta.verbose_name, "id": loan.pk,
                      "person": loan.borrower, "since": loan.lent_at, "until": loan.returned_at,
                      "where": "", "signature": loan.lend_handover.taker_signature, "url_name": "use:loan",
                      "object": loan})
    return sorted(lines, key=lambda line: line["since"], reverse=True)


# --- the overdue-loan check -------------------------------------------------------------------------------


def due_loans(*, today: date, now: datetime):
    """R3: carriers still out on loan (with the borrower, or returned but not yet signed for by the
    lender) after their due date."""
    qs = Loan.objects.filter(status__in=[Loan.Status.ON_LOAN, Loan.Status.RETURNING], due_on__lt=today)
    return qs.values(
        "due_on",
        target_id=F("pk"),
        target_label=Concat(F("carrier__registry_number"), Value(" · "), F("borrower__username")),
        alert_unit=F("unit"), alert_level=F("level"), alert_responsible=F("borrower"),
    )


def loan_lenders(*, today: date, now: datetime):
    """The lender is told of an overdue loan."""
    return due_loans(today=today, now=now).values_list("target_id", "lender")

