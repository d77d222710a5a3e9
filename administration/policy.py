"""Access policy of the administration app (issue 15), registered with the gate in
AdministrationConfig.ready(): the separation of the three administrators as actions on the gate
(each asks administration.rules.DUTY), who sees the four-eyes requests, and who reads the
administrators' trail.

- every action of an administrator is limited to the people of their own unit, never themselves;
- the four-eyes requests (AdminChange) are seen by the administrators of their unit, whoever
  may see their approval request (its approvers) and the requester; none names a carrier;
- the administrators' trail (AdminEvent, a proxy of the audit events) is read by the security
  auditor only: every event of an administrator, and the events of the administrative actions of
  anyone (rules.ADMIN_ACTION_PREFIXES / ADMIN_ACTIONS), whose actor is of their unit or the system, and, by the gate, only those that name
  no carrier the auditor may not open (the auditor opens none)."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink

from . import rules
from .models import AdminChange, AdminEvent, TechnicalSetting


def _me(user):
    return access.person_of(user)


def admin_role(user) -> str | None:
    return rules.admin_role_of(access.roles_of(user))


def is_administrator(user) -> bool:
    return admin_role(user) is not None


def _checker(action: str):
    """The gate's check for one action: the right duty, the person of the actor's unit (the gate
    adds VIEW on it), never oneself."""

    def check(user, obj=None) -> bool:
        if not rules.within_duty(role_names=access.roles_of(user), action=action):
            return False
        if obj is None:
            return True
        me = _me(user)
        if me is None or getattr(obj, "unit_id", None) != me.unit_id:
            return False
        # a person (their user) or a request (its requester): never oneself
        subject = obj.user_id if hasattr(obj, "user_id") else getattr(obj, "requested_by_id", None)
        return not ((action in rules.ON_A_PERSON or action == rules.DECIDE_CHANGE) and subject == user.pk)

    check.__name__ = f"may_{action}"
    return check


def may_view_administration(user, obj=None) -> bool:
    """The administration pages: any of the three administrators (the auditor reads only)."""
    return is_administrator(user)


def visible_changes(queryset: QuerySet, user) -> QuerySet:
    me = _me(user)
    need = Q(requested_by_id=user.pk) | Q(approval_id__in=access.restrict_label("approvals.approvalrequest", user)
                                          .values("pk"))
    if is_administrator(user):
        need |= Q(unit_id=me.unit_id)
    return queryset.filter(need)


def is_admin_event() -> Q:
    """The audit actions of the administrators' trail."""
    condition = Q(action__in=rules.ADMIN_ACTIONS)
    for prefix in rules.ADMIN_ACTION_PREFIXES:
        condition |= Q(action__startswith=prefix)
    return condition


def visible_admin_events(queryset: QuerySet, user) -> QuerySet:
    if not access.has_role(user, rules.SECURITY_AUDITOR):
        return queryset.none()
    me = _me(user)
    # what the administrators did (whatever the action: their requests and signed decisions too), and
    # the administrative actions of anyone (logins, lockouts, factor resets, exports, posts)
    by_an_administrator = Q(actor__groups__name__in=rules.ADMIN_ROLES)
    return queryset.filter(pk__in=queryset.model._default_manager.filter(is_admin_event() | by_an_administrator)
                           .filter(Q(actor__isnull=True) | Q(actor__person__unit_id=me.unit_id)).values("pk"))


def visible_settings(queryset: QuerySet, user) -> QuerySet:
    """The technical settings: read by the three administrators (changed by the system administrator)."""
    return queryset if is_administrator(user) else queryset.none()


def register() -> None:
    access.register(AdminChange, visible_changes)
    access.register(TechnicalSetting, visible_settings)
    index = CarrierLink(through="audit.auditeventcarrier", parent="event_id", field="carrier_id")
    access.register(AdminEvent, visible_admin_events, names_carriers=[index])
    access.register_action(rules.VIEW_ADMINISTRATION, may_view_administration)
    for action in rules.DUTY:
        access.register_action(action, _checker(action))
