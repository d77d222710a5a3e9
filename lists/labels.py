"""The names of the lists' audit actions, registered with common.labels from AppConfig.ready(); the
audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "list.exported": _("List exported (CSV or PDF)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
