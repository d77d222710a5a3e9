from personnel.roles import ROLE_LABELS

from . import access


def navigation(request):
    user = getattr(request, "user", None)
    person = access.person_of(user)
    return {
        "current_person": person,
        "current_roles": [ROLE_LABELS[r] for r in sorted(access.roles_of(user)) if r in ROLE_LABELS],
        "can_register_carrier": access.can(user, access.REGISTER_CARRIER),
        "can_view_audit": access.can(user, access.VIEW_AUDIT),
    }
