"""The names of the audit actions of registers and chain verification, registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "register.exported": _("Register exported"),
    "register.export_requested": _("Register export requested"),
    "register.export_failed": _("Register export failed"),
    "register.export_retried": _("Register export retried"),
    "register.export_rerun": _("Register export started again after its worker stopped"),
    "register.export_downloaded": _("Register export downloaded"),
    "register.export_expired": _("Register export expired and deleted"),
    "audit.chain_verified": _("Audit chain verified"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
