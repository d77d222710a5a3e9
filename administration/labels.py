"""The names of the audit actions of the administrators (issue 15), registered with common.labels
from AppConfig.ready(); the audit trail, its filters and the registers show them."""

from django.utils.translation import gettext_lazy as _

from common import labels

ACTION_LABELS = {
    "admin.account_created": _("Account created by the system administrator"),
    "admin.setting_changed": _("Technical setting changed by the system administrator"),
    "admin.setting_reset": _("Technical setting reset to its default"),
    "admin.account_deactivated": _("Account deactivated by the system administrator"),
    "admin.account_reactivated": _("Account reactivated by the system administrator"),
    "admin.role_granted": _("Role granted"),
    "admin.role_revoked": _("Role taken back"),
    "admin.post_lowered": _("Secrecy post lowered by the security administrator"),
    "admin.department_changed": _("Department changed"),
    "admin.person_reactivated": _("Person who had left reactivated (approved)"),
    "admin.change_requested": _("Administrative change requested (four eyes)"),
    "admin.change_decided": _("Administrative change decided"),
    "admin.change_applied": _("Administrative change approved and applied"),
}


def register() -> None:
    labels.register_action_labels(ACTION_LABELS)
