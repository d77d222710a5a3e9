"""The names of the audit actions of production (R1), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "production.place_created": _("Production place registered"),
    "production.enterprise_created": _("Outside enterprise registered"),
    "production.requested": _("Production requested"),
    "production.request_decided": _("Production request decided"),
    "production.run": _("Production carried out (copies registered)"),
    "production.intermediate_registered": _("Intermediate material registered"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
