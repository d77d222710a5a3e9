"""DRF glue for the access gate: a permission class and a filter backend that both ask
common.access, so API lists, API details and HTML views see the same rows."""

from rest_framework import filters, permissions

from common import access


class GatePermission(permissions.BasePermission):
    """Needs a registered, active person; an action-level check when the view names one for the
    current action in `gate_actions` (e.g. {"create": carriers.policy.REGISTER_CARRIER})."""

    def has_permission(self, request, view):
        if access.person_of(request.user) is None:
            return False
        action = getattr(view, "gate_actions", {}).get(getattr(view, "action", None))
        return action is None or access.can(request.user, action)


class GateFilterBackend(filters.BaseFilterBackend):
    """Restricts every list and detail lookup to what the gate lets the user see."""

    def filter_queryset(self, request, queryset, view):
        return access.restrict(queryset, request.user)
