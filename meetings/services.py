"""Every write of confidential meetings (R8). One function per action, keyword-only arguments, one
transaction each, the rules checked before anything is written, the audit events inside the same
transaction.

- The secrecy office records the venues approved for meetings up to a level.
- The organiser plans a meeting (level, time, approved venue) and its attendee list: only active
  people whose clearance reaches the level get on it. The list goes through approval (approvals
  kind "meeting", the request targets the meeting); nobody signs in and nothing is handed out
  before it is approved.
- Attendees on the list sign in (themselves, or the organiser or the secrecy office records it).
- Distribution is a handover (kind "meeting") from the organiser to a signed-in attendee: the
  organiser lists, counts and signs, the carriers become "in a meeting"; the attendee counts and
  signs and holds them. Returning is a handover (kind "return") back to the organiser, after which
  the carriers are in custody again. A copy the attendee may keep needs the organiser's signed
  approval, then passes (kind "meeting") to the secrecy office of the attendee's unit.
- The return check at the end: every copy returned, kept with approval, or declared missing.
  Closing with copies unaccounted for is refused; missing copies become "lost", raise an alert at
  once (check meeting_copy_missing) and may open an incident."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
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
from personnel import roles
from personnel.models import Person

from . import policy, rules
from .checks import MISSING_CHECK
from .models import Attendee, Meeting, MeetingCopy, MeetingVenue


def _name(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def _registered(actor) -> Person:
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can do this."))
    return person


def _locked_meeting(*, actor, meeting_id) -> Meeting:
    """The meeting, locked, if this user may see it; 404 exactly as if it did not exist."""
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not access.restrict(Meeting.objects.filter(pk=meeting_id), actor).exists():
        raise Http404
    return Meeting.objects.select_for_update(of=("self",)).select_related("venue", "organiser__person").get(pk=meeting_id)


_status = policy.status_refusal


# --- venues ---------------------------------------------------------------------------------------


def create_venue(
    *, actor, name_zh: str, name_en: str, max_level: int, approval_reference: str = "", location: str = "",
) -> MeetingVenue:
    """The secrecy office records a meeting venue of its unit, approved up to a level (without an
    approval reference it is recorded but not approved)."""
    person = _registered(actor)
    enforce([policy.manage_venues_refusal(actor)])
    with transaction.atomic():
        venue = MeetingVenue.objects.create(
            unit_id=person.unit_id, name_zh=name_zh, name_en=name_en, location=location, max_level=max_level,
            approval_reference=approval_reference, created_by=actor,
        )
        audit.record(actor=actor, action="meeting.venue_created", target=venue,
                     details={"unit": person.unit_id, "name_zh": name_zh, "name_en": name_en, "location": location,
                              "max_level": max_level, "approval_reference": approval_reference})
    return venue


def set_venue_active(*, actor, venue_id, is_active: bool) -> MeetingVenue:
    """The secrecy office takes a venue out of use (or back into use)."""
    _registered(actor)
    enforce([policy.manage_venues_refusal(actor)])
    with transaction.atomic():
        venue = access.restrict(MeetingVenue.objects.filter(pk=venue_id), actor).select_for_update().first()
        if venue is None:
            raise Http404
        venue.is_active = is_active
        venue.save(update_fields=["is_active"])
        audit.record(actor=actor, action="meeting.venue_changed", target=venue, details={"is_active": is_active})
    return venue


def _venue_violation(venue: MeetingVenue, *, unit_id: int, level: int):
    return rules.venue_approved(
        approval_reference=venue.approval_reference, is_active=venue.is_active, max_level=venue.max_level,
        same_unit=venue.unit_id == unit_id, level=level,
    )


# --- the meeting and its attendee list ------------------------------------------------------------


def _attendee_facts(users) -> list[dict]:
    people = {p.user_id: p for p in Person.objects.filter(user_id__in=[u.pk for u in users])}
    facts = []
    for user in users:
        person = people.get(user.pk)
        facts.append({
            "name": person.full_name if person else user.get_username(),
            "active": bool(person and person.status == Person.Status.ACTIVE and user.is_active),
            "clearance": person.clearance if person else 0,
        })
    return facts


def create_meeting(
    *, actor, title: str, level: int, starts_at, ends_at, venue: MeetingVenue, purpose: str = "", attendees=(),
) -> Meeting:
    """The organiser plans a meeting at an approved venue; the attendees given are checked as
    add_attendees does. The actor is the organiser."""
    person = _registered(actor)
    attendees = list(dict.fromkeys(attendees))
    enforce([
        rules.organiser_cleared(clearance=person.clearance, level=level),
        rules.period_valid(starts_at=starts_at, ends_at=ends_at),
        rules.not_over(ends_at=ends_at, now=timezone.now()),
        _venue_violation(venue, unit_id=person.unit_id, level=level),
        rules.attendees_cleared(people=_attendee_facts(attendees), level=level) if attendees else None,
    ])
    with transaction.atomic():
        meeting = Meeting.objects.create(
            unit_id=person.unit_id, department_id=person.department_id, title=title, level=level,
            starts_at=starts_at, ends_at=ends_at, venue=venue, organiser=actor, purpose=purpose,
        )
        Attendee.objects.bulk_create(Attendee(meeting=meeting, user=user, added_by=actor) for user in attendees)
        audit.record(actor=actor, action="meeting.created", target=meeting, details={
            "title": title, "level": level, "starts_at": starts_at, "ends_at": ends_at, "venue": venue.pk,
            "organiser": actor.pk, "purpose": purpose, "attendees": sorted(u.pk for u in attendees),
        })
    return meeting


def add_attendees(*, actor, meeting_id, users) -> list[Attendee]:
    """R8: only active people whose clearance reaches the meeting's level; the refusal names each
    one and why. Only while the meeting is being planned (the approved list is what was signed)."""
    users = list(dict.fromkeys(users))
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        already = dict(meeting.attendees.filter(user__in=users).values_list("user_id", "user__person__full_name"))
        enforce([
            policy.organiser_or_office_refusal(actor, meeting),
            _status(meeting, Meeting.Status.PLANNING),
            rules.attendees_cleared(people=_attendee_facts(users), level=meeting.level),
            rules.not_listed_twice(already=[str(name) for name in already.values()]),
        ])
        rows = Attendee.objects.bulk_create(Attendee(meeting=meeting, user=user, added_by=actor) for user in users)
        audit.record(actor=actor, action="meeting.attendees_added", target=meeting,
                     details={"attendees": sorted(u.pk for u in users)})
    return rows


def remove_attendee(*, actor, meeting_id, user) -> Meeting:
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        enforce([
            policy.organiser_or_office_refusal(actor, meeting),
            _status(meeting, Meeting.Status.PLANNING),
        ])
        row = meeting.attendees.filter(user=user).first()
        enforce([rules.on_the_list(listed=row is not None, name=_name(user))])
        row.delete()
        audit.record(actor=actor, action="meeting.attendee_removed", target=meeting, details={"attendee": user.pk})
    return meeting


def terms_of(meeting: Meeting) -> dict:
    """What the approver signs: the meeting and its attendee list (JSON-plain values)."""
    return {
        "meeting": meeting.pk, "title": meeting.title, "level": meeting.level,
        "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
        "venue": meeting.venue_id, "organiser": meeting.organiser_id,
        "attendees": sorted(meeting.attendees.values_list("user_id", flat=True)),
    }


def submit_for_approval(*, actor, meeting_id, purpose: str = "") -> Meeting:
    """The organiser submits the meeting and its attendee list for approval (kind "meeting"). The
    list is frozen while it waits; a rejection brings the meeting back to planning."""
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        users = [a.user for a in meeting.attendees.select_related("user")]
        enforce([
            policy.organiser_refusal(actor, meeting),
            _status(meeting, Meeting.Status.PLANNING),
            rules.has_attendees(count=len(users)),
            _venue_violation(meeting.venue, unit_id=meeting.unit_id, level=meeting.level),
            rules.attendees_cleared(people=_attendee_facts(users), level=meeting.level) if users else None,
        ])
        meeting.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.MEETING, level=meeting.level, title=meeting.title,
            purpose=purpose or meeting.purpose or meeting.title, target=meeting,
        )
        meeting.status = Meeting.Status.SUBMITTED
        meeting.save(update_fields=["approval", "status"])
        audit.record(actor=actor, action="meeting.submitted", target=meeting,
                     details={"approval": meeting.approval_id, **terms_of(meeting)})
    return meeting


def _signed_terms(request: ApprovalRequest) -> dict | None:
    meeting = Meeting.objects.filter(approval_id=request.pk).first()
    return terms_of(meeting) if meeting is not None else None


def _meeting_outcome(request: ApprovalRequest, *, actor) -> None:
    """The approval's final outcome, mirrored on the meeting (inside its transaction): approved, or
    back to planning (rejected, withdrawn, expired)."""
    meeting = Meeting.objects.select_for_update().filter(approval_id=request.pk).first()
    if meeting is None or meeting.status != Meeting.Status.SUBMITTED:
        return
    approved = request.status == ApprovalRequest.Status.APPROVED
    meeting.status = Meeting.Status.APPROVED if approved else Meeting.Status.PLANNING
    meeting.save(update_fields=["status"])
    audit.record(actor=actor, action="meeting.list_decided", target=meeting,
                 details={"approval": request.pk, "outcome": request.status, "status": meeting.status})


approvals.OUTCOME_HANDLERS[RequestKind.MEETING] = _meeting_outcome
approvals.SIGNED_TERMS[RequestKind.MEETING] = _signed_terms


# --- sign-in ---------------------------------------------------------------------------------------


def sign_in(*, actor, meeting_id, user=None) -> Attendee:
    """An attendee signs in (user None: the actor themselves), or the organiser or the secrecy
    office records it, with the time. Anyone off the approved list is refused (R8)."""
    user = user or actor
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        row = meeting.attendees.select_for_update().filter(user_id=user.pk).first()
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            policy.sign_in_refusal(actor, meeting, user),
            rules.on_the_list(listed=row is not None, name=_name(user)),
            rules.not_signed_in_yet(signed_in=bool(row and row.signed_in_at), name=_name(user)),
        ])
        row.signed_in_at = timezone.now()
        row.signed_in_by = actor
        row.save(update_fields=["signed_in_at", "signed_in_by"])
        audit.record(actor=actor, action="meeting.signed_in", target=meeting,
                     details={"attendee": user.pk, "recorded_by": actor.pk, "at": row.signed_in_at})
    return row


# --- distribution, receipt, return, keeping ---------------------------------------------------------


def _reconcile(meeting: Meeting, *, actor) -> None:
    """Meeting handovers completed or cancelled outside the meeting's own actions (e.g. through the
    generic handover endpoints) are brought into the meeting's record, so that its copies never
    stay "in between" and the return check stays true. Runs under the meeting's lock."""
    copies = list(
        MeetingCopy.objects.select_for_update(of=("self",)).filter(meeting=meeting, state__in=(
            MeetingCopy.State.HANDED_OUT, MeetingCopy.State.RETURNING, MeetingCopy.State.KEEPING,
        )).select_related("carrier", "handover", "return_handover", "keep_handover")
    )
    changed, changed_carriers = [], []
    for copy in copies:
        handover = {MeetingCopy.State.HANDED_OUT: copy.handover, MeetingCopy.State.RETURNING: copy.return_handover,
                    MeetingCopy.State.KEEPING: copy.keep_handover}[copy.state]
        if handover.status == Handover.Status.PENDING:
            continue
        done = handover.status == Handover.Status.COMPLETED
        before = copy.state
        if copy.state == MeetingCopy.State.HANDED_OUT:
            copy.state = MeetingCopy.State.RECEIVED if done else MeetingCopy.State.WITHDRAWN
            copy.received_at = handover.completed_at if done else None
            back_in_custody = not done
        elif copy.state == MeetingCopy.State.RETURNING:
            copy.state = MeetingCopy.State.RETURNED if done else (
                MeetingCopy.State.KEEP_APPROVED if copy.keep_signature_id else MeetingCopy.State.RECEIVED)
            copy.returned_at = handover.completed_at if done else None
            copy.return_handover = copy.return_handover if done else None
            back_in_custody = done
        else:
            copy.state = MeetingCopy.State.KEPT if done else MeetingCopy.State.KEEP_APPROVED
            copy.kept_at = handover.completed_at if done else None
            copy.keep_handover = copy.keep_handover if done else None
            back_in_custody = done
        if back_in_custody and Carrier.objects.filter(pk=copy.carrier_id, status=Carrier.Status.IN_MEETING).exists():
            carrier_services.transition(carrier=copy.carrier, to_status=Carrier.Status.IN_CUSTODY, actor=actor,
                                        reason=f"meeting {meeting.pk}: handover {handover.pk} {handover.status}",
                                        details={"handover": handover.pk})
        copy.save(update_fields=["state", "received_at", "returned_at", "kept_at", "return_handover", "keep_handover"])
        changed.append({"carrier": copy.carrier.registry_number, "from": before, "to": copy.state,
                        "handover": handover.pk})
        changed_carriers.append(copy.carrier_id)
    if changed:
        audit.record(actor=actor, action="meeting.reconciled", target=meeting, details={"copies": changed},
                     carriers=changed_carriers)



def distribute(*, actor, password: str, meeting_id, attendee, carriers: list, declared_count: int) -> Handover:
    """The organiser hands numbered, registered copies to a signed-in attendee: a handover of kind
    "meeting", counted and signed; the carriers are "in a meeting" from now on and the attendee's
    once they count and sign (receive)."""
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        row = meeting.attendees.filter(user_id=attendee.pk).first()
        locked = list(Carrier.objects.select_for_update().filter(pk__in=[c.pk for c in carriers]).order_by("pk"))
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            policy.organiser_refusal(actor, meeting),
            rules.on_the_list(listed=row is not None, name=_name(attendee)),
            rules.signed_in(signed_in=bool(row.signed_in_at), name=_name(attendee)) if row else None,
            rules.within_meeting_level(levels={c.registry_number: c.level for c in locked}, level=meeting.level),
            rules.numbered(copy_numbers={c.registry_number: c.copy_number for c in locked}),
        ])
        # the holder check, status, count, clearance, scope, signature and the one-open-handover lock: the core's
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=attendee, carriers=locked, declared_count=declared_count,
            kind=Handover.Kind.MEETING, note=f"meeting {meeting.pk}", status_on_start=Carrier.Status.IN_MEETING,
        )
        try:
            with transaction.atomic():
                MeetingCopy.objects.bulk_create(
                    MeetingCopy(meeting=meeting, attendee=row, carrier=c, handover=handover,
                                handed_out_at=handover.giver_signature.signed_at)
                    for c in locked
                )
        except IntegrityError:
            raise Conflict(_("One of these carriers is already out at a meeting; reload and try again."),
                           code="copy_out") from None
        audit.record(actor=actor, action="meeting.distributed", target=meeting, details={
            "attendee": attendee.pk, "handover": handover.pk, "count": declared_count,
            "carriers": sorted(c.registry_number for c in locked),
        }, carriers=locked)  # the details name them: the trail shows the event only with all of them
    return handover


def _copies_of_handover(meeting: Meeting, handover_id: int):
    return list(
        MeetingCopy.objects.select_for_update(of=("self",)).filter(meeting=meeting)
        .filter(Q(handover_id=handover_id) | Q(return_handover_id=handover_id) | Q(keep_handover_id=handover_id))
        .select_related("carrier")
    )


def _stage_of(copies, handover_id: int) -> str:
    first = copies[0]
    if first.handover_id == handover_id and first.state == MeetingCopy.State.HANDED_OUT:
        return "distribution"
    if first.return_handover_id == handover_id and first.state == MeetingCopy.State.RETURNING:
        return "return"
    if first.keep_handover_id == handover_id and first.state == MeetingCopy.State.KEEPING:
        return "keep"
    return "closed"


# what the taker's signature completes, by stage: the copy's new state, its time field, the audit action
RECEIPT_OUTCOMES = {
    "distribution": (MeetingCopy.State.RECEIVED, "received_at", "meeting.received"),
    "return": (MeetingCopy.State.RETURNED, "returned_at", "meeting.returned"),
    "keep": (MeetingCopy.State.KEPT, "kept_at", "meeting.kept"),
}


def receive(*, actor, password: str, meeting_id, handover_id, counted_count: int, container=None) -> Handover:
    """The taker of a meeting handover counts and signs: an attendee for the copies handed to them
    (they hold them, still in a meeting), the organiser for copies handed back (in custody again,
    in `container` if given), the unit's secrecy office for copies kept after the meeting (in the
    unit's custody)."""
    try:
        handover_id = int(handover_id)
    except (TypeError, ValueError):
        raise Http404 from None
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        copies = _copies_of_handover(meeting, handover_id)
        if not copies or not Handover.objects.filter(pk=handover_id, taker_id=actor.pk).exists():
            raise Http404
        stage = _stage_of(copies, handover_id)
        if stage == "closed":
            raise Conflict(_("This handover is already completed or withdrawn."), code="handover_closed")
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        carrier_services.accept_handover(
            actor=actor, password=password, handover_id=handover_id, counted_count=counted_count,
            container=container if stage != "distribution" else None,
            status_on_accept=None if stage == "distribution" else Carrier.Status.IN_CUSTODY,
        )
        state, stamp, action = RECEIPT_OUTCOMES[stage]
        MeetingCopy.objects.filter(pk__in=[c.pk for c in copies]).update(state=state, **{stamp: timezone.now()})
        audit.record(actor=actor, action=action, target=meeting, details={
            "handover": handover_id, "counted_count": counted_count,
            "carriers": sorted(c.carrier.registry_number for c in copies),
            "container": container.pk if container is not None and stage != "distribution" else None,
        }, carriers=[c.carrier_id for c in copies])
    return Handover.objects.get(pk=handover_id)


def _my_copies(meeting: Meeting, actor, carriers, states) -> tuple[list, dict]:
    """The copies of these carriers this actor has from this meeting (locked), and the state of
    each carrier named (registry number -> state, "none" when it is not theirs from this meeting)."""
    ids = [c.pk for c in carriers]
    copies = list(
        MeetingCopy.objects.select_for_update(of=("self",)).filter(
            meeting=meeting, carrier_id__in=ids, attendee__user_id=actor.pk, state__in=MeetingCopy.OPEN,
        ).select_related("carrier", "attendee")
    )
    by_carrier = {c.carrier_id: c for c in copies}
    facts = {c.registry_number: (by_carrier[c.pk].state if c.pk in by_carrier else "none") for c in carriers}
    return [c for c in copies if c.state in states], facts


def return_copies(*, actor, password: str, meeting_id, carriers: list, declared_count: int) -> Handover:
    """An attendee hands copies back to the organiser: a handover of kind "return", counted and
    signed; the organiser counts and signs (receive) and the copies are in custody again."""
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        copies, states = _my_copies(meeting, actor, carriers, (MeetingCopy.State.RECEIVED,
                                                               MeetingCopy.State.KEEP_APPROVED))
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            rules.copies_in_state(states=states, allowed=(MeetingCopy.State.RECEIVED, MeetingCopy.State.KEEP_APPROVED),
                                  message=_("%(numbers)s: you do not hold it from this meeting, so you cannot hand it back.")),
        ])
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=meeting.organiser, carriers=[c.carrier for c in copies],
            declared_count=declared_count, kind=Handover.Kind.RETURN, note=f"meeting {meeting.pk}",
        )
        MeetingCopy.objects.filter(pk__in=[c.pk for c in copies]).update(
            state=MeetingCopy.State.RETURNING, return_handover=handover
        )
        audit.record(actor=actor, action="meeting.return_started", target=meeting, details={
            "handover": handover.pk, "count": declared_count,
            "carriers": sorted(c.carrier.registry_number for c in copies),
        }, carriers=[c.carrier_id for c in copies])
    return handover


def approve_keeping(*, actor, password: str, meeting_id, carriers: list, reason: str) -> list[MeetingCopy]:
    """R8: the organiser decides, and signs, that an attendee may keep these copies after the
    meeting; they must then pass to the secrecy office of the attendee's unit (pass_to_unit)."""
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        ids = [c.pk for c in carriers]
        copies = list(MeetingCopy.objects.select_for_update(of=("self",)).filter(
            meeting=meeting, carrier_id__in=ids, state__in=MeetingCopy.OPEN).select_related("carrier", "attendee"))
        by_carrier = {c.carrier_id: c for c in copies}
        states = {c.registry_number: (by_carrier[c.pk].state if c.pk in by_carrier else "none") for c in carriers}
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            policy.organiser_refusal(actor, meeting),
            rules.copies_in_state(states=states, allowed=(MeetingCopy.State.RECEIVED,),
                                  message=_("%(numbers)s: not with an attendee now, so there is nothing to approve keeping.")),
            rules.keep_reason_given(reason=reason),
        ])
        credential = audit.reauthenticate(signer=actor, password=password)
        content = {
            "meeting": meeting.pk, "decision": "may_keep", "reason": reason,
            "copies": sorted([c.carrier.registry_number, c.attendee.user_id] for c in copies),
        }
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.APPROVED, target=meeting,
                               content=content)
        MeetingCopy.objects.filter(pk__in=[c.pk for c in copies]).update(
            state=MeetingCopy.State.KEEP_APPROVED, keep_reason=reason, keep_signature=signature
        )
        audit.record(actor=actor, action="meeting.keep_approved", target=meeting,
                     details={**content, "signature": signature.pk}, carriers=[c.carrier_id for c in copies])
    return copies


def pass_to_unit(*, actor, password: str, meeting_id, carriers: list, declared_count: int, taker) -> Handover:
    """R8: an attendee passes copies they may keep to the secrecy office of their unit (a handover
    of kind "meeting"); once the office counts and signs, the copies are in the unit's custody."""
    person = _registered(actor)
    taker_person = Person.objects.filter(user_id=taker.pk).first()
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        copies, states = _my_copies(meeting, actor, carriers, (MeetingCopy.State.KEEP_APPROVED,))
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            rules.copies_in_state(states=states, allowed=(MeetingCopy.State.KEEP_APPROVED,),
                                  message=_("%(numbers)s: the organiser has not approved that you keep it; hand it back instead.")),
            rules.keeper_is_unit_office(
                is_office=access.has_role(taker, roles.SECRECY_OFFICE),
                same_unit=bool(taker_person and taker_person.unit_id == person.unit_id),
                active=bool(taker_person and taker_person.status == Person.Status.ACTIVE and taker.is_active),
            ),
        ])
        handover = carrier_services.start_handover(
            actor=actor, password=password, taker=taker, carriers=[c.carrier for c in copies],
            declared_count=declared_count, kind=Handover.Kind.MEETING, note=f"meeting {meeting.pk}: kept",
        )
        MeetingCopy.objects.filter(pk__in=[c.pk for c in copies]).update(
            state=MeetingCopy.State.KEEPING, keep_handover=handover
        )
        audit.record(actor=actor, action="meeting.keep_started", target=meeting, details={
            "handover": handover.pk, "taker": taker.pk, "count": declared_count,
            "carriers": sorted(c.carrier.registry_number for c in copies),
        }, carriers=[c.carrier_id for c in copies])
    return handover


def withdraw(*, actor, meeting_id, handover_id, reason: str) -> Handover:
    """The giver takes back a meeting handover the taker has not signed: copies handed out are
    withdrawn (in custody again, with the organiser); copies being handed back or passed to the
    unit stay with the attendee as before."""
    try:
        handover_id = int(handover_id)
    except (TypeError, ValueError):
        raise Http404 from None
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        copies = _copies_of_handover(meeting, handover_id)
        if not copies or not Handover.objects.filter(pk=handover_id, giver_id=actor.pk).exists():
            raise Http404
        stage = _stage_of(copies, handover_id)
        if stage == "closed":
            raise Conflict(_("This handover is already completed or withdrawn."), code="handover_closed")
        carrier_services.cancel_handover(actor=actor, handover_id=handover_id, reason=reason)
        ids = [c.pk for c in copies]
        if stage == "distribution":
            for copy in copies:
                carrier_services.transition(carrier=copy.carrier, to_status=Carrier.Status.IN_CUSTODY, actor=actor,
                                            reason=f"meeting {meeting.pk}: withdrawn", details={"handover": handover_id})
            MeetingCopy.objects.filter(pk__in=ids).update(state=MeetingCopy.State.WITHDRAWN)
        elif stage == "return":
            MeetingCopy.objects.filter(pk__in=ids, keep_signature__isnull=True).update(
                state=MeetingCopy.State.RECEIVED, return_handover=None)
            MeetingCopy.objects.filter(pk__in=ids, keep_signature__isnull=False).update(
                state=MeetingCopy.State.KEEP_APPROVED, return_handover=None)
        else:
            MeetingCopy.objects.filter(pk__in=ids).update(state=MeetingCopy.State.KEEP_APPROVED, keep_handover=None)
        audit.record(actor=actor, action="meeting.handover_withdrawn", target=meeting, details={
            "handover": handover_id, "stage": stage, "reason": reason,
            "carriers": sorted(c.carrier.registry_number for c in copies),
        }, carriers=[c.carrier_id for c in copies])
    return Handover.objects.get(pk=handover_id)


# --- the end: return check and close ----------------------------------------------------------------


DECLARABLE = (MeetingCopy.State.RECEIVED, MeetingCopy.State.KEEP_APPROVED)


def close(
    *, actor, password: str, meeting_id, missing=(), missing_note: str = "", report_incident: bool = False,
) -> Meeting:
    """The return check and the end of the meeting, signed by the organiser or the secrecy office:
    every copy must be returned, kept with approval (in the unit's custody) or declared missing
    here (`missing`: carrier ids of copies still with an attendee). Missing copies become lost,
    raise an alert at once and, with `report_incident`, open a loss incident."""
    missing = {int(getattr(c, "pk", c)) for c in missing}
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting_id=meeting_id)
        _reconcile(meeting, actor=actor)
        outstanding = list(
            MeetingCopy.objects.select_for_update(of=("self",)).filter(meeting=meeting, state__in=MeetingCopy.OPEN)
            .select_related("carrier", "attendee__user")
        )
        by_carrier = {c.carrier_id: c for c in outstanding}
        declared = [by_carrier[pk] for pk in sorted(missing) if pk in by_carrier and by_carrier[pk].state in DECLARABLE]
        known = dict(access.restrict(Carrier.objects.filter(pk__in=missing), actor).values_list("pk", "registry_number"))
        enforce([_status(meeting, Meeting.Status.APPROVED)])
        enforce([
            policy.organiser_or_office_refusal(actor, meeting),
            rules.missing_are_outstanding(not_outstanding=[
                known.get(pk, str(pk)) for pk in missing
                if pk not in by_carrier or by_carrier[pk].state not in DECLARABLE
            ]),
            rules.all_accounted(unaccounted=[c.carrier.registry_number for c in outstanding if c.carrier_id not in missing]),
            rules.missing_explained(missing=declared, note=missing_note),
        ])
        credential = audit.reauthenticate(signer=actor, password=password)
        now = timezone.now()
        for copy in declared:
            carrier_services.transition(
                carrier=copy.carrier, to_status=Carrier.Status.LOST, actor=actor,
                reason=f"meeting {meeting.pk}: missing at the return check",
                details={"meeting": meeting.pk, "last_holder": copy.attendee.user_id},
            )
        MeetingCopy.objects.filter(pk__in=[c.pk for c in declared]).update(
            state=MeetingCopy.State.MISSING, missing_at=now, missing_by=actor, missing_note=missing_note,
        )
        check = {
            "meeting": meeting.pk, "title": meeting.title,
            "returned": sorted(meeting.copies.filter(state=MeetingCopy.State.RETURNED)
                               .values_list("carrier__registry_number", flat=True)),
            "kept": sorted(meeting.copies.filter(state=MeetingCopy.State.KEPT)
                           .values_list("carrier__registry_number", flat=True)),
            "missing": sorted(c.carrier.registry_number for c in declared),
            "missing_note": missing_note,
        }
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED, target=meeting,
                               content=check)
        if declared and report_incident:
            from incidents import services as incidents

            holders = {c.attendee.user_id for c in declared}
            incident = incidents.report_incident(
                actor=actor, kind="loss", unit=meeting.unit, carriers=[c.carrier for c in declared],
                summary=_("Copies missing at the return check of a confidential meeting (#%(id)s): %(numbers)s.")
                % {"id": meeting.pk, "numbers": ", ".join(check["missing"])},
                last_seen=missing_note, last_holder=declared[0].attendee.user if len(holders) == 1 else None,
                source=f"meeting:{meeting.pk}",
            )
            meeting.incident_number = incident.number
        meeting.status = Meeting.Status.CLOSED
        meeting.closed_at = signature.signed_at
        meeting.closed_by = actor
        meeting.close_signature = signature
        meeting.save(update_fields=["status", "closed_at", "closed_by", "close_signature", "incident_number"])
        audit.record(actor=actor, action="meeting.closed", target=meeting, details={
            **check, "signature": signature.pk, "incident": meeting.incident_number,
        }, carriers=[*meeting.copies.filter(state__in=[MeetingCopy.State.RETURNED, MeetingCopy.State.KEPT])
                     .values_list("carrier_id", flat=True), *(c.carrier_id for c in declared)])
        if declared:
            # the alert at once, not at the next scheduled run
            alerts.run_checks(only=MISSING_CHECK, now=now)
    return meeting


def office_people(*, unit_id: int):
    """Active secrecy-office staff of a unit (who may take kept copies into the unit's custody)."""
    return get_user_model().objects.filter(
        is_active=True, groups__name=roles.SECRECY_OFFICE, person__status=Person.Status.ACTIVE,
        person__unit_id=unit_id,
    ).distinct()
