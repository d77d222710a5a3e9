"""The names of the audit actions of the registry core, registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

from .models import Status

STATUS = "carrier.status"

ACTION_LABELS = {
    "carrier.registered": _("Registered"),
    "classification.item_added": _("Item added to the list of secret matters"),
    "classification.item_retired": _("Item of the list of secret matters retired"),
    "classification.classifier_designated": _("Classifier designated"),
    "classification.classifier_revoked": _("Classifier designation revoked"),
    "container.created": _("Container created"),
    "carrier.custody_changed": _("Custody changed"),
    "handover.started": _("Handover started (giver signed)"),
    "handover.completed": _("Handover completed (taker counted and signed)"),
    "handover.cancelled": _("Handover cancelled"),
    "carrier.reclassified": _("Level or secrecy period changed (re-marked)"),
    "carrier.status_changed": _("Status changed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
    # carrier statuses as written into audit details ("carrier.status_changed")
    labels.register_labels(STATUS, Status.choices)
