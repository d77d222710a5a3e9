"""Roles are Django groups with these names (created by a data migration)."""

from django.utils.translation import gettext_lazy as _

SECRECY_OFFICE = "secrecy_office"
DEPARTMENT_HEAD = "department_head"
UNIT_HEAD = "unit_head"
AUDITOR = "auditor"
STAFF = "staff"
API_CLIENT = "api_client"

ROLE_LABELS = {
    SECRECY_OFFICE: _("Secrecy office"),
    DEPARTMENT_HEAD: _("Department head"),
    UNIT_HEAD: _("Head of the unit"),
    AUDITOR: _("Auditor"),
    STAFF: _("Staff"),
    API_CLIENT: _("API client"),
}
ALL_ROLES = list(ROLE_LABELS)
