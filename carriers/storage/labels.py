"""The names of the audit actions of keeping and storage (R6), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "storage.stored": _("Put into a container"),
    "retention.requested": _("Temporary retention requested"),
    "retention.decided": _("Temporary retention decided"),
    "retention.started": _("Taken out of its container (temporary retention)"),
    "retention.ended": _("Temporary retention ended (back in a container)"),
    "archive.created": _("Archives registered"),
    "filing.started": _("Filed to the archives (filer counted and signed)"),
    "filing.archived": _("Archived (archives keeper counted and signed)"),
    "filing.cancelled": _("Filing taken back"),
    "container.access_logged": _("Container access logged"),
    "inventory.opened": _("Inventory check opened"),
    "inventory.confirmed": _("Carrier seen in an inventory check"),
    "inventory.scan_undone": _("Inventory scan undone"),
    "inventory.closed": _("Inventory check closed (two signatures)"),
    "inventory.record_printed": _("Inventory record printed (PDF with the audit checkpoint)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
