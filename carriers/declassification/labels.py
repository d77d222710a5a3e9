"""The names of the audit actions of secrecy periods and declassification, registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "declassification.proposed": _("Secrecy-period review proposed"),
    "declassification.decided": _("Secrecy-period review decided"),
    "declassification.applied": _("Secrecy-period review applied"),
    "declassification.condition_met": _("Declassification condition recorded as met"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
