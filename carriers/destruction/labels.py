"""The names of the audit actions of destruction (R7), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "destruction.facility_created": _("Designated destruction facility registered"),
    "destruction.requested": _("Destruction requested"),
    "destruction.request_decided": _("Destruction request decided"),
    "destruction.destroyed": _("Destroyed on the spot (destroyer and supervisor signed)"),
    "destruction.handed_over": _("Batch handed over for the designated facility"),
    "destruction.courier_received": _("Batch received by the courier"),
    "destruction.certificate_recorded": _("Facility's destruction certificate recorded"),
    "destruction.record_printed": _("Destruction record printed (PDF with the audit checkpoint)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
