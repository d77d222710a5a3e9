"""The names of the legacy import's audit actions, registered with common.labels."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "ledger_import.uploaded": _("Legacy ledger uploaded for preview"),
    "ledger_import.rows_excluded": _("Legacy ledger: rows left out of the import"),
    "ledger_import.imported": _("Legacy ledger imported"),
    "ledger_import.discarded": _("Legacy ledger import discarded"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
