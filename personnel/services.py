"""Writes for units and people, audited."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import tokens as account_tokens
from approvals import kit
from audit import services as audit
from common import access
from common.errors import enforce

from . import policy
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


def create_unit(*, actor, code: str, name_zh: str, name_en: str, parent: Unit | None = None) -> Unit:
    with transaction.atomic():
        unit = Unit.objects.create(
            code=code, name_zh=name_zh, name_en=name_en, parent=parent,
            kind=Unit.Kind.DEPARTMENT if parent else Unit.Kind.UNIT,
        )
        audit.record(actor=actor, action="unit.created", target=unit,
                     details={"code": code, "name_zh": name_zh, "name_en": name_en, "parent": parent and parent.pk})
    return unit


def create_person(
    *, actor, username: str, password: str, full_name: str, employee_number: str, unit: Unit,
    department: Unit | None, secrecy_post: str, roles: list[str], email: str = "",
) -> Person:
    # AUTH_PASSWORD_VALIDATORS wherever a password is set: refused (400, password) before anything is written
    from accounts.services import validate_new_password

    validate_new_password(password, user=get_user_model()(username=username, email=email))
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password, email=email)
        user.groups.set(Group.objects.filter(name__in=roles))
        person = Person.objects.create(
            user=user, full_name=full_name, employee_number=employee_number, unit=unit,
            department=department, secrecy_post=secrecy_post,
        )
        audit.record(
            actor=actor, action="person.created", target=person,
            details={"username": username, "unit": unit.pk, "department": department and department.pk,
                     "secrecy_post": secrecy_post, "roles": sorted(roles)},
        )
    return person


APPROVER_ROLES = ("department_head", "unit_head", "secrecy_office")
# how a departure hands over a role of roles.FOUR_EYES_ROLES: not at once but as the administrators'
# four-eyes request, registered by the administration app (administration.services.request_handover:
# fn(*, actor, departed, replacement, role) -> the request, or None when the replacement holds the role
# already). Without it such a role is not handed over.
HANDOVER_REQUEST = {}


def record_departure(*, actor, person: Person, replacement=None, departure=None) -> Person:
    """R12: a person leaves their post. From now on they see nothing and decide nothing; their
    open approval grants move to their replacement (where the replacement may decide). Refused
    while they still hold any carrier (the recall, 清退). A secret-related person then enters the
    disengagement period of their post: on `departure` (complete_departure) or, when the secrecy
    office records the departure directly, on a completed Departure written here."""
    from approvals import services as approvals
    from common.errors import Conflict, Refused, ValidationFailed

    from . import roles, rules, selectors

    if not policy.may_manage_file(actor, person):
        raise Refused(_("Only the secrecy office of the person's unit records a departure."))
    if person.status == Person.Status.DEPARTED:
        raise Conflict(_("This person has already left their post."))
    if replacement is not None and replacement.pk == person.user_id:
        raise Conflict(_("A person cannot replace themselves."))
    # the replacement takes over the post: the approver roles the departed person held; a unit-wide
    # role (the secrecy office) only through the administrators' four-eyes request (issue 15)
    posts = set(person.user.groups.filter(name__in=APPROVER_ROLES).values_list("name", flat=True))
    four_eyes = sorted(posts & set(roles.FOUR_EYES_ROLES))
    if replacement is not None and roles.DEPARTMENT_HEAD in posts:
        rep = Person.objects.filter(user_id=replacement.pk).first()
        if rep is None or rep.department_id != person.department_id:
            raise ValidationFailed(
                {"replacement": [_("To take over as head of the department, the replacement must belong to it.")]}
            )
    if replacement is not None and posts and replacement.groups.filter(name__in=roles.ADMIN_ROLES).exists():
        raise ValidationFailed({"replacement": [
            _("An administrator cannot take over an approver's or the secrecy office's role: choose someone else.")
        ]})
    numbers, hidden = selectors.recall_numbers(user=actor, person=person)
    enforce([rules.recall_complete(held_numbers=numbers, hidden=hidden)])
    with transaction.atomic():
        person.status = Person.Status.DEPARTED
        person.save(update_fields=["status"])
        taken_over, requested = [], {}
        if replacement is not None:
            for group in Group.objects.filter(name__in=posts).exclude(name__in=four_eyes):
                replacement.groups.add(group)
                taken_over.append(group.name)
            request = HANDOVER_REQUEST.get("request")
            for role in four_eyes:
                change = request(actor=actor, departed=person, replacement=replacement, role=role) if request else None
                if change is not None:
                    requested[role] = change.pk
        period = _start_disengagement(actor=actor, person=person, departure=departure)
        audit.record(
            actor=actor, action="person.departed", target=person,
            details={"replacement": replacement.pk if replacement else None, "roles_taken_over": sorted(taken_over),
                     "roles_requested": requested,
                     "departure": period.pk if period else None,
                     "disengagement_until": period.disengagement_ends_on if period else None},
        )
        approvals.transfer_grants(actor=actor, departed=person.user, replacement=replacement)
        approvals.sync_open_grants(actor=actor)
        close_account(actor=actor, person=person, reason="departed")
    return person


def close_account(*, actor, person: Person, reason: str) -> dict:
    """The person's account is closed at once, inside the caller's transaction (record_departure):
    login refused (user.is_active = False: the password step, the token endpoint and every session
    and token authentication check it), every API token revoked and every session ended, audited
    as `account.closed` with the reason. Their history (the person, the secrecy file, the audit
    trail) stays."""
    user = person.user
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = account_tokens.logout_everywhere(actor=actor, user=user)
    audit.record(actor=actor, action="account.closed", target=person,
                 details={"reason": reason, "user": user.pk, "tokens": ended["tokens"], "sessions": ended["sessions"]})
    return ended


def _start_disengagement(*, actor, person: Person, departure):
    """The disengagement period by post starts today (inside record_departure's transaction)."""
    from . import rules

    if departure is None:
        low, high = rules.disengagement_range(post=person.secrecy_post,
                                              months_by_post=settings.REGISTRY["DISENGAGEMENT_MONTHS"])
        if high == 0:
            return None  # never secret-related: no period
        departure = Departure(
            person=person, unit_id=person.unit_id, post=person.secrecy_post,
            level=settings.REGISTRY["CLEARANCE_BY_POST"][person.secrecy_post], leaves_on=timezone.localdate(),
            reason="", disengagement_months=high, requested_by=actor,
        )
    today = timezone.localdate()
    departure.status = Departure.Status.COMPLETED
    departure.completed_at = timezone.now()
    departure.completed_by = actor
    departure.disengagement_starts_on = today
    departure.disengagement_ends_on = rules.add_months(today, departure.disengagement_months)
    departure.save()
    return departure


# --- the secrecy file: post, pledge, training, inspections (R10, R14) ------------------------------


def _office_only(actor, person: Person, message=None) -> None:
    """The secrecy office of the person's unit; anyone else is refused (the person must be visible
    to the caller already: selectors answer 404 otherwise)."""
    from common.errors import Refused

    if not policy.may_manage_file(actor, person):
        raise Refused(message or _("Only the secrecy office of the person's unit records this."))


PLEDGE_TEXT = {
    "on_post": (
        "本人自愿遵守保密法律法规和本单位保密制度：私人交往和通信中不涉及国家秘密；不在公共场所、"
        "无保密保障的电话中谈论国家秘密；不将无关人员带入涉密场所；接受保密教育和监督检查。",
        "I keep state secrets: none in private contacts or letters; none in public places or on unprotected "
        "telephones; no unconcerned people into secret places; I accept confidentiality education, supervision "
        "and inspection.",
    ),
    "departure": (
        "本人离开涉密岗位后继续履行保密义务，脱密期内服从管理，未经审批不出境，不擅自到境外驻华机构、"
        "组织或者外资企业工作。",
        "After leaving the secret-related post I keep state secrets; during the disengagement period I accept its "
        "management, leave the country only with approval, and do not work for overseas organisations or "
        "foreign-invested enterprises without permission.",
    ),
}


def sign_pledge(*, actor, person: Person, password, kind: str = "on_post", signed_on=None,
                reference: str = "") -> Pledge:
    """The person signs their secrecy pledge with their password; or the secrecy office of their
    unit records a paper original (where it is kept) and signs as witness."""
    from audit.models import Signature
    from common.errors import Refused

    from . import rules

    today = timezone.localdate()
    signed_on = signed_on or today
    own = actor.pk == person.user_id
    if not policy.may_act_for(actor, person):
        raise Refused(_("Only the person or the secrecy office of their unit records a secrecy pledge."))
    method = Pledge.Method.SIGNED if own else Pledge.Method.RECORDED
    enforce([
        None if kind in Pledge.Kind.values else _field_error("kind", _("Unknown kind of pledge.")),
        rules.not_in_future(day=signed_on, today=today, field="signed_on"),
        rules.pledge_recorded(method=method, reference=reference),
    ])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        zh, en = PLEDGE_TEXT[kind]
        content = {"person": person.user_id, "kind": kind, "method": method, "signed_on": signed_on,
                   "reference": reference, "text_zh": zh, "text_en": en}
        signature = audit.sign(
            signer=actor, credential=credential,
            meaning=Signature.Meaning.PLEDGED if own else Signature.Meaning.WITNESSED, target=person,
            content=content,
        )
        pledge = Pledge.objects.create(person=person, kind=kind, method=method, signed_on=signed_on,
                                       reference=reference, recorded_by=actor, signature=signature)
        audit.record(actor=actor, action="person.pledge_signed", target=person,
                     details={**content, "pledge": pledge.pk, "signature": signature.pk})
    return pledge


def _field_error(field, message):
    from common.errors import Violation

    return Violation(message, field=field)


def record_training(*, actor, person: Person, course: str, held_on, result: str, hours) -> TrainingRecord:
    """R14: a confidentiality education or training course the person took (secrecy office)."""
    from . import rules

    _office_only(actor, person)
    enforce([
        *rules.training_valid(held_on=held_on, today=timezone.localdate(), hours=hours),
        None if course.strip() else _field_error("course", _("Name the course.")),
        None if result in TrainingRecord.Result.values else _field_error("result", _("Unknown result.")),
    ])
    with transaction.atomic():
        record = TrainingRecord.objects.create(person=person, course=course.strip(), held_on=held_on, result=result,
                                               hours=hours, recorded_by=actor)
        audit.record(actor=actor, action="person.training_recorded", target=person,
                     details={"training": record.pk, "course": record.course, "held_on": held_on, "result": result,
                              "hours": str(hours)})
    return record


def record_inspection(*, actor, person: Person, inspector: str, inspected_on, finding: str,
                      outcome: str = "no_issues") -> Inspection:
    """R14: supervision or inspection of the person: who, when, what was found. A violation found
    is reported as an incident at once (R13)."""
    from . import rules

    _office_only(actor, person)
    enforce([
        rules.not_in_future(day=inspected_on, today=timezone.localdate(), field="inspected_on"),
        None if inspector.strip() else _field_error("inspector", _("Say who inspected.")),
        None if finding.strip() else _field_error("finding", _("Say what was found (or that nothing was).")),
        None if outcome in Inspection.Outcome.values else _field_error("outcome", _("Unknown outcome.")),
    ])
    with transaction.atomic():
        record = Inspection.objects.create(person=person, inspector=inspector.strip(), inspected_on=inspected_on,
                                           finding=finding.strip(), outcome=outcome, recorded_by=actor)
        if outcome == Inspection.Outcome.VIOLATION:
            from incidents import services as incidents

            incident = incidents.report_incident(
                actor=actor, kind="violation", summary=finding.strip(), unit=person.unit, concerns=person.user,
                source=f"inspection:{record.pk}",
            )
            record.incident_number = incident.number
            record.save(update_fields=["incident_number"])
        audit.record(actor=actor, action="person.inspected", target=person,
                     details={"inspection": record.pk, "inspector": record.inspector, "inspected_on": inspected_on,
                              "outcome": outcome, "incident": record.incident_number})
    return record


def check_secrecy_post(*, person: Person, secrecy_post: str, since=None):
    """The rules of a change of secrecy post, without writing: taking up or raising a
    secret-related post needs a signed pledge (R10) and passed training (R14), and is refused during
    a disengagement period (R12: no new clearance); a person who has left changes post no more.
    Returns (raising, since). Also asked by the administrators' four-eyes request before it is
    submitted (administration.services.set_post)."""
    from common.errors import Conflict

    from . import rules, selectors

    today = timezone.localdate()
    since = since or today
    raising = rules.POST_RANK.get(secrecy_post, 0) > rules.POST_RANK.get(person.secrecy_post, 0)
    current = selectors.disengagement_of(person=person, on=today)
    enforce([
        None if secrecy_post in Person.SecrecyPost.values else _field_error("secrecy_post", _("Unknown post.")),
        rules.not_in_future(day=since, today=today, field="since"),
        rules.not_in_disengagement(in_disengagement=raising and current is not None,
                                   until=current.disengagement_ends_on if current else None),
    ])
    if person.status != Person.Status.ACTIVE:
        raise Conflict(_("This person has left their post; their secrecy post no longer changes."), code="departed")
    enforce([
        rules.post_needs_pledge(raising=raising, has_pledge=selectors.has_pledge(person=person)),
        rules.post_needs_training(
            raising=raising, trained_since=selectors.last_passed_training(person=person), today=today,
            interval_days=int(settings.REGISTRY.get("TRAINING_INTERVAL_DAYS", 365)),
        ),
    ])
    return raising, since


def _approves_post(approval, person: Person, secrecy_post: str) -> bool:
    """An approved administrators' four-eyes request (issue 15) for exactly this raise."""
    from approvals.models import ApprovalRequest, RequestKind

    if approval is None or approval.kind != RequestKind.ADMINISTRATION:
        return False
    if approval.status != ApprovalRequest.Status.APPROVED:
        return False
    change = approval.target
    return change is not None and getattr(change, "person_id", None) == person.pk and \
        getattr(change, "secrecy_post", None) == secrecy_post


def set_secrecy_post(*, actor, person: Person, secrecy_post: str, since=None, approval=None, password=None,
                     credential=None) -> Person:
    """The person's secrecy post (and so their clearance) changes. Lowering it: the secrecy office
    of the person's unit or its security administrator. Raising it (a higher clearance) needs a
    second administrator's signed approval (issue 15, four eyes): only the approved request of the
    administration app (`approval`) applies it, with the deciding administrator as actor; anyone
    else is refused (409 approval_required), whoever they are. The rules: check_secrecy_post.
    Applied directly (lowering it, or the same post with another date) it can remove a clearance,
    so it takes the actor's signature (`password`, issue 17); the approved request carries its own
    signatures."""
    from audit.models import Signature
    from common.errors import Conflict

    from . import roles

    if approval is None:
        me = access.person_of(actor)
        security_admin = (me is not None and me.unit_id == person.unit_id and actor.pk != person.user_id
                          and access.has_role(actor, roles.SECURITY_ADMIN))
        if not security_admin:
            _office_only(actor, person)
    raising, since = check_secrecy_post(person=person, secrecy_post=secrecy_post, since=since)
    if raising and not _approves_post(approval, person, secrecy_post):
        raise Conflict(
            _("Raising a secrecy post (a higher clearance) needs a second administrator's approval: the security "
              "administrator asks for it under Administration."),
            code="approval_required",
        )
    if approval is None and credential is None:  # `credential`: the caller checked the password already
        credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        before = person.secrecy_post
        Person.objects.filter(pk=person.pk).update(secrecy_post=secrecy_post, post_since=since)
        person.secrecy_post, person.post_since = secrecy_post, since
        signed = {}
        if approval is None:
            signed["signature"] = audit.sign(
                signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED, target=person,
                content={"person": person.user_id, "from": before, "to": secrecy_post, "since": since},
            ).pk
        audit.record(actor=actor, action="person.post_changed", target=person,
                     details={"from": before, "to": secrecy_post, "since": since, **signed,
                              **({"approval": approval.pk} if approval is not None else {})})
    return person


# --- leaving the country (R11) --------------------------------------------------------------------


def _travel_level(person: Person) -> int:
    return max(1, int(settings.REGISTRY["CLEARANCE_BY_POST"].get(person.secrecy_post, 0)))


def submit_travel(*, actor, traveller: Person, kind: str, destination: str, departs_on, returns_on,
                  purpose: str) -> TravelRequest:
    """Ask to leave the country (private or official). The traveller asks for themselves; the
    secrecy office of their unit asks on behalf of a person who has left their post (in the
    disengagement period the request takes the stricter policy, variant "disengagement")."""
    from approvals import services as approvals
    from approvals.models import ApprovalPolicy, RequestKind
    from common.errors import Conflict, Refused

    from . import rules, selectors

    if not policy.may_request_travel(actor, traveller):
        raise Refused(_("Only the traveller or the secrecy office of their unit asks for travel approval."))
    today = timezone.localdate()
    period = selectors.disengagement_of(person=traveller, on=departs_on) if departs_on else None
    period = period or selectors.disengagement_of(person=traveller, on=today)
    enforce([
        None if kind in TravelRequest.Kind.values else _field_error("kind", _("Private or official?")),
        None if destination.strip() else _field_error("destination", _("Name the destination.")),
        None if purpose.strip() else _field_error("purpose", _("Say what the trip is for.")),
        *rules.travel_dates(departs_on=departs_on, returns_on=returns_on, today=today),
        rules.traveller_secret_related(post=traveller.secrecy_post),
    ])
    if traveller.status != Person.Status.ACTIVE and period is None:
        raise Conflict(_("This person has left their post and their disengagement period is over; no approval is "
                         "needed."), code="not_secret_related")
    level = _travel_level(traveller)
    variant = rules.DISENGAGEMENT_VARIANT if period is not None else ""
    if variant and not ApprovalPolicy.objects.filter(
        kind=RequestKind.TRAVEL, variant=variant, level=level, steps__isnull=False
    ).exists():
        raise Conflict(_("No stricter policy for travel in the disengagement period exists at this level; ask the "
                         "secrecy office to add one."), code="no_policy")
    with transaction.atomic():
        travel = TravelRequest.objects.create(
            traveller=traveller, unit_id=traveller.unit_id, kind=kind, destination=destination.strip(),
            departs_on=departs_on, returns_on=returns_on, purpose=purpose.strip(), level=level,
            in_disengagement=period is not None, requested_by=actor,
        )
        audit.record(actor=actor, action="travel.requested", target=travel, details=travel_terms(travel))
        travel.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.TRAVEL, variant=variant, level=level,
            title=f"{traveller.full_name} · {travel.destination}"[:270] + f" · {departs_on}–{returns_on}",
            purpose=travel.purpose, target=travel, valid_until=departs_on,
        )
        travel.save(update_fields=["approval"])
    return travel


def travel_terms(travel) -> dict:
    """What the approver signs: JSON-plain values."""
    return {
        "travel_request": travel.pk, "traveller": travel.traveller.user_id, "kind": travel.kind,
        "destination": travel.destination, "departs_on": travel.departs_on.isoformat(),
        "returns_on": travel.returns_on.isoformat(), "purpose": travel.purpose,
        "in_disengagement": travel.in_disengagement,
    }


def _before_travel_outcome(travel: TravelRequest, request, *, actor) -> None:
    """Approving is refused (and the whole decision rolled back) after the departure date (R11)
    and, in the disengagement period, without the stricter policy (R12)."""
    from . import rules, selectors

    if request.status != kit.APPROVED:
        return
    today = timezone.localdate()
    period = (selectors.disengagement_of(person=travel.traveller, on=travel.departs_on)
              or selectors.disengagement_of(person=travel.traveller, on=today))
    enforce([
        rules.approved_before_departure(today=today, departs_on=travel.departs_on),
        rules.stricter_policy_in_disengagement(in_disengagement=period is not None, variant=request.variant),
    ])


def record_trip(*, actor, travel_id: int, left_on, came_back_on=None) -> TravelRequest:
    """The secrecy office records that the trip was taken. Covered by its approval: the approval
    is used up. Otherwise (not approved, or left outside the approved dates) it is recorded as a
    violation and reported as an incident (source "travel:<id>")."""
    from approvals import services as approvals
    from common.errors import Conflict

    from . import rules, selectors

    travel = selectors.travel_get(user=actor, pk=travel_id)
    _office_only(actor, travel.traveller)
    today = timezone.localdate()
    enforce([
        rules.not_in_future(day=left_on, today=today, field="left_on"),
        rules.not_in_future(day=came_back_on, today=today, field="came_back_on") if came_back_on else None,
        None if came_back_on is None or came_back_on >= left_on
        else _field_error("came_back_on", _("The return is before the departure.")),
    ])
    with transaction.atomic():
        travel = TravelRequest.objects.select_for_update(of=("self",)).select_related("traveller__user", "traveller__unit").get(
            pk=travel.pk)
        if travel.status in (TravelRequest.Status.TAKEN, TravelRequest.Status.UNAPPROVED):
            raise Conflict(_("This trip has already been recorded."), code="already_recorded")
        covered = rules.trip_within_approval(
            approved=travel.status == TravelRequest.Status.APPROVED, left_on=left_on, departs_on=travel.departs_on,
            returns_on=travel.returns_on,
        )
        travel.left_on, travel.came_back_on = left_on, came_back_on
        if covered:
            approvals.consume(actor=actor, request=travel.approval, today=travel.departs_on)
            travel.status = TravelRequest.Status.TAKEN
        else:
            travel.status = TravelRequest.Status.UNAPPROVED
            travel.incident_number = _report_unapproved(actor=actor, travel=travel)
        travel.save(update_fields=["left_on", "came_back_on", "status", "incident_number"])
        audit.record(actor=actor, action="travel.trip_recorded", target=travel,
                     details={"left_on": left_on, "came_back_on": came_back_on, "status": travel.status,
                              "incident": travel.incident_number})
    return travel


def _report_unapproved(*, actor, travel) -> str:
    from incidents import services as incidents

    incident = incidents.report_incident(
        actor=actor, kind="violation",
        summary=_("%(name)s left the country (%(destination)s, %(date)s) without approval.")
        % {"name": travel.traveller.full_name, "destination": travel.destination, "date": travel.left_on},
        unit=travel.traveller.unit, concerns=travel.traveller.user, source=f"travel:{travel.pk}",
    )
    return incident.number


def record_unapproved_trip(*, actor, traveller: Person, kind: str, destination: str, left_on, came_back_on=None,
                           purpose: str = "") -> TravelRequest:
    """A trip abroad that came to light without any request: recorded as a violation at once."""
    from . import rules

    _office_only(actor, traveller)
    today = timezone.localdate()
    enforce([
        None if kind in TravelRequest.Kind.values else _field_error("kind", _("Private or official?")),
        None if destination.strip() else _field_error("destination", _("Name the destination.")),
        rules.not_in_future(day=left_on, today=today, field="left_on"),
        None if came_back_on is None or came_back_on >= left_on
        else _field_error("came_back_on", _("The return is before the departure.")),
        rules.traveller_secret_related(post=traveller.secrecy_post),
    ])
    from . import selectors

    with transaction.atomic():
        travel = TravelRequest.objects.create(
            traveller=traveller, unit_id=traveller.unit_id, kind=kind, destination=destination.strip(),
            departs_on=left_on, returns_on=came_back_on or left_on, purpose=purpose.strip(),
            level=_travel_level(traveller),
            in_disengagement=selectors.disengagement_of(person=traveller, on=left_on) is not None,
            requested_by=actor, status=TravelRequest.Status.UNAPPROVED, left_on=left_on, came_back_on=came_back_on,
        )
        travel.incident_number = _report_unapproved(actor=actor, travel=travel)
        travel.save(update_fields=["incident_number"])
        audit.record(actor=actor, action="travel.unapproved_trip", target=travel,
                     details={**travel_terms(travel), "left_on": left_on, "came_back_on": came_back_on,
                              "incident": travel.incident_number})
    return travel


def record_passport(*, actor, person: Person, direction: str, on=None, travel=None, note: str = "") -> PassportMovement:
    """Passport custody (R11): handed in to the secrecy office, or handed out for an approved trip."""
    from . import rules, selectors

    _office_only(actor, person)
    today = timezone.localdate()
    on = on or today
    enforce([
        None if direction in PassportMovement.Direction.values else _field_error("direction", _("In or out?")),
        rules.not_in_future(day=on, today=today, field="on"),
        None if travel is None or travel.traveller_id == person.pk
        else _field_error("travel", _("This travel request is another person's.")),
    ])
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one movement at a time per person
        enforce([rules.passport_move(
            direction=direction, held_by_office=selectors.passport_held_by_office(person=person),
            travel_approved=travel is not None and travel.status == TravelRequest.Status.APPROVED,
        )])
        movement = PassportMovement.objects.create(person=person, direction=direction, on=on, travel=travel,
                                                   note=note, recorded_by=actor)
        audit.record(actor=actor, action="person.passport_moved", target=person,
                     details={"movement": movement.pk, "direction": direction, "on": on,
                              "travel": travel.pk if travel else None, "note": note})
    return movement


# --- leaving the post (R12) -----------------------------------------------------------------------


def submit_departure(*, actor, person: Person, leaves_on, reason: str, replacement=None,
                     disengagement_months: int | None = None) -> Departure:
    """Ask for a secret-related person to leave their post (approvals kind "departure"): the
    person themselves or the secrecy office of their unit."""
    from django.db import IntegrityError

    from approvals import services as approvals
    from approvals.models import RequestKind
    from common.errors import Conflict, Refused

    from . import rules

    if not policy.may_act_for(actor, person):
        raise Refused(_("Only the person or the secrecy office of their unit asks for a departure."))
    if person.status != Person.Status.ACTIVE:
        raise Conflict(_("This person has already left their post."), code="departed")
    low, high = rules.disengagement_range(post=person.secrecy_post,
                                          months_by_post=settings.REGISTRY["DISENGAGEMENT_MONTHS"])
    months = high if disengagement_months is None else disengagement_months
    rep = Person.objects.filter(user_id=replacement.pk).first() if replacement is not None else None
    enforce([
        rules.departing_secret_related(post=person.secrecy_post),
        rules.not_in_past(day=leaves_on, today=timezone.localdate(), field="leaves_on"),
        None if reason.strip() else _field_error("reason", _("Say why the person leaves the post.")),
        rules.departure_months(months=months, low=low, high=high),
        None if replacement is None or (rep is not None and rep.unit_id == person.unit_id
                                        and rep.status == Person.Status.ACTIVE and rep.pk != person.pk)
        else _field_error("replacement", _("The replacement must be another active person of the same unit.")),
    ])
    if Departure.objects.filter(person=person, status__in=[Departure.Status.SUBMITTED, Departure.Status.APPROVED]).exists():
        raise Conflict(_("A departure of this person is already in progress."), code="departure_open")
    level = settings.REGISTRY["CLEARANCE_BY_POST"][person.secrecy_post]
    try:
        with transaction.atomic():
            departure = Departure.objects.create(
                person=person, unit_id=person.unit_id, post=person.secrecy_post, level=level, leaves_on=leaves_on,
                reason=reason.strip(), replacement=replacement, disengagement_months=months, requested_by=actor,
            )
            audit.record(actor=actor, action="departure.requested", target=departure, details=departure_terms(departure))
            departure.approval = approvals.submit_request(
                actor=actor, kind=RequestKind.DEPARTURE, level=level,
                title=f"{person.full_name} · {person.employee_number}", purpose=departure.reason, target=departure,
            )
            departure.save(update_fields=["approval"])
    except IntegrityError:
        raise Conflict(_("A departure of this person is already in progress."), code="departure_open") from None
    return departure


def departure_terms(departure) -> dict:
    return {
        "departure": departure.pk, "person": departure.person.user_id, "post": departure.post,
        "leaves_on": departure.leaves_on.isoformat(),
        "reason": departure.reason, "replacement": departure.replacement_id,
        "disengagement_months": departure.disengagement_months,
    }


def complete_departure(*, actor, departure_id: int, password) -> Departure:
    """The secrecy office completes an approved departure once the recall list is empty: the
    person leaves the post (record_departure: grants moved, no clearance) and enters the
    disengagement period of their post. Signed by the office as witness of the recall."""
    from approvals import services as approvals
    from audit.models import Signature

    from . import rules, selectors

    departure = selectors.departure_get(user=actor, pk=departure_id)
    _office_only(actor, departure.person, _("Only the secrecy office of the person's unit completes a departure."))
    numbers, hidden = selectors.recall_numbers(user=actor, person=departure.person)
    enforce([
        rules.departure_approved(status=departure.status),
        rules.recall_complete(held_numbers=numbers, hidden=hidden),
    ])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        departure = Departure.objects.select_for_update(of=("self",)).select_related(
            "person__user", "replacement").get(pk=departure.pk)
        enforce([rules.departure_approved(status=departure.status)])
        approvals.consume(actor=actor, request=departure.approval)
        record_departure(actor=actor, person=departure.person, replacement=departure.replacement, departure=departure)
        content = {**departure_terms(departure), "recall": [], "completed_on": departure.disengagement_starts_on,
                   "disengagement_until": departure.disengagement_ends_on}
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED,
                               target=departure, content=content)
        audit.record(actor=actor, action="departure.completed", target=departure,
                     details={**content, "signature": signature.pk})
    return departure


def end_disengagement(*, actor, departure_id: int, password) -> Departure:
    """The secrecy office records that the disengagement period is over (after its last day),
    signed (issue 17: ending a record takes the actor's signature); the scheduled reminder then
    clears. The rules first, the password before the row lock, the rules again under it."""
    from audit.models import Signature

    from . import rules, selectors

    departure = selectors.departure_get(user=actor, pk=departure_id)
    _office_only(actor, departure.person)

    def may_end(row):
        return rules.disengagement_may_end(ends_on=row.disengagement_ends_on, today=timezone.localdate(),
                                           closed=row.disengagement_closed_at is not None)

    enforce([may_end(departure)])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        departure = Departure.objects.select_for_update().get(pk=departure.pk)
        enforce([may_end(departure)])
        departure.disengagement_closed_at = timezone.now()
        departure.save(update_fields=["disengagement_closed_at"])
        content = {"departure": departure.pk, "person": departure.person.user_id,
                   "disengagement_ends_on": departure.disengagement_ends_on, "ended": True}
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED,
                               target=departure, content=content)
        audit.record(actor=actor, action="departure.disengagement_ended", target=departure,
                     details={"ended_on": departure.disengagement_ends_on, "signature": signature.pk})
    return departure


def leave_post(*, actor, person: Person, password, replacement=None) -> Person:
    """The secrecy office records at once that a person left their post (no departure request):
    their clearance goes and their account closes (record_departure), so it is signed by the
    office (issue 17: removing a clearance takes the actor's signature: password, plus the one-time
    code where enrolled). The refusals that need no password first; nothing changes without the
    signature."""
    from audit.models import Signature
    from common.errors import Conflict, Refused

    from . import rules, selectors

    if not policy.may_manage_file(actor, person):
        raise Refused(_("Only the secrecy office of the person's unit records a departure."))
    if person.status == Person.Status.DEPARTED:
        raise Conflict(_("This person has already left their post."))
    numbers, hidden = selectors.recall_numbers(user=actor, person=person)
    enforce([rules.recall_complete(held_numbers=numbers, hidden=hidden)])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.status == Person.Status.DEPARTED:
            raise Conflict(_("This person has already left their post."))
        record_departure(actor=actor, person=person, replacement=replacement)
        content = {"person": person.user_id, "left_post_on": timezone.localdate(), "secrecy_post": person.secrecy_post,
                   "replacement": replacement.pk if replacement is not None else None, "recall": [],
                   "account_closed": True}
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED,
                               target=person, content=content)
        audit.record(actor=actor, action="person.departure_signed", target=person,
                     details={**content, "signature": signature.pk})
    return person


def _register_approval_hooks() -> None:
    from approvals import services as approvals
    from approvals.models import RequestKind

    # the final decision, mirrored on the travel request or departure while it waits (the
    # stage-request kit), and the terms its approvers sign
    approvals.OUTCOME_HANDLERS[RequestKind.TRAVEL] = kit.hand_off(
        TravelRequest, action="travel.decided", before=_before_travel_outcome,
        details=lambda request: {"variant": request.variant},
    )
    approvals.SIGNED_TERMS[RequestKind.TRAVEL] = kit.signed_terms(TravelRequest, travel_terms)
    approvals.OUTCOME_HANDLERS[RequestKind.DEPARTURE] = kit.hand_off(Departure, action="departure.decided")
    approvals.SIGNED_TERMS[RequestKind.DEPARTURE] = kit.signed_terms(Departure, departure_terms)
