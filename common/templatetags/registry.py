from django import template

from common import labels

register = template.Library()

# A live read-only view of the registered audit action labels (each app registers its own from
# AppConfig.ready(), see common.labels), for code that wants a mapping.
ACTION_LABELS = labels.LabelTable(labels.ACTIONS)

CARRIER_STATUS = "carrier.status"  # the table the carriers app registers its statuses in


@register.filter
def status_label(code):
    """The translated name of a carrier status code (as stored in audit details)."""
    return labels.label(CARRIER_STATUS, code)


@register.filter
def action_label(action):
    """The translated name of an audit action; unknown actions show their code."""
    return labels.action_label(action)
