"""Writes for units and people, audited."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit

from .models import Person, Unit


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


def record_departure(*, actor, person: Person, replacement=None) -> Person:
    """R12: a person leaves their post. From now on they see nothing and decide nothing; their
    open approval grants move to their replacement (where the replacement may decide)."""
    from approvals import services as approvals
    from common import access
    from common.errors import Conflict, Refused, ValidationFailed

    from . import roles

    if not access.has_role(actor, roles.SECRECY_OFFICE) or access.person_of(actor).unit_id != person.unit_id:
        raise Refused(_("Only the secrecy office of the person's unit records a departure."))
    if person.status == Person.Status.DEPARTED:
        raise Conflict(_("This person has already left their post."))
    if replacement is not None and replacement.pk == person.user_id:
        raise Conflict(_("A person cannot replace themselves."))
    # the replacement takes over the post: the approver roles the departed person held
    posts = set(person.user.groups.filter(name__in=APPROVER_ROLES).values_list("name", flat=True))
    if replacement is not None and roles.DEPARTMENT_HEAD in posts:
        rep = Person.objects.filter(user_id=replacement.pk).first()
        if rep is None or rep.department_id != person.department_id:
            raise ValidationFailed(
                {"replacement": [_("To take over as head of the department, the replacement must belong to it.")]}
            )
    with transaction.atomic():
        person.status = Person.Status.DEPARTED
        person.save(update_fields=["status"])
        taken_over = []
        if replacement is not None:
            for group in Group.objects.filter(name__in=posts):
                replacement.groups.add(group)
                taken_over.append(group.name)
        audit.record(
            actor=actor, action="person.departed", target=person,
            details={"replacement": replacement.pk if replacement else None, "roles_taken_over": sorted(taken_over)},
        )
        approvals.transfer_grants(actor=actor, departed=person.user, replacement=replacement)
        approvals.sync_open_grants(actor=actor)
    return person


def enrol_one_time_code(*, actor, person: Person, remove: bool = False) -> str:
    """Enrol (or remove) an authenticator for signing: from then on every signature also needs
    its current code. Only the person or the secrecy office of their unit. Returns the
    provisioning URI to load into the authenticator ('' when removed); the secret itself is
    never written to the audit trail."""
    import pyotp

    from common import access
    from common.errors import Refused

    from . import roles

    own = actor.pk == person.user_id
    office = access.has_role(actor, roles.SECRECY_OFFICE) and access.person_of(actor).unit_id == person.unit_id
    if not (own or office):
        raise Refused(_("Only the person or the secrecy office of their unit enrols an authenticator."))
    secret = "" if remove else pyotp.random_base32()
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(otp_secret=secret)
        audit.record(actor=actor, action="person.otp_removed" if remove else "person.otp_enrolled", target=person,
                     details={})
    if remove:
        return ""
    return pyotp.TOTP(secret).provisioning_uri(name=person.user.get_username(), issuer_name="Carrier Registry")
