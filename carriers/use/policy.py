"""Access policy of the use stage (R3), registered with the gate in UseConfig.ready(): who sees
reading places, reading sessions, circulations and loans, and who may do each step. The services
enforce, and the pages and the API display, these same answers (built from rules.py).

Hiding, not redaction: a reading session, a circulation and a loan are each about exactly one
carrier, and each shows its registry number and title; a reader who may not open that carrier
sees none of them (the gate's names_carriers on `carrier_id`). Their child rows (a circulation's
readers, a loan's extensions) are seen with their parent. A carrier's disclosure record (who has
seen it) is read only by someone who may open the carrier, and each of its lines through the gate
of its own record."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from personnel import policy as personnel_policy
from personnel import roles
from personnel.models import Person

from . import rules
from .models import (
    Circulation,
    CirculationReader,
    Loan,
    LoanExtension,
    ReadingPlace,
    ReadingSession,
)

# actions (registered with the gate: access.can(user, ACTION, obj) answers like may_<action>)
MANAGE_PLACES = "use.manage_places"
RECORD_USE = "use.record_use"
BORROW = "use.borrow"
SIGN_CIRCULATION = "use.sign_circulation"
CANCEL_CIRCULATION = "use.cancel_circulation"
END_SESSION = "use.end_session"
LEND = "use.lend"
ACCEPT_LOAN = "use.accept_loan"
RETURN_LOAN = "use.return_loan"
TAKE_BACK = "use.take_back"
EXTEND_LOAN = "use.extend_loan"
CANCEL_LOAN = "use.cancel_loan"


# --- visibility ------------------------------------------------------------------------------------



def visible_sessions(queryset: QuerySet, user) -> QuerySet:
    """The reader, whoever recorded it, and the unit-wide office roles of its unit; always within
    clearance; and (names_carriers) only with its carrier."""
    person = personnel_policy.cleared_person(user)
    if person is None:
        return queryset.none()
    need = Q(reader_id=user.pk) | Q(recorded_by_id=user.pk)
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def visible_circulations(queryset: QuerySet, user) -> QuerySet:
    """Whoever sent it round, the readers on its list, and the unit-wide office roles of its unit;
    always within clearance; and (names_carriers) only with its carrier."""
    person = personnel_policy.cleared_person(user)
    if person is None:
        return queryset.none()
    need = Q(started_by_id=user.pk)
    need |= Q(pk__in=CirculationReader.objects.filter(reader_id=user.pk).values("circulation_id"))
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def visible_circulation_readers(queryset: QuerySet, user) -> QuerySet:
    """A circulation list's lines are seen with their circulation."""
    return queryset.filter(circulation_id__in=access.restrict_label("use.circulation", user).values("pk"))


def visible_loans(queryset: QuerySet, user) -> QuerySet:
    """The borrower, the lender, whoever asked, the carrier's holder, the head of the borrower's
    department, and the unit-wide office roles of its unit; always within clearance; and
    (names_carriers) only with its carrier."""
    person = personnel_policy.cleared_person(user)
    if person is None:
        return queryset.none()
    need = Q(borrower_id=user.pk) | Q(lender_id=user.pk) | Q(requested_by_id=user.pk) | Q(carrier__holder_id=user.pk)
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    if access.has_role(user, roles.DEPARTMENT_HEAD) and person.department_id:
        need |= Q(borrower_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    return queryset.filter(need, level__lte=person.clearance)


def visible_loan_extensions(queryset: QuerySet, user) -> QuerySet:
    """A loan's extensions are seen with the loan."""
    return queryset.filter(loan_id__in=access.restrict_label("use.loan", user).values("pk"))


# --- who may do what -------------------------------------------------------------------------------


is_office = personnel_policy.is_secrecy_office


def units_of(carrier) -> set:
    """The units whose secrecy office answers for the carrier: its registering unit and its
    holder's."""
    holder_unit = Person.objects.filter(user_id=carrier.holder_id).values_list("unit_id", flat=True).first()
    return {carrier.unit_id, holder_unit}


def _allowed(refusals) -> bool:
    return not any(refusals)


def manage_places_refusal(user):
    return rules.may_manage_places(is_office=is_office(user))


def may_manage_places(user, obj=None) -> bool:
    return manage_places_refusal(user) is None


def record_use_refusals(user, carrier) -> list:
    """Reading sessions and circulations of a carrier in custody are recorded by its holder or the
    secrecy office of its unit (or of its holder's)."""
    person = access.person_of(user)
    office = is_office(user) and person.unit_id in units_of(carrier)
    return [
        rules.may_record_use(is_holder=carrier.holder_id == user.pk, is_office=office),
        rules.carrier_usable(status=carrier.status, label=carrier.get_status_display()),
    ]


def may_record_use(user, carrier) -> bool:
    return access.person_of(user) is not None and _allowed(record_use_refusals(user, carrier))


def may_borrow(user, carrier) -> bool:
    """Ask to borrow it for oneself: a carrier in custody that someone else holds (the credential
    and the due date are checked on asking)."""
    return access.person_of(user) is not None and _allowed([
        rules.carrier_usable(status=carrier.status, label=""),
        rules.not_holder_borrowing(is_holder=carrier.holder_id == user.pk),
    ])


def end_session_refusals(user, session: ReadingSession) -> list:
    return [
        None if user.pk in (session.recorded_by_id, session.reader_id) or is_office(user)
        else rules.may_record_use(is_holder=False, is_office=False),
        rules.session_open(ended_at=session.ended_at),
    ]


def may_end_session(user, session: ReadingSession) -> bool:
    return _allowed(end_session_refusals(user, session))


def sign_refusals(user, circulation: Circulation) -> list:
    """On the list, still going round, the user's turn (their readers prefetched or not)."""
    rows = list(circulation.readers.all())
    mine = next((r for r in rows if r.reader_id == user.pk), None)
    current = next((r for r in rows if r.signed_at is None), None)
    return [
        rules.on_the_list(on_list=mine is not None),
        rules.circulation_open(status=circulation.status),
        rules.readers_turn(is_current=current is not None and mine is not None and current.pk == mine.pk,
                           already_signed=bool(mine and mine.signed_at)),
    ]


def may_sign(user, circulation: Circulation) -> bool:
    return _allowed(sign_refusals(user, circulation))


def cancel_circulation_refusals(user, circulation: Circulation) -> list:
    return [
        None if user.pk == circulation.started_by_id or is_office(user)
        else rules.may_record_use(is_holder=False, is_office=False),
        rules.circulation_open(status=circulation.status),
    ]


def may_cancel_circulation(user, circulation: Circulation) -> bool:
    return _allowed(cancel_circulation_refusals(user, circulation))


def lend_refusals(user, loan: Loan, carrier=None) -> list:
    """The holder lends a requested loan, through the secrecy office's borrowing procedure."""
    carrier = carrier or loan.carrier
    return [
        rules.loan_status(status=loan.status, allowed=("requested",), label=loan.get_status_display()),
        rules.may_lend(is_holder=carrier.holder_id == user.pk, is_office=is_office(user)),
    ]


def accept_refusals(user, loan: Loan) -> list:
    return [
        rules.is_borrower(actor_id=user.pk, borrower_id=loan.borrower_id),
        rules.loan_status(status=loan.status, allowed=("lending",), label=loan.get_status_display()),
    ]


def return_refusals(user, loan: Loan, taker=None) -> list:
    return [
        rules.is_borrower(actor_id=user.pk, borrower_id=loan.borrower_id),
        rules.return_to_lender(taker_id=getattr(taker, "pk", taker), lender_id=loan.lender_id),
        rules.loan_status(status=loan.status, allowed=("on_loan",), label=loan.get_status_display()),
    ]


def take_back_refusals(user, loan: Loan) -> list:
    return [
        rules.is_lender(actor_id=user.pk, lender_id=loan.lender_id),
        rules.loan_status(status=loan.status, allowed=("returning",), label=loan.get_status_display()),
    ]


def extend_refusals(user, loan: Loan) -> list:
    """The borrower of a carrier on loan asks to keep it longer (the date itself: rules.extension_fits)."""
    return [
        rules.is_borrower(actor_id=user.pk, borrower_id=loan.borrower_id),
        rules.loan_status(status=loan.status, allowed=("on_loan",), label=loan.get_status_display()),
    ]


def cancel_loan_refusals(user, loan: Loan, carrier_holder_id=None) -> list:
    """Before the carrier is handed over: the borrower withdraws a request, or the lender's side
    (the holder, the secrecy office) refuses it; the lender may call back an unsigned lending."""
    holder = loan.carrier.holder_id if carrier_holder_id is None else carrier_holder_id
    lender_side = (user.pk == loan.lender_id) or (loan.status == "requested" and (user.pk == holder or is_office(user)))
    return [rules.may_cancel(status=loan.status, is_borrower_=user.pk == loan.borrower_id, is_lender_side=lender_side)]


def may_lend(user, loan: Loan) -> bool:
    return _allowed(lend_refusals(user, loan))


def may_accept(user, loan: Loan) -> bool:
    return _allowed(accept_refusals(user, loan))


def may_return(user, loan: Loan) -> bool:
    return _allowed(return_refusals(user, loan))


def may_take_back(user, loan: Loan) -> bool:
    return _allowed(take_back_refusals(user, loan))


def may_extend(user, loan: Loan) -> bool:
    return _allowed(extend_refusals(user, loan))


def may_cancel_loan(user, loan: Loan) -> bool:
    return _allowed(cancel_loan_refusals(user, loan))


LOAN_STEPS = {"lend": may_lend, "accept": may_accept, "return": may_return, "take_back": may_take_back,
              "extend": may_extend, "cancel": may_cancel_loan}


def loan_steps(user, loan: Loan) -> dict[str, bool]:
    """Which steps of this loan the user may take now (the page shows a form for each)."""
    return {step: check(user, loan) for step, check in LOAN_STEPS.items()}


def _on(check):
    """An action about an object: no object, no answer."""
    return lambda user, obj: obj is not None and check(user, obj)


def register() -> None:
    carrier = [CarrierLink(field="carrier_id")]
    access.register(ReadingPlace, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(ReadingSession, visible_sessions, names_carriers=carrier)
    access.register(Circulation, visible_circulations, names_carriers=carrier)
    access.register(CirculationReader, visible_circulation_readers)
    access.register(Loan, visible_loans, names_carriers=carrier)
    access.register(LoanExtension, visible_loan_extensions)
    access.register_action(MANAGE_PLACES, may_manage_places)
    access.register_action(RECORD_USE, _on(may_record_use))
    access.register_action(BORROW, _on(may_borrow))
    access.register_action(END_SESSION, _on(may_end_session))
    access.register_action(SIGN_CIRCULATION, _on(may_sign))
    access.register_action(CANCEL_CIRCULATION, _on(may_cancel_circulation))
    for action, check in ((LEND, may_lend), (ACCEPT_LOAN, may_accept), (RETURN_LOAN, may_return),
                          (TAKE_BACK, may_take_back), (EXTEND_LOAN, may_extend), (CANCEL_LOAN, may_cancel_loan)):
        access.register_action(action, _on(check))
