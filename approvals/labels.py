"""The names of the audit actions of approvals and publication review (R9), registered with common.labels from
AppConfig.ready(); the audit trail, its filters and the audit register show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "approval.submitted": _("Request submitted"),
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
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
