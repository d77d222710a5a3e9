"""Writes of the administrators (issue 15): one function per action, keyword-only arguments, one
transaction, the gate's check first (administration/policy.py: the right duty, a person of the
actor's unit, never oneself), the rules, and the audit event recorded as the real administrator.

The sensitive changes (rules.FOUR_EYES_ROLES granted, a secrecy post raised, a departed person
reactivated, an approval policy changed) are not applied here: they become an AdminChange decided
through the approvals app (kind "administration", a second security administrator's signature) and
are applied by `_apply` when, and only when, that approval is granted."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import factors
from accounts import tokens as account_tokens
from approvals import kit
from audit import services as audit
from common import access, tunables
from common.errors import Conflict, Refused, ValidationFailed, enforce
from common.levels import Level
from personnel import services as personnel
from personnel.models import Person, Unit

from . import rules, selectors
from .models import AdminChange, TechnicalSetting

# the level of an administrators' request: the lowest (its approver must be cleared, nothing more)
REQUEST_LEVEL = Level.CONFIDENTIAL
APPROVAL_KIND = "administration"


# --- the gate --------------------------------------------------------------------------------------


def _require(actor, action: str, obj=None) -> None:
    """The actor may do this action (to obj), or a refusal saying why (403)."""
    if access.can(actor, action, obj):
        return
    enforce([rules.outside_duty(allowed=rules.within_duty(role_names=access.roles_of(actor), action=action))])
    subject = getattr(obj, "user_id", None) if obj is not None else None
    enforce([rules.not_self(actor_id=actor.pk, subject_user_id=subject)])
    raise Refused(_("You may not do this to this person."), code="outside_duty")


def _me(actor) -> Person:
    me = access.person_of(actor)
    if me is None:
        raise Refused(_("Only registered, active administrators act here."))
    return me


def _person(actor, user_id) -> Person:
    return selectors.person_get(user=actor, pk=user_id)


def _roles_of(person: Person) -> list[str]:
    return sorted(person.user.groups.values_list("name", flat=True))


# --- system administrator: accounts ---------------------------------------------------------------


def create_account(*, actor, username: str, full_name: str, employee_number: str, department_id=None,
                   email: str = "", password: str) -> Person:
    """A new account and person of the actor's unit, with no role and no secret-related post: the
    security administrator decides those."""
    _require(actor, rules.CREATE_ACCOUNT)
    me = _me(actor)
    errors = {}
    username, full_name, employee_number = (username or "").strip(), (full_name or "").strip(), \
        (employee_number or "").strip()
    if not username:
        errors["username"] = [_("Enter a login name.")]
    elif get_user_model().objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This login name is taken.")]
    if not full_name:
        errors["full_name"] = [_("Enter the full name.")]
    if not employee_number:
        errors["employee_number"] = [_("Enter the employee number.")]
    elif Person.objects.filter(employee_number=employee_number).exists():
        errors["employee_number"] = [_("This employee number is taken.")]
    department = None
    if department_id not in (None, ""):
        department = selectors.department_of(unit_id=me.unit_id, pk=department_id)
        if department is None:
            errors["department"] = [_("Choose a department of your unit.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        person = personnel.create_person(
            actor=actor, username=username, password=password, full_name=full_name, employee_number=employee_number,
            unit=me.unit, department=department, secrecy_post=Person.SecrecyPost.NONE, roles=[], email=email or "",
        )
        audit.record(actor=actor, action="admin.account_created", target=person,
                     details={"username": username, "department": department and department.pk})
    return person


def deactivate_account(*, actor, user_id, reason: str, password=None) -> Person:
    """Login refused from now on, every token revoked and every session ended (account.closed).
    Closing an account is signed by the administrator (issue 17: password, plus the one-time code
    where enrolled), checked after the rules and before anything is written."""
    from audit.models import Signature

    person = _person(actor, user_id)
    _require(actor, rules.DEACTIVATE_ACCOUNT, person)
    enforce([rules.reason_given(reason=reason), rules.account_state(is_active=person.user.is_active, wanted=False)])
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        personnel.close_account(actor=actor, person=person, reason=reason.strip())
        signature = audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.WITNESSED, target=person,
                               content={"person": person.user_id, "username": person.user.get_username(),
                                        "account_closed": True, "reason": reason.strip()})
        audit.record(actor=actor, action="admin.account_deactivated", target=person,
                     details={"username": person.user.get_username(), "reason": reason.strip(),
                              "signature": signature.pk})
    return person


def reactivate_account(*, actor, user_id, reason: str):
    """An account deactivated by an administrator opens again at once. A person who has left their
    post comes back only through a four-eyes request (returns the AdminChange)."""
    person = _person(actor, user_id)
    _require(actor, rules.REACTIVATE_ACCOUNT, person)
    enforce([rules.reason_given(reason=reason)])
    if person.status == Person.Status.DEPARTED:
        return _submit(actor=actor, kind=AdminChange.Kind.REACTIVATE, person=person, reason=reason,
                       title=_("Reactivate %(name)s (%(number)s), who has left their post")
                       % {"name": person.full_name, "number": person.employee_number},
                       before={"status": person.status, "is_active": person.user.is_active,
                               "secrecy_post": person.secrecy_post})
    enforce([rules.account_state(is_active=person.user.is_active, wanted=True)])
    with transaction.atomic():
        get_user_model().objects.filter(pk=person.user_id).update(is_active=True)
        person.user.is_active = True
        audit.record(actor=actor, action="admin.account_reactivated", target=person,
                     details={"username": person.user.get_username(), "reason": reason.strip()})
    return person


def reset_factor(*, actor, user_id) -> Person:
    """The person's authenticator, recovery codes and security keys removed (a lost phone): they
    enrol again at their next login (account.factor_reset)."""
    person = _person(actor, user_id)
    _require(actor, rules.RESET_FACTOR, person)
    factors.reset_factor(actor=actor, person=person)
    return person


def end_sessions(*, actor, user_id) -> dict:
    """Every session of the person ended and every API token revoked (account.logout_everywhere)."""
    person = _person(actor, user_id)
    _require(actor, rules.END_SESSIONS, person)
    return account_tokens.logout_everywhere(actor=actor, user=person.user)


# --- system administrator: technical settings ------------------------------------------------------


def _tunable(key: str):
    tunable = tunables.TUNABLES.get(key)
    if tunable is None:
        raise Http404
    return tunable


def _whole(value):
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def change_setting(*, actor, key: str, value, reason: str) -> TechnicalSetting:
    """A technical setting (common.tunables) takes a new value at run time, in every process (the
    table's version in the shared cache), audited with the value before, after and the default."""
    _require(actor, rules.CHANGE_SETTING)
    tunable = _tunable(key)
    value = _whole(value)
    enforce([rules.setting_value(value=value, low=tunable.low, high=tunable.high), rules.reason_given(reason=reason)])
    before = tunables.value(key)
    with transaction.atomic():
        row = TechnicalSetting.objects.select_for_update().filter(key=key).first()
        current = row.value if row is not None else tunable.default()
        enforce([rules.setting_changes(before=current, after=value)])
        if row is None:
            row = TechnicalSetting(key=key)
        row.value, row.reason, row.changed_by, row.changed_at = value, reason.strip(), actor, timezone.now()
        row.save()
        audit.record(actor=actor, action="admin.setting_changed", target=row,
                     details={"key": key, "before": before, "after": value, "default": tunable.default(),
                              "reason": reason.strip()})
        transaction.on_commit(tunables.bump)
    tunables.bump()
    return row


def reset_setting(*, actor, key: str, reason: str) -> None:
    """A technical setting goes back to the environment's value, audited."""
    _require(actor, rules.CHANGE_SETTING)
    tunable = _tunable(key)
    enforce([rules.reason_given(reason=reason)])
    with transaction.atomic():
        row = TechnicalSetting.objects.select_for_update().filter(key=key).first()
        if row is None:
            raise Conflict(_("This setting already has the environment's value."), code="unchanged")
        before = row.value
        audit.record(actor=actor, action="admin.setting_reset", target=row,
                     details={"key": key, "before": before, "after": tunable.default(), "default": tunable.default(),
                              "reason": reason.strip()})
        row.delete()
        transaction.on_commit(tunables.bump)
    tunables.bump()


def read_settings() -> dict:
    """common.tunables' reader: the values changed in the registry (in a savepoint of its own, so an
    error leaves the caller's transaction usable)."""
    with transaction.atomic():
        return dict(TechnicalSetting.objects.values_list("key", "value"))


# --- security administrator: roles, posts, departments, policies ------------------------------------


def _add_group(user, role: str) -> None:
    """The group row; the database's own refusal (administration/triggers.py) as a 409."""
    group = Group.objects.get_or_create(name=role)[0]
    try:
        with transaction.atomic():
            user.groups.add(group)
    except (IntegrityError, DatabaseError):
        raise Conflict(_("The database refused this role: one administrator role per person, and none with a "
                         "business role it would widen."), code="roles_exclusive") from None
    user.__dict__.pop("_registry_roles", None)


def assign_role(*, actor, user_id, role: str, reason: str = ""):
    """Grant a role. A unit-wide role (secrecy office, auditor) or an administrator role: a four-eyes
    request (returns the AdminChange); any other role at once (returns the person)."""
    person = _person(actor, user_id)
    _require(actor, rules.ASSIGN_ROLE, person)
    held = _roles_of(person)
    enforce([rules.role_known(role=role)])
    enforce([rules.person_active(active=person.status == Person.Status.ACTIVE), rules.not_held(held=held, role=role),
             rules.roles_compatible(held=held, role=role)])
    if role in rules.FOUR_EYES_ROLES:
        enforce([rules.reason_given(reason=reason)])
        return _submit(actor=actor, kind=AdminChange.Kind.GRANT_ROLE, person=person, role=role, reason=reason,
                       title=_("Grant the role %(role)s to %(name)s (%(number)s)")
                       % {"role": selectors.role_label(role), "name": person.full_name,
                          "number": person.employee_number},
                       before={"roles": held})
    with transaction.atomic():
        _add_group(person.user, role)
        audit.record(actor=actor, action="admin.role_granted", target=person,
                     details={"role": role, "before": held, "reason": (reason or "").strip()})
    return person


def request_handover(*, actor, departed: Person, replacement, role: str) -> AdminChange | None:
    """A departure hands a unit-wide or administrator role (rules.FOUR_EYES_ROLES) to the replacement
    (personnel.record_departure, through personnel.services.HANDOVER_REQUEST): the same four-eyes
    request as a security administrator's grant, asked by whoever records the departure (the
    secrecy office), decided and signed by a security administrator of the unit; the replacement
    holds the role only when it is approved. None: the replacement holds it already."""
    person = Person.objects.select_related("user").get(user_id=replacement.pk)
    held = _roles_of(person)
    if role in held:
        return None
    enforce([rules.person_active(active=person.status == Person.Status.ACTIVE),
             rules.roles_compatible(held=held, role=role)])
    reason = _("Takes over from %(name)s (%(number)s), who has left their post") % {
        "name": departed.full_name, "number": departed.employee_number}
    return _submit(actor=actor, kind=AdminChange.Kind.GRANT_ROLE, person=person, role=role, reason=reason,
                   title=_("Grant the role %(role)s to %(name)s (%(number)s)")
                   % {"role": selectors.role_label(role), "name": person.full_name,
                      "number": person.employee_number},
                   before={"roles": held, "handover_from": departed.pk})


def revoke_role(*, actor, user_id, role: str, reason: str) -> Person:
    """Take a role back (narrows what the person may do: no second administrator needed)."""
    person = _person(actor, user_id)
    _require(actor, rules.ASSIGN_ROLE, person)
    held = _roles_of(person)
    enforce([rules.role_known(role=role)])
    enforce([rules.held(held=held, role=role), rules.reason_given(reason=reason)])
    with transaction.atomic():
        person.user.groups.remove(Group.objects.get(name=role))
        audit.record(actor=actor, action="admin.role_revoked", target=person,
                     details={"role": role, "before": held, "reason": reason.strip()})
    return person


def set_post(*, actor, user_id, secrecy_post: str, reason: str = "", password=None):
    """Change a secrecy post. Lowering it applies at once and, as it removes a clearance, is signed
    (`password`, issue 17); raising it (a higher clearance) is a four-eyes request (returns the
    AdminChange), checked now against the post's rules (pledge, training, disengagement) and again
    when approved."""
    person = _person(actor, user_id)
    _require(actor, rules.SET_POST, person)
    enforce([rules.post_known(post=secrecy_post)])
    enforce([rules.post_changes(before=person.secrecy_post, after=secrecy_post)])
    raising, _since = personnel.check_secrecy_post(person=person, secrecy_post=secrecy_post)
    if raising:
        enforce([rules.reason_given(reason=reason)])
        return _submit(actor=actor, kind=AdminChange.Kind.RAISE_POST, person=person, secrecy_post=secrecy_post,
                       reason=reason,
                       title=_("Raise the secrecy post of %(name)s (%(number)s) to %(post)s")
                       % {"name": person.full_name, "number": person.employee_number,
                          "post": Person.SecrecyPost(secrecy_post).label},
                       before={"secrecy_post": person.secrecy_post})
    credential = audit.reauthenticate(signer=actor, password=password)
    with transaction.atomic():
        personnel.set_secrecy_post(actor=actor, person=person, secrecy_post=secrecy_post, credential=credential)
        audit.record(actor=actor, action="admin.post_lowered", target=person,
                     details={"secrecy_post": secrecy_post, "reason": (reason or "").strip()})
    return person


def set_department(*, actor, user_id, department_id, reason: str = "") -> Person:
    """Move a person to another department of their unit (or to none)."""
    person = _person(actor, user_id)
    _require(actor, rules.SET_DEPARTMENT, person)
    department = None
    if department_id not in (None, ""):
        department = selectors.department_of(unit_id=person.unit_id, pk=department_id)
        if department is None:
            raise ValidationFailed({"department": [_("Choose a department of the person's unit.")]})
    if person.department_id == (department.pk if department else None):
        raise Conflict(_("The person already works in this department."), code="unchanged")
    with transaction.atomic():
        before = person.department_id
        Person.objects.filter(pk=person.pk).update(department=department)
        person.department = department
        audit.record(actor=actor, action="admin.department_changed", target=person,
                     details={"from": before, "to": department and department.pk, "reason": (reason or "").strip()})
    return person


def create_department(*, actor, code: str, name_zh: str, name_en: str) -> Unit:
    """A new department of the actor's unit (unit.created)."""
    _require(actor, rules.MANAGE_DEPARTMENTS)
    me = _me(actor)
    code, name_zh, name_en = (code or "").strip(), (name_zh or "").strip(), (name_en or "").strip()
    errors = {}
    if not code:
        errors["code"] = [_("Enter a code.")]
    elif len(code) > 16:
        errors["code"] = [_("At most 16 characters.")]
    elif Unit.objects.filter(code=code).exists():
        errors["code"] = [_("This code is taken.")]
    if not name_zh:
        errors["name_zh"] = [_("Enter the Chinese name.")]
    if not name_en:
        errors["name_en"] = [_("Enter the English name.")]
    if len(name_zh) > 200 or len(name_en) > 200:
        errors.setdefault("name_en", []).append(_("At most 200 characters."))
    if errors:
        raise ValidationFailed(errors)
    return personnel.create_unit(actor=actor, code=code, name_zh=name_zh, name_en=name_en, parent=me.unit)


def request_policy_change(*, actor, kind: str, variant: str = "", level, steps=None, description: str = "",
                          delete: bool = False, reason: str) -> AdminChange:
    """Ask to create, replace or delete the approval policy of kind/variant/level: a four-eyes request."""
    from approvals import rules as approval_rules
    from approvals.models import ApprovalPolicy, RequestKind

    _require(actor, rules.CHANGE_POLICY)
    errors = {}
    if kind not in RequestKind.values:
        errors["kind"] = [_("Unknown request kind.")]
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    if level not in Level.values:
        errors["level"] = [_("Unknown level.")]
    variant = (variant or "").strip()
    if len(variant) > 32:
        errors["variant"] = [_("At most 32 characters.")]
    steps = [s for s in (steps or []) if s]
    if not delete:
        violation = approval_rules.policy_steps_valid(steps=steps)
        if violation is not None:
            errors["steps"] = [violation.message]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for this change.")]
    if errors:
        raise ValidationFailed(errors)
    current = ApprovalPolicy.objects.filter(kind=kind, variant=variant, level=level).first()
    before = {"steps": list(current.steps.order_by("order").values_list("approver_role", flat=True))} if current else {}
    if delete and current is None:
        raise Http404
    terms = {"kind": kind, "variant": variant, "level": level, "delete": bool(delete),
             "steps": [] if delete else steps, "description": (description or "").strip()[:200]}
    what = RequestKind(kind).label
    title = (_("Delete the approval policy of %(kind)s at %(level)s") if delete
             else _("Change the approval policy of %(kind)s at %(level)s")) % {"kind": what, "level": Level(level).label}
    return _submit(actor=actor, kind=AdminChange.Kind.POLICY, person=None, terms=terms, reason=reason, title=title,
                   before=before)


# --- four eyes: submit, apply -----------------------------------------------------------------------


def _submit(*, actor, kind: str, person, reason: str, title: str, before: dict, role: str = "",
            secrecy_post: str = "", terms: dict | None = None) -> AdminChange:
    """The request and its approval (approvals kind "administration"), in one transaction. One
    waiting request per change: a second is refused (409)."""
    from approvals import services as approvals

    me = _me(actor)
    enforce([rules.reason_given(reason=reason)])
    waiting = AdminChange.objects.filter(kind=kind, status=AdminChange.Status.SUBMITTED, unit_id=me.unit_id)
    if person is not None:
        waiting = waiting.filter(person=person, role=role, secrecy_post=secrecy_post)
    else:
        waiting = waiting.filter(terms__kind=terms["kind"], terms__variant=terms["variant"],
                                 terms__level=terms["level"])
    if waiting.exists():
        raise Conflict(_("The same change already waits for a second administrator."), code="already_requested")
    with transaction.atomic():
        change = AdminChange.objects.create(
            unit=me.unit, level=REQUEST_LEVEL, kind=kind, person=person, role=role, secrecy_post=secrecy_post,
            terms=terms or {}, before=before, reason=reason.strip(), requested_by=actor,
        )
        approval = approvals.submit_request(actor=actor, kind=APPROVAL_KIND, level=REQUEST_LEVEL, title=title[:300],
                                            purpose=reason.strip(), target=change)
        change.approval = approval
        change.save(update_fields=["approval"])
        audit.record(actor=actor, action="admin.change_requested", target=change,
                     details={"kind": kind, "person": person and person.pk, "role": role,
                              "secrecy_post": secrecy_post, "terms": terms or {}, "before": before,
                              "reason": reason.strip(), "approval": approval.pk})
    return change


def _terms(change: AdminChange) -> dict:
    """What the approving administrator signs."""
    return {"change": change.pk, "kind": change.kind, "person": change.person_id, "role": change.role,
            "secrecy_post": change.secrecy_post, "terms": change.terms, "before": change.before,
            "reason": change.reason, "requested_by": change.requested_by_id}


def _before_outcome(change: AdminChange, approval, *, actor) -> None:
    """Nobody decides a change about themselves (a security administrator named in a grant to them)."""
    if approval.status in ("approved", "rejected") and change.person is not None and change.person.user_id == actor.pk:
        raise Refused(_("You cannot decide a change about yourself: another administrator does it."),
                      code="own_change")


def _apply(change: AdminChange, approval, *, actor) -> None:
    """The approved change, applied inside the deciding transaction with the approver as actor. A
    rule that no longer holds (a pledge withdrawn, a role taken meanwhile) refuses the decision: it
    is rolled back and nothing changes."""
    from approvals import services as approvals

    person = change.person
    if person is not None:
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if change.kind == AdminChange.Kind.RAISE_POST:
        personnel.set_secrecy_post(actor=actor, person=person, secrecy_post=change.secrecy_post, approval=approval)
    elif change.kind == AdminChange.Kind.GRANT_ROLE:
        held = _roles_of(person)
        enforce([rules.person_active(active=person.status == Person.Status.ACTIVE),
                 rules.not_held(held=held, role=change.role), rules.roles_compatible(held=held, role=change.role)])
        _add_group(person.user, change.role)
        audit.record(actor=actor, action="admin.role_granted", target=person,
                     details={"role": change.role, "before": held, "change": change.pk, "approval": approval.pk})
    elif change.kind == AdminChange.Kind.REACTIVATE:
        enforce([rules.person_departed(departed=person.status == Person.Status.DEPARTED)])
        # back as an active person with an open account and no secret-related post: a clearance
        # comes again only by its own four-eyes request (pledge and training first)
        Person.objects.filter(pk=person.pk).update(status=Person.Status.ACTIVE, secrecy_post=Person.SecrecyPost.NONE,
                                                   post_since=None)
        get_user_model().objects.filter(pk=person.user_id).update(is_active=True)
        audit.record(actor=actor, action="admin.person_reactivated", target=person,
                     details={"before": change.before, "secrecy_post": "none", "change": change.pk,
                              "approval": approval.pk})
    elif change.kind == AdminChange.Kind.POLICY:
        terms = change.terms
        if terms.get("delete"):
            from approvals.models import ApprovalPolicy

            policy = ApprovalPolicy.objects.filter(kind=terms["kind"], variant=terms["variant"],
                                                   level=terms["level"]).first()
            if policy is None:
                raise Conflict(_("This approval policy no longer exists."), code="gone")
            approvals.delete_policy(actor=actor, policy_id=policy.pk, approval=approval)
        else:
            approvals.save_policy(actor=actor, kind=terms["kind"], variant=terms["variant"], level=terms["level"],
                                  steps=terms["steps"], description=terms.get("description", ""), approval=approval)
    change.status = AdminChange.Status.APPROVED
    change.applied_at = timezone.now()
    change.save(update_fields=["status", "applied_at"])
    signatures = list(approval.decisions.values_list("signature_id", flat=True))
    audit.record(actor=actor, action="admin.change_applied", target=change,
                 details={"kind": change.kind, "person": change.person_id, "role": change.role,
                          "secrecy_post": change.secrecy_post, "terms": change.terms,
                          "requested_by": change.requested_by_id, "approval": approval.pk,
                          "signatures": signatures})


def register_approval_hooks() -> None:
    """The approval's outcome handed off onto the change (decision 0020), the terms signed, and a
    departure's hand-over of a unit-wide or administrator role (personnel.services.HANDOVER_REQUEST);
    and the reader of the technical settings (common.tunables)."""
    from approvals import services as approvals

    approvals.OUTCOME_HANDLERS[APPROVAL_KIND] = kit.hand_off(
        AdminChange, action="admin.change_decided", before=_before_outcome, on_approved=_apply,
    )
    approvals.SIGNED_TERMS[APPROVAL_KIND] = kit.signed_terms(AdminChange, _terms)
    personnel.HANDOVER_REQUEST["request"] = request_handover
    tunables.register_reader(read_settings)
