"""The separation of the three administrators (三员分立, issue 15) as pure functions and tables:
facts in, None or a Violation out; no database.

- the system administrator (系统管理员): accounts (create, deactivate, reactivate), second factors,
  sessions and tokens; sees no carrier;
- the security administrator (安全保密管理员): roles, secrecy posts (hence clearance), unit and
  department, departments, approval policies; sees no carrier beyond their own clearance and
  need-to-know;
- the security auditor (安全审计员): reads the administrators' trail and verifies the chain; changes
  nothing; sees no carrier.

One person holds at most one of the three, and none of them also holds a role in
EXCLUSIVE_WITH_ADMIN (the database refuses it too: administration/triggers.py). No administrator
changes their own account, roles, post or department."""

from django.utils.translation import gettext as _

from common.errors import Violation
from personnel import roles

SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
SECURITY_AUDITOR = "security_auditor"
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, SECURITY_AUDITOR)

# business roles an administrator may not also hold: the unit-wide office roles (their changes
# would widen what the office sees), the approver roles and the API client
EXCLUSIVE_WITH_ADMIN = ("secrecy_office", "auditor", "unit_head", "department_head", "api_client")
# roles whose grant needs a second administrator's approval (the unit-wide roles and the admins)
# (personnel.roles holds the list: a departure hands these over only through the same request)
FOUR_EYES_ROLES = roles.FOUR_EYES_ROLES
# every role a security administrator may grant or take back
GRANTABLE_ROLES = ("staff", "department_head", "unit_head", "api_client", "secrecy_office", "auditor", *ADMIN_ROLES)

POST_RANK = {"none": 0, "general": 1, "important": 2, "core": 3}

# --- actions (access.can(user, ACTION, person_or_None)) -------------------------------------------

VIEW_ADMINISTRATION = "view_administration"
CREATE_ACCOUNT = "admin_create_account"
DEACTIVATE_ACCOUNT = "admin_deactivate_account"
REACTIVATE_ACCOUNT = "admin_reactivate_account"
RESET_FACTOR = "admin_reset_factor"
END_SESSIONS = "admin_end_sessions"
ASSIGN_ROLE = "admin_assign_role"
SET_POST = "admin_set_post"
SET_DEPARTMENT = "admin_set_department"
MANAGE_DEPARTMENTS = "admin_manage_departments"
CHANGE_POLICY = "admin_change_policy"
DECIDE_CHANGE = "admin_decide_change"
VIEW_ADMIN_TRAIL = "admin_view_trail"
CHANGE_SETTING = "admin_change_setting"

# which duty each action belongs to: the separation, as one table
DUTY = {
    CREATE_ACCOUNT: SYSTEM_ADMIN,
    DEACTIVATE_ACCOUNT: SYSTEM_ADMIN,
    REACTIVATE_ACCOUNT: SYSTEM_ADMIN,
    RESET_FACTOR: SYSTEM_ADMIN,
    END_SESSIONS: SYSTEM_ADMIN,
    CHANGE_SETTING: SYSTEM_ADMIN,
    ASSIGN_ROLE: SECURITY_ADMIN,
    SET_POST: SECURITY_ADMIN,
    SET_DEPARTMENT: SECURITY_ADMIN,
    MANAGE_DEPARTMENTS: SECURITY_ADMIN,
    CHANGE_POLICY: SECURITY_ADMIN,
    DECIDE_CHANGE: SECURITY_ADMIN,
    VIEW_ADMIN_TRAIL: SECURITY_AUDITOR,
}
# actions done to a person: never to oneself
ON_A_PERSON = {DEACTIVATE_ACCOUNT, REACTIVATE_ACCOUNT, RESET_FACTOR, END_SESSIONS, ASSIGN_ROLE, SET_POST,
               SET_DEPARTMENT}

# the administrators' trail: what the security auditor reads (audit actions, by exact name or prefix)
# (directory.: accounts the scheduled sync created, updated or could not reach, recorded as the system)
ADMIN_ACTION_PREFIXES = ("admin.", "account.", "approval.policy_", "register.", "audit.", "unit.", "directory.")
ADMIN_ACTIONS = ("person.created", "person.post_changed", "person.departed")

ROLE_LABEL_KEYS = GRANTABLE_ROLES


def admin_role_of(role_names) -> str | None:
    """The one administrator role among these role names (None: not an administrator)."""
    held = [name for name in ADMIN_ROLES if name in role_names]
    return held[0] if held else None


def within_duty(*, role_names, action: str) -> bool:
    return DUTY.get(action) in role_names


def not_self(*, actor_id: int, subject_user_id: int | None) -> Violation | None:
    if subject_user_id is not None and actor_id == subject_user_id:
        return Violation(_("No administrator changes their own account, roles, post or department: another "
                           "administrator does it."), code="own_account", kind="refused")
    return None


def outside_duty(*, allowed: bool) -> Violation | None:
    if not allowed:
        return Violation(_("This is not your administrator's duty (system administrator: accounts; security "
                           "administrator: roles, posts, departments, policies; security auditor: reads only)."),
                         code="outside_duty", kind="refused")
    return None


def role_known(*, role: str) -> Violation | None:
    if role not in GRANTABLE_ROLES:
        return Violation(_("Unknown role."), field="role", code="unknown_role")
    return None


def roles_compatible(*, held, role: str) -> Violation | None:
    """One administrator role per person; no administrator with a business role it would widen."""
    held = set(held) - {role}
    if role in ADMIN_ROLES and held & (set(ADMIN_ROLES) | set(EXCLUSIVE_WITH_ADMIN)):
        return Violation(_("This person already holds a role that cannot go with an administrator role (one "
                           "administrator role per person, and no unit-wide, approver or API role with it)."),
                         field="role", code="roles_exclusive", kind="conflict")
    if role in EXCLUSIVE_WITH_ADMIN and held & set(ADMIN_ROLES):
        return Violation(_("An administrator cannot also hold this role: their own changes would widen it."),
                         field="role", code="roles_exclusive", kind="conflict")
    return None


def not_held(*, held, role: str) -> Violation | None:
    if role in set(held):
        return Violation(_("This person already holds this role."), field="role", code="already_held",
                         kind="conflict")
    return None


def held(*, held, role: str) -> Violation | None:
    if role not in set(held):
        return Violation(_("This person does not hold this role."), field="role", code="not_held", kind="conflict")
    return None


def post_known(*, post: str) -> Violation | None:
    if post not in POST_RANK:
        return Violation(_("Unknown post."), field="secrecy_post", code="unknown_post")
    return None


def is_raise(*, before: str, after: str) -> bool:
    return POST_RANK.get(after, 0) > POST_RANK.get(before, 0)


def post_changes(*, before: str, after: str) -> Violation | None:
    if before == after:
        return Violation(_("The person already holds this post."), field="secrecy_post", code="unchanged",
                         kind="conflict")
    return None


def reason_given(*, reason: str) -> Violation | None:
    if not (reason or "").strip():
        return Violation(_("Give the reason for this change."), field="reason", code="reason_required")
    return None


def person_active(*, active: bool) -> Violation | None:
    if not active:
        return Violation(_("This person has left their post: reactivate them first (a request a second "
                           "administrator approves)."), code="departed", kind="conflict")
    return None


def person_departed(*, departed: bool) -> Violation | None:
    if not departed:
        return Violation(_("This person has not left their post."), code="not_departed", kind="conflict")
    return None


def account_state(*, is_active: bool, wanted: bool) -> Violation | None:
    if is_active == wanted:
        message = _("The account is already active.") if wanted else _("The account is already deactivated.")
        return Violation(message, code="unchanged", kind="conflict")
    return None


def setting_value(*, value, low: int, high: int) -> Violation | None:
    """A technical setting: a whole number within its range."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return Violation(_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
                         field="value", code="out_of_range")
    return None


def setting_changes(*, before: int, after: int) -> Violation | None:
    if before == after:
        return Violation(_("The setting already has this value."), field="value", code="unchanged", kind="conflict")
    return None


def department_of_unit(*, department_unit_id: int | None, unit_id: int) -> Violation | None:
    if department_unit_id != unit_id:
        return Violation(_("Choose a department of the person's unit."), field="department", code="department")
    return None
