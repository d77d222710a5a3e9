from django import template

from common import access

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def dispatches_waiting(context) -> int:
    """For the navigation: dispatches waiting for this user to count and sign, plus unread notices
    about dispatches (two indexed counts)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if access.person_of(user) is None:
        return 0
    return selectors.inbox_count(user=user) + selectors.unread_notices(user=user).count()
