"""The names of the audit actions of personnel (R10-R12, R14), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "unit.created": _("Unit created"),
    "person.created": _("Person created"),
    "person.departed": _("Left the post"),
    "person.departure_signed": _("Departure completed and signed by the secrecy office"),
    "account.closed": _("Account closed (login disabled, tokens revoked, sessions ended)"),
    "person.pledge_signed": _("Secrecy pledge signed"),
    "person.training_recorded": _("Confidentiality training recorded"),
    "person.inspected": _("Supervision or inspection recorded"),
    "person.post_changed": _("Secrecy post changed"),
    "person.passport_moved": _("Passport handed in or out"),
    "travel.requested": _("Travel abroad requested"),
    "travel.decided": _("Travel request decided"),
    "travel.trip_recorded": _("Trip recorded"),
    "travel.unapproved_trip": _("Trip without approval recorded (violation)"),
    "departure.requested": _("Departure from the post requested"),
    "departure.decided": _("Departure request decided"),
    "departure.completed": _("Departure completed (recall done, disengagement period begun)"),
    "departure.disengagement_ended": _("End of the disengagement period recorded"),
    "person.otp_enrolled": _("Authenticator enrolled for signing"),
    "person.otp_removed": _("Authenticator removed"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
