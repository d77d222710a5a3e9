"""The names of the audit actions of alerts, registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "alert.acknowledge": _("Alert acknowledged"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
