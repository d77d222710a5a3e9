from django import template

from carriers.models import Status

register = template.Library()


@register.filter
def status_label(code):
    """The translated name of a carrier status code (as stored in audit details)."""
    try:
        return Status(code).label
    except ValueError:
        return code
