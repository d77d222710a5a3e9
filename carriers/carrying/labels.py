"""The names of the audit actions of carrying out (R5), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "carry_out.requested": _("Carrying out requested"),
    "carry_out.decided": _("Carry-out request decided"),
    "carry_out.check_out_started": _("Check-out signed by the holder"),
    "carry_out.carried_out": _("Carried out (signed for by the person carrying)"),
    "carry_out.check_in_started": _("Check-in signed by the person carrying"),
    "carry_out.checked_in": _("Checked back in (counted, signed and stored)"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
