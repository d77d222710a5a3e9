"""The names of the audit actions of holdings reviews and spot checks (common.labels)."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "holdings_review.opened": _("Holdings review opened"),
    "holdings_review.answered": _("Holdings review answered"),
    "holdings_review.closed": _("Holdings review closed"),
    "spot_check.drawn": _("Spot check drawn"),
    "spot_check.scanned": _("Carrier found in a spot check"),
    "spot_check.closed": _("Spot check closed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
