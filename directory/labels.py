"""Labels of the directory app's audit actions (common.labels)."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "directory.account_created": _("Account created from the directory"),
    "directory.account_updated": _("Account updated from the directory"),
    "directory.synced": _("Directory synchronised"),
    "directory.sync_failed": _("Directory unavailable: sync failed, nothing changed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
