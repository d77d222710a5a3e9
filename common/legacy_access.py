"""The one access gate (DESIGN.md, idea 2).

- restrict(queryset, user): the rows of a model this user may see, as one set-based query.
- can(user, action, obj=None): may this user do this (to this object)?

Visibility of a carrier = clearance at or above its level AND need-to-know: the user holds it,
their department is in its distribution scope, they are named in the scope, they hold an explicit
object grant (django-guardian, direct-FK tables), or they hold a unit-wide office role in the
carrier's unit (secrecy office, auditor), or they head the department of its holder.
No role bypasses clearance; the Django superuser flag gives nothing here.
Objects a user may not see are answered as missing (404) by the callers.
"""

from django.db.models import QuerySet

from personnel import roles

# actions
VIEW = "view"
REGISTER_CARRIER = "register_carrier"
VIEW_AUDIT = "view_audit"
MANAGE_CONTAINERS = "manage_containers"

ACTION_ROLES = {
    REGISTER_CARRIER: {roles.SECRECY_OFFICE, roles.API_CLIENT},
    VIEW_AUDIT: {roles.AUDITOR, roles.SECRECY_OFFICE},
    MANAGE_CONTAINERS: {roles.SECRECY_OFFICE},
}


from common.access import can, clearance_of, has_role, person_of, restrict, roles_of  # noqa: E402,F401


def _visible_containers(queryset: QuerySet, user) -> QuerySet:
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id)


_RESTRICTORS = {
}


