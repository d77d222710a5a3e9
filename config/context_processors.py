"""Template context for every page: the navigation's counters and the current person's roles.
It lives in the composition root because it reads several apps (approvals, alerts, personnel)."""

from alerts import selectors as alert_selectors
from approvals import selectors as approval_selectors
from audit import policy as audit_policy
from carriers import policy as carrier_policy
from common import access
from personnel.roles import ROLE_LABELS


def navigation(request):
    user = getattr(request, "user", None)
    person = access.person_of(user)
    decide_count = notice_count = alert_count = 0
    if person is not None:
        decide_count = approval_selectors.queue(user=user).count()
        notice_count = approval_selectors.unread_notices(user=user).count()
        alert_count = alert_selectors.open_count(user=user)
    return {
        "decide_count": decide_count,
        "notice_count": notice_count,
        "alert_count": alert_count,
        "current_person": person,
        "current_roles": [ROLE_LABELS[r] for r in sorted(access.roles_of(user)) if r in ROLE_LABELS],
        "can_register_carrier": access.can(user, carrier_policy.REGISTER_CARRIER),
        "can_view_audit": access.can(user, audit_policy.VIEW_AUDIT),
    }
