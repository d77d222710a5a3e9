from django import template
from django.utils.translation import gettext_lazy as _

from carriers.models import Status

register = template.Library()

ACTION_LABELS = {
    "carrier.registered": _("Registered"),
    "signature.made": _("Signed"),
    "container.created": _("Container created"),
    "unit.created": _("Unit created"),
    "person.created": _("Person created"),
    "person.departed": _("Left the post"),
    # personnel (R10-R12, R14)
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
    # end personnel
    "person.otp_enrolled": _("Authenticator enrolled for signing"),
    "person.otp_removed": _("Authenticator removed"),
    "carrier.custody_changed": _("Custody changed"),
    "handover.started": _("Handover started (giver signed)"),
    "handover.completed": _("Handover completed (taker counted and signed)"),
    "handover.cancelled": _("Handover cancelled"),
    "dispatch.sent": _("Dispatched (sender counted and signed)"),
    "dispatch.received": _("Received (recipient counted and signed)"),
    "dispatch.discrepancy_resolved": _("Dispatch discrepancy resolved"),
    "approval.submitted": _("Request submitted"),
    "incident.reported": _("Incident reported"),
    "incident.step_recorded": _("Incident: measure or report recorded"),
    "incident.closed": _("Incident closed"),
    "approval.step_opened": _("Step opened for decision"),
    "approval.step_closed": _("Step closed"),
    "approval.decided": _("Decision signed"),
    "approval.approved": _("Request approved"),
    "approval.rejected": _("Request rejected"),
    "approval.withdrawn": _("Request withdrawn"),
    "approval.expired": _("Request expired"),
    "approval.consumed": _("Approval used"),
    "approval.delegated": _("Acting head named"),
    "approval.grant_added": _("Decision right granted"),
    "approval.grant_moved": _("Decision right moved"),
    "approval.grants_synced": _("Decision rights brought up to date"),
    "approval.orphaned": _("Nobody left to decide: secrecy office told"),
    "approval.policy_saved": _("Approval policy saved"),
    "approval.policy_deleted": _("Approval policy deleted"),
    "publication.submitted": _("Submitted for publication review"),
    "publication.released": _("Release recorded"),
    "production.place_created": _("Production place registered"),
    "production.enterprise_created": _("Outside enterprise registered"),
    "production.requested": _("Production requested"),
    "production.request_decided": _("Production request decided"),
    "production.run": _("Production carried out (copies registered)"),
    "production.intermediate_registered": _("Intermediate material registered"),
    "carry_out.requested": _("Carrying out requested"),
    "carry_out.decided": _("Carry-out request decided"),
    "carry_out.check_out_started": _("Check-out signed by the holder"),
    "carry_out.carried_out": _("Carried out (signed for by the person carrying)"),
    "carry_out.check_in_started": _("Check-in signed by the person carrying"),
    "carry_out.checked_in": _("Checked back in (counted, signed and stored)"),
    "carrier.reclassified": _("Level or secrecy period changed (re-marked)"),
    "declassification.proposed": _("Secrecy-period review proposed"),
    "declassification.decided": _("Secrecy-period review decided"),
    "declassification.applied": _("Secrecy-period review applied"),
    "declassification.condition_met": _("Declassification condition recorded as met"),
    "destruction.facility_created": _("Designated destruction facility registered"),
    "destruction.requested": _("Destruction requested"),
    "destruction.request_decided": _("Destruction request decided"),
    "destruction.destroyed": _("Destroyed on the spot (destroyer and supervisor signed)"),
    "destruction.handed_over": _("Batch handed over for the designated facility"),
    "destruction.courier_received": _("Batch received by the courier"),
    "destruction.certificate_recorded": _("Facility's destruction certificate recorded"),
    "register.exported": _("Register exported"),
    # use (R3)
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
    "inventory.closed": _("Inventory check closed (two signatures)"),
}


@register.filter
def status_label(code):
    """The translated name of a carrier status code (as stored in audit details)."""
    try:
        return Status(code).label
    except ValueError:
        return code


@register.filter
def action_label(action):
    """The translated name of an audit action; unknown actions show their code."""
    return ACTION_LABELS.get(action, action)
