"""The names of the audit actions of the audit trail, registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "signature.made": _("Signed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
