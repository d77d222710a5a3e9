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


def record_departure(*, actor, person: Person, replacement=None) -> Person:
    """R12: a person leaves their post. From now on they see nothing and decide nothing; their
    open approval grants move to their replacement (where the replacement may decide)."""
    from approvals import services as approvals
    from common import access
    from common.errors import Conflict, Refused

    from . import roles

    if not access.has_role(actor, roles.SECRECY_OFFICE) or access.person_of(actor).unit_id != person.unit_id:
        raise Refused(_("Only the secrecy office of the person's unit records a departure."))
    if person.status == Person.Status.DEPARTED:
        raise Conflict(_("This person has already left their post."))
    if replacement is not None and replacement.pk == person.user_id:
        raise Conflict(_("A person cannot replace themselves."))
    with transaction.atomic():
        person.status = Person.Status.DEPARTED
        person.save(update_fields=["status"])
        audit.record(
            actor=actor, action="person.departed", target=person,
            details={"replacement": replacement.pk if replacement else None},
        )
        approvals.transfer_grants(actor=actor, departed=person.user, replacement=replacement)
    return person
