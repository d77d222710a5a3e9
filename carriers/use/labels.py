"""The names of the audit actions of use (R3), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "use.place_created": _("Reading place registered"),
    "use.place_changed": _("Reading place changed"),
    "use.session_recorded": _("Reading session recorded (reader told the rules)"),
    "use.session_ended": _("Reading session ended"),
    "carrier.read": _("Read (reading session or circulation)"),
    "use.circulation_started": _("Sent round for circulation"),
    "use.circulation_signed": _("Circulation: reader signed and passed it on"),
    "use.circulation_completed": _("Circulation completed (every reader signed)"),
    "use.circulation_cancelled": _("Circulation cancelled"),
    "use.loan_requested": _("Loan requested (credential checked)"),
    "use.loan_lent": _("Lent (lender signed)"),
    "use.loan_accepted": _("On loan (borrower counted and signed)"),
    "use.loan_returned": _("Returned to the lender (borrower signed)"),
    "use.loan_closed": _("Loan closed (lender counted and signed)"),
    "use.loan_cancelled": _("Loan cancelled"),
    "use.extension_requested": _("Loan extension requested"),
    "use.extension_decided": _("Loan extension decided"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
