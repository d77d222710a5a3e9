"""The names of the audit actions of confidential meetings (R8), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "meeting.venue_created": _("Meeting venue recorded"),
    "meeting.venue_changed": _("Meeting venue changed"),
    "meeting.created": _("Meeting planned"),
    "meeting.attendees_added": _("Attendees added"),
    "meeting.attendee_removed": _("Attendee removed"),
    "meeting.submitted": _("Attendee list submitted for approval"),
    "meeting.list_decided": _("Attendee list decided"),
    "meeting.signed_in": _("Attendee signed in"),
    "meeting.distributed": _("Meeting copies handed out (organiser signed)"),
    "meeting.received": _("Meeting copies received (attendee counted and signed)"),
    "meeting.return_started": _("Meeting copies handed back (attendee signed)"),
    "meeting.returned": _("Meeting copies returned (organiser counted and signed)"),
    "meeting.keep_approved": _("Keeping after the meeting approved (organiser signed)"),
    "meeting.keep_started": _("Kept copies passed to the unit's secrecy office"),
    "meeting.kept": _("Kept copies in the unit's custody (counted and signed)"),
    "meeting.handover_withdrawn": _("Meeting handover withdrawn"),
    "meeting.closed": _("Meeting closed: return check signed"),
    "meeting.reconciled": _("Meeting copies brought in line with their handovers"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
