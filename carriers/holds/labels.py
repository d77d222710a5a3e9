"""The names of the audit actions of holds, registered with common.labels from AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "hold.placed": _("Hold placed"),
    "hold.lifted": _("Hold lifted (signed)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
