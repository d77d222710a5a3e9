"""The names of the audit actions of dispatch and receipt (R2), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "dispatch.sent": _("Dispatched (sender counted and signed)"),
    "dispatch.received": _("Received (recipient counted and signed)"),
    "dispatch.discrepancy_resolved": _("Dispatch discrepancy resolved"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
