"""Roles are Django groups with these names (created by a data migration)."""

from django.utils.translation import gettext_lazy as _

SECRECY_OFFICE = "secrecy_office"
DEPARTMENT_HEAD = "department_head"
UNIT_HEAD = "unit_head"
AUDITOR = "auditor"
STAFF = "staff"
API_CLIENT = "api_client"
# the three administrators (三员分立, issue 15): at most one of them per person (administration app)
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
SECURITY_AUDITOR = "security_auditor"
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, SECURITY_AUDITOR)
# roles whose grant needs a second administrator's signed approval (issue 15, four eyes): the
# unit-wide roles and the administrators; a departure hands them over only through that request
FOUR_EYES_ROLES = (SECRECY_OFFICE, AUDITOR, *ADMIN_ROLES)

ROLE_LABELS = {
    SECRECY_OFFICE: _("Secrecy office"),
    DEPARTMENT_HEAD: _("Department head"),
    UNIT_HEAD: _("Head of the unit"),
    AUDITOR: _("Auditor"),
    STAFF: _("Staff"),
    API_CLIENT: _("API client"),
    SYSTEM_ADMIN: _("System administrator"),
    SECURITY_ADMIN: _("Security administrator"),
    SECURITY_AUDITOR: _("Security auditor"),
}
ALL_ROLES = list(ROLE_LABELS)
