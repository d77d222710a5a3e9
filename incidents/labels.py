"""The names of the audit actions of leak incidents (R13), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "incident.reported": _("Incident reported"),
    "incident.step_recorded": _("Incident: measure or report recorded"),
    "incident.closed": _("Incident closed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
