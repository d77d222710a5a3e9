"""Every write of the use stage (R3): reading places, reading sessions, circulations and loans. One
function per action, keyword-only arguments, one transaction each, the rules checked before
anything is written, the audit events inside the same transaction. Loans move custody only by the
carriers core's handovers: "lending" (the borrower signs, the carrier is on loan) and "return"
(to the lender only, who counts and signs)."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import services as alerts
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from audit.models import Signature
from carriers import services as carrier_services
from carriers.models import Carrier, Handover
from common import access
from common.errors import Conflict, Refused, enforce
from personnel.models import Person

from . import policy, rules
from .models import (
    Circulation,
    CirculationReader,
    Loan,
    LoanExtension,
    ReadingPlace,
    ReadingSession,
)

OVERDUE_KIND = "loan_overdue"


def loan_max_days() -> int:
    return int(settings.REGISTRY.get("LOAN_MAX_DAYS", 30))


def loan_default_days() -> int:
    return min(int(settings.REGISTRY.get("LOAN_DEFAULT_DAYS", 14)), loan_max_days())


def _person(actor) -> Person:
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can do this."))
    return person


def credential(*, user, carrier: Carrier) -> dict:
    """The facts of a person's credential for one carrier: active, clearance, within its scope."""
    person = Person.objects.filter(user_id=user.pk).first()
    active = bool(person and person.status == Person.Status.ACTIVE and user.is_active)
    return {
        "active": active,
        "clearance": person.clearance if person else 0,
        "level": carrier.level,
        "in_scope": not carrier_services._out_of_scope([carrier], user),
    }


def _visible_carrier(actor, carrier_id) -> Carrier:
    """The carrier, locked, if the actor may see it; 404 exactly as if it did not exist."""
    carrier_id = getattr(carrier_id, "pk", carrier_id)
    if not access.restrict(Carrier.objects.filter(pk=carrier_id), actor).exists():
        raise Http404
    return Carrier.objects.select_for_update().get(pk=carrier_id)


def _locked(model, actor, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63 or not access.restrict(model.objects.filter(pk=pk), actor).exists():
        raise Http404
    return model.objects.select_for_update().get(pk=pk)


# --- reading places ---------------------------------------------------------------------------------


def create_place(*, actor, name_zh: str, name_en: str, kind: str, max_level: int, location: str = "") -> ReadingPlace:
    """The secrecy office registers an office or reading room of its unit approved for a level."""
    person = _person(actor)
    enforce([policy.manage_places_refusal(actor)])
    with transaction.atomic():
        place = ReadingPlace.objects.create(unit_id=person.unit_id, name_zh=name_zh, name_en=name_en, kind=kind,
                                            max_level=max_level, location=location)
        audit.record(actor=actor, action="use.place_created", target=place,
                     details={"unit": person.unit_id, "name_zh": name_zh, "name_en": name_en, "kind": kind,
                              "max_level": max_level, "location": location})
    return place


PLACE_FIELDS = ("name_zh", "name_en", "kind", "max_level", "location", "is_active")


def update_place(*, actor, place_id, **changes) -> ReadingPlace:
    """Change a reading place (e.g. withdraw it from use); only its unit's secrecy office."""
    enforce([policy.manage_places_refusal(actor)])
    with transaction.atomic():
        place = _locked(ReadingPlace, actor, place_id)
        before = {name: getattr(place, name) for name in PLACE_FIELDS}
        for name, value in changes.items():
            if name in PLACE_FIELDS:
                setattr(place, name, value)
        place.save()
        after = {name: getattr(place, name) for name in PLACE_FIELDS}
        audit.record(actor=actor, action="use.place_changed", target=place, details={"before": before, "after": after})
    return place


# --- reading sessions ---------------------------------------------------------------------------------


def record_session(
    *, actor, carrier, reader, place, rules_told: bool, started_at=None, ended_at=None, purpose: str = "",
) -> ReadingSession:
    """The holder or the secrecy office records that `reader` reads `carrier` in `place` (an
    approved office or reading room), having been told the rules. The reader's credential is
    checked (active, cleared, within the scope). Open (no end) until ended."""
    person = _person(actor)
    now = timezone.now()
    started_at = started_at or now
    with transaction.atomic():
        locked = _visible_carrier(actor, carrier)
        place = ReadingPlace.objects.get(pk=getattr(place, "pk", place))  # as it is now, not as the caller read it
        facts = credential(user=reader, carrier=locked)
        enforce([
            *policy.record_use_refusals(actor, locked),
            rules.person_credential(active=facts["active"], clearance=facts["clearance"], level=locked.level,
                                    in_scope=facts["in_scope"]),
            rules.place_fit(place_unit_id=place.unit_id, unit_id=person.unit_id, is_active=place.is_active,
                            max_level=place.max_level, level=locked.level),
            rules.rules_told(told=rules_told),
            *rules.session_times(started_at=started_at, ended_at=ended_at, now=now),
        ])
        session = ReadingSession.objects.create(
            carrier=locked, reader=reader, place=place, unit_id=person.unit_id, level=locked.level,
            started_at=started_at, ended_at=ended_at, rules_told=True, purpose=purpose, recorded_by=actor,
        )
        details = {"carrier": locked.registry_number, "reader": reader.pk, "place": place.pk,
                   "started_at": started_at, "ended_at": ended_at, "rules_told": True, "purpose": purpose}
        audit.record(actor=actor, action="use.session_recorded", target=session, details=details)
        audit.record(actor=actor, action="carrier.read", target=locked,
                     details={"session": session.pk, "reader": reader.pk, "place": place.pk})
    return session


def end_session(*, actor, session_id, ended_at=None) -> ReadingSession:
    """The reader has finished: the carrier came back at `ended_at` (default now)."""
    now = timezone.now()
    ended_at = ended_at or now
    with transaction.atomic():
        session = _locked(ReadingSession, actor, session_id)
        enforce([
            *policy.end_session_refusals(actor, session),
            *rules.session_times(started_at=session.started_at, ended_at=ended_at, now=now),
        ])
        session.ended_at = ended_at
        session.save(update_fields=["ended_at"])
        audit.record(actor=actor, action="use.session_ended", target=session, details={"ended_at": ended_at})
    return session


# --- circulation ------------------------------------------------------------------------------------


def _refusals(readers, carrier) -> list[tuple[str, str]]:
    """(name, reason) for each listed reader who may not read the carrier."""
    refused = []
    for user in readers:
        facts = credential(user=user, carrier=carrier)
        violation = rules.person_credential(active=facts["active"], clearance=facts["clearance"],
                                            level=carrier.level, in_scope=facts["in_scope"],
                                            who=_name(user))
        if violation is not None:
            refused.append((_name(user), violation.message))
    return refused


def _name(user) -> str:
    person = Person.objects.filter(user_id=user.pk).only("full_name").first()
    return person.full_name if person else user.get_username()


def start_circulation(*, actor, carrier, readers: list, note: str = "") -> Circulation:
    """The holder or the secrecy office sends a carrier round an ordered list of readers, all
    active, cleared and within its scope (refused with the reasons, per reader, otherwise)."""
    person = _person(actor)
    readers = list(readers)
    with transaction.atomic():
        locked = _visible_carrier(actor, carrier)
        enforce([
            *policy.record_use_refusals(actor, locked),
            *rules.readers_listed(reader_ids=[u.pk for u in readers]),
        ])
        enforce([
            rules.readers_credentials(refused=_refusals(readers, locked)),
            rules.not_circulating(busy=_circulating(locked)),
        ])
        circulation = Circulation.objects.create(
            carrier=locked, unit_id=person.unit_id, level=locked.level, started_by=actor,
            started_at=timezone.now(), note=note,
        )
        CirculationReader.objects.bulk_create(
            CirculationReader(circulation=circulation, position=i, reader=user) for i, user in enumerate(readers, 1)
        )
        audit.record(actor=actor, action="use.circulation_started", target=circulation,
                     details={"carrier": locked.registry_number, "readers": [u.pk for u in readers], "note": note})
    return circulation


def _circulating(carrier) -> bool:
    return Circulation.objects.filter(carrier=carrier, status=Circulation.Status.IN_PROGRESS).exists()


def check_may_sign(*, actor, circulation: Circulation) -> None:
    """Before reading the sign-off's fields: on the list, still going round, the actor's turn."""
    enforce(policy.sign_refusals(actor, circulation))


def sign_circulation(*, actor, password: str, circulation_id, pass_to=None) -> Circulation:
    """The current reader signs that they have read it and pass it on: to the next reader on the
    list, or after the last back to whoever sent it round; anyone off the list is refused. When
    every reader has signed, the circulation is complete."""
    with transaction.atomic():
        circulation = _locked(Circulation, actor, circulation_id)
        check_may_sign(actor=actor, circulation=circulation)
        rows = list(circulation.readers.select_for_update().order_by("position"))
        mine = next(r for r in rows if r.reader_id == actor.pk)
        following = next((r for r in rows if r.position > mine.position and r.signed_at is None), None)
        pass_to_id = getattr(pass_to, "pk", pass_to)
        enforce([rules.passed_on_list(
            pass_to_id=pass_to_id, next_id=following.reader_id if following else None,
            on_list=any(r.reader_id == pass_to_id for r in rows), starter_id=circulation.started_by_id,
        )])
        carrier = Carrier.objects.get(pk=circulation.carrier_id)
        credential_ = audit.reauthenticate(signer=actor, password=password)
        passed_to = following.reader_id if following else circulation.started_by_id
        content = {"circulation": circulation.pk, "carrier": carrier.registry_number, "position": mine.position,
                   "reader": actor.pk, "read": True, "passed_to": passed_to}
        signature = audit.sign(signer=actor, credential=credential_, meaning=Signature.Meaning.READ,
                               target=circulation, content=content)
        mine.signed_at = signature.signed_at
        mine.signature = signature
        mine.save(update_fields=["signed_at", "signature"])
        audit.record(actor=actor, action="use.circulation_signed", target=circulation,
                     details={**content, "signature": signature.pk})
        audit.record(actor=actor, action="carrier.read", target=carrier,
                     details={"circulation": circulation.pk, "reader": actor.pk})
        if following is None:
            circulation.status = Circulation.Status.COMPLETED
            circulation.completed_at = signature.signed_at
            circulation.save(update_fields=["status", "completed_at"])
            audit.record(actor=actor, action="use.circulation_completed", target=circulation,
                         details={"readers": [r.reader_id for r in rows]})
    return circulation


def cancel_circulation(*, actor, circulation_id, reason: str) -> Circulation:
    with transaction.atomic():
        circulation = _locked(Circulation, actor, circulation_id)
        enforce(policy.cancel_circulation_refusals(actor, circulation))
        circulation.status = Circulation.Status.CANCELLED
        circulation.save(update_fields=["status"])
        audit.record(actor=actor, action="use.circulation_cancelled", target=circulation, details={"reason": reason})
    return circulation


# --- loans --------------------------------------------------------------------------------------------


def request_loan(*, actor, carrier, purpose: str, due_on=None, borrower=None) -> Loan:
    """Ask to borrow a carrier: the borrower themselves, or the secrecy office for a borrower who
    shows their credential. The credential is checked now (active, cleared for the level, within
    the distribution scope); the due date defaults to LOAN_DEFAULT_DAYS and is at most
    LOAN_MAX_DAYS away."""
    person = _person(actor)
    borrower = borrower or actor
    today = timezone.localdate()
    due_on = due_on or today + timedelta(days=loan_default_days())
    with transaction.atomic():
        locked = _visible_carrier(actor, carrier)
        facts = credential(user=borrower, carrier=locked)
        enforce([
            rules.may_request_for(is_self=borrower.pk == actor.pk, is_office=policy.is_office(actor)),
            rules.person_credential(active=facts["active"], clearance=facts["clearance"], level=locked.level,
                                    in_scope=facts["in_scope"], field="borrower", who=_("The borrower")),
            rules.not_holder_borrowing(is_holder=locked.holder_id == borrower.pk),
            rules.no_open_loan(has_open=Loan.objects.filter(carrier=locked, borrower=borrower,
                                                            status__in=Loan.OPEN_STATUSES).exists()),
            rules.due_date(due_on=due_on, today=today, max_days=loan_max_days()),
        ])
        holder_unit = Person.objects.filter(user_id=locked.holder_id).values_list("unit_id", flat=True).first()
        loan = Loan.objects.create(
            carrier=locked, borrower=borrower, unit_id=holder_unit or person.unit_id, level=locked.level,
            purpose=purpose, due_on=due_on, requested_by=actor, requested_at=timezone.now(),
        )
        audit.record(actor=actor, action="use.loan_requested", target=loan,
                     details={"carrier": locked.registry_number, "borrower": borrower.pk, "purpose": purpose,
                              "due_on": due_on, "credential": facts})
    return loan


def lend(*, actor, password: str, loan_id, declared_count: int = 1) -> Loan:
    """The holder (the secrecy office) lends: a "lending" handover to the borrower, counted and
    signed by the lender. The credential is checked again. The carrier stays the lender's until
    the borrower counts and signs (accept)."""
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        carrier = Carrier.objects.select_for_update().get(pk=loan.carrier_id)
        facts = credential(user=loan.borrower, carrier=carrier)
        enforce([
            *policy.lend_refusals(actor, loan, carrier),
            rules.person_credential(active=facts["active"], clearance=facts["clearance"], level=carrier.level,
                                    in_scope=facts["in_scope"], field="borrower", who=_("The borrower")),
            rules.due_date(due_on=loan.due_on, today=timezone.localdate(), max_days=loan_max_days()),
            rules.not_circulating(busy=_circulating(carrier)),
        ])
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=loan.borrower, carriers=[carrier], declared_count=declared_count,
            kind=Handover.Kind.LENDING, note=_("Loan #%(id)s, due %(due)s") % {"id": loan.pk, "due": loan.due_on},
        )
        loan.status = Loan.Status.LENDING
        loan.lender = actor
        loan.lend_handover = handover
        _save_loan(loan, ["status", "lender", "lend_handover"])
        audit.record(actor=actor, action="use.loan_lent", target=loan,
                     details={"handover": handover.pk, "lender": actor.pk, "due_on": loan.due_on})
    return loan


def _save_loan(loan: Loan, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            loan.save(update_fields=fields)
    except IntegrityError:
        raise Conflict(_("This carrier is already out on another loan."), code="loan_open") from None


def accept_loan(*, actor, password: str, loan_id, counted_count: int) -> Loan:
    """The borrower counts and signs for the carrier: it is theirs, on loan, until returned."""
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        enforce(policy.accept_refusals(actor, loan))
        handover = carrier_services.accept_handover(
            actor=actor, password=password, handover_id=loan.lend_handover_id, counted_count=counted_count,
            status_on_accept=Carrier.Status.ON_LOAN,
        )
        loan.status = Loan.Status.ON_LOAN
        loan.lent_at = handover.completed_at
        _save_loan(loan, ["status", "lent_at"])
        audit.record(actor=actor, action="use.loan_accepted", target=loan,
                     details={"handover": handover.pk, "counted_count": counted_count, "due_on": loan.due_on})
    return loan


def return_loan(*, actor, password: str, loan_id, declared_count: int = 1, taker=None) -> Loan:
    """The borrower returns the carrier: a "return" handover to the lender, and to nobody else,
    counted and signed. It stays the borrower's until the lender counts and signs."""
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        enforce(policy.return_refusals(actor, loan, taker))
        carrier = Carrier.objects.select_for_update().get(pk=loan.carrier_id)
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=loan.lender, carriers=[carrier], declared_count=declared_count,
            kind=Handover.Kind.RETURN, note=_("Return of loan #%(id)s") % {"id": loan.pk},
        )
        loan.status = Loan.Status.RETURNING
        loan.return_handover = handover
        _save_loan(loan, ["status", "return_handover"])
        audit.record(actor=actor, action="use.loan_returned", target=loan, details={"handover": handover.pk})
    return loan


def take_back(*, actor, password: str, loan_id, counted_count: int, container) -> Loan:
    """The lender counts, checks and signs for the returned carrier and puts it away: the loan is
    closed and its overdue alert, if any, resolved at once."""
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        enforce(policy.take_back_refusals(actor, loan))
        handover = carrier_services.accept_handover(
            actor=actor, password=password, handover_id=loan.return_handover_id, counted_count=counted_count,
            container=container, status_on_accept=Carrier.Status.IN_CUSTODY,
        )
        loan.status = Loan.Status.RETURNED
        loan.returned_at = handover.completed_at
        _save_loan(loan, ["status", "returned_at"])
        late = timezone.localdate(loan.returned_at) > loan.due_on  # due_on is a day in the local time zone
        audit.record(actor=actor, action="use.loan_closed", target=loan,
                     details={"handover": handover.pk, "counted_count": counted_count, "container": container.pk,
                              "late": late})
        alerts.resolve_for_target(kind=OVERDUE_KIND, target=loan, reason="returned")
        LoanExtension.objects.filter(loan=loan, status=LoanExtension.Status.PENDING).update(
            status=LoanExtension.Status.WITHDRAWN, decided_at=timezone.now())
    return loan


def cancel_loan(*, actor, loan_id, reason: str = "") -> Loan:
    """Before the carrier is handed over: the borrower withdraws a request, or the lender's side
    refuses it; the lender may also call back a lending handover the borrower has not signed."""
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        carrier_holder = Carrier.objects.filter(pk=loan.carrier_id).values_list("holder_id", flat=True).first()
        enforce(policy.cancel_loan_refusals(actor, loan, carrier_holder))
        if loan.status == Loan.Status.LENDING:
            carrier_services.cancel_handover(actor=actor, handover_id=loan.lend_handover_id,
                                             reason=reason or "loan cancelled")
        loan.status = Loan.Status.CANCELLED
        loan.cancelled_reason = reason
        _save_loan(loan, ["status", "cancelled_reason"])
        audit.record(actor=actor, action="use.loan_cancelled", target=loan, details={"reason": reason})
    return loan


def request_extension(*, actor, loan_id, due_on, reason: str) -> LoanExtension:
    """The borrower asks to keep the carrier longer; decided as an approval request of kind
    loan_extension (by policy); approved, the due date moves."""
    today = timezone.localdate()
    with transaction.atomic():
        loan = _locked(Loan, actor, loan_id)
        enforce([rules.is_borrower(actor_id=actor.pk, borrower_id=loan.borrower_id)])
        enforce(rules.extension_fits(
            requested=due_on, current_due=loan.due_on, today=today, max_days=loan_max_days(),
            has_pending=loan.extensions.filter(status=LoanExtension.Status.PENDING).exists(), status=loan.status,
        ))
        extension = LoanExtension.objects.create(loan=loan, previous_due_on=loan.due_on, requested_due_on=due_on,
                                                 reason=reason, requested_at=timezone.now())
        registry_number = Carrier.objects.filter(pk=loan.carrier_id).values_list("registry_number", flat=True).get()
        extension.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.LOAN_EXTENSION, level=loan.level,
            title=_("Keep %(number)s on loan until %(due)s") % {"number": registry_number, "due": due_on},
            purpose=reason, target=extension,
        )
        extension.save(update_fields=["approval"])
        audit.record(actor=actor, action="use.extension_requested", target=loan,
                     details={"extension": extension.pk, "due_on": due_on, "previous_due_on": loan.due_on,
                              "reason": reason, "approval": extension.approval_id})
    return extension


_EXTENSION_STATUS = {
    ApprovalRequest.Status.APPROVED: LoanExtension.Status.APPROVED,
    ApprovalRequest.Status.REJECTED: LoanExtension.Status.REJECTED,
    ApprovalRequest.Status.WITHDRAWN: LoanExtension.Status.WITHDRAWN,
    ApprovalRequest.Status.EXPIRED: LoanExtension.Status.WITHDRAWN,
}


def _extension_outcome(request: ApprovalRequest, *, actor) -> None:
    """The decision on an extension, inside its transaction: approved while the carrier is still
    out, the loan's due date moves (and an overdue alert is resolved if it is no longer due)."""
    status = _EXTENSION_STATUS.get(request.status)
    extension = LoanExtension.objects.select_for_update().filter(approval_id=request.pk).first()
    if status is None or extension is None or extension.status != LoanExtension.Status.PENDING:
        return
    extension.status = status
    extension.decided_at = timezone.now()
    extension.save(update_fields=["status", "decided_at"])
    loan = Loan.objects.select_for_update().get(pk=extension.loan_id)
    moved = status == LoanExtension.Status.APPROVED and loan.status in Loan.OUT_STATUSES
    if moved:
        loan.due_on = extension.requested_due_on
        loan.save(update_fields=["due_on"])
        if loan.due_on >= timezone.localdate():
            alerts.resolve_for_target(kind=OVERDUE_KIND, target=loan, reason="extended")
    audit.record(actor=actor, action="use.extension_decided", target=loan,
                 details={"extension": extension.pk, "approval": request.pk, "status": status,
                          "due_on": loan.due_on, "moved": moved})


approvals.OUTCOME_HANDLERS[RequestKind.LOAN_EXTENSION] = _extension_outcome
