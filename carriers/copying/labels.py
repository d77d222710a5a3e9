"""The names of the audit actions of copying, extracting and compiling (R4), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "copying.licence_recorded": _("Licence to copy recorded"),
    "copying.requested": _("Copies requested"),
    "copying.request_decided": _("Copy request decided"),
    "copying.executed": _("Copies made (registered as carriers)"),
    "copying.extract_made": _("Extract registered"),
    "copying.compilation_requested": _("Compilation requested"),
    "copying.compilation_decided": _("Compilation request decided"),
    "copying.compilation_made": _("Compilation made (registered as a carrier)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
