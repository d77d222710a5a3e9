from django import template

from accounts import factors

register = template.Library()


@register.simple_tag(takes_context=True)
def factor_state(context, person):
    """For a person's secrecy file: whether they have a second factor (never the secret) and whether
    the viewer may reset it (the secrecy office of their unit, not for themselves)."""
    user = context["request"].user
    return {
        "enrolled": factors.has_factor(person.user),
        "may_reset": factors.may_reset_factor(user, person),
        "shown": user.pk == person.user_id or factors.may_reset_factor(user, person),
    }
