"""Reads of the administration pages and API (issue 15): every one starts from the gate."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import factors
from accounts import tokens as account_tokens
from accounts.models import SecurityKey
from approvals import kit
from audit.models import AuditEvent, AuditEventCarrier
from common import access, tunables
from common.errors import Refused
from personnel.models import Person, Unit
from personnel.roles import ROLE_LABELS

from . import rules
from .models import AdminChange, AdminEvent, TechnicalSetting


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def require_administrator(user) -> None:
    if not access.can(user, rules.VIEW_ADMINISTRATION):
        raise Refused(_("Only the system administrator, the security administrator and the security auditor use "
                        "these pages."))


def people(*, user, params=None) -> QuerySet:
    """The people of the administrator's unit, filtered: q (name, login, employee number), role,
    post, status (active/departed), account (active/inactive), department."""
    require_administrator(user)
    params = params or {}
    rows = access.restrict(Person.objects.all(), user).select_related("user", "department", "unit")
    q = (params.get("q") or "").strip()[:100]
    if q:
        rows = rows.filter(Q(full_name__icontains=q) | Q(user__username__icontains=q) | Q(employee_number__icontains=q))
    role = params.get("role") or ""
    if role:
        rows = rows.filter(user__groups__name=role)
    post = params.get("post") or ""
    if post:
        rows = rows.filter(secrecy_post=post)
    status = params.get("status") or ""
    if status in Person.Status.values:
        rows = rows.filter(status=status)
    account = params.get("account") or ""
    if account in ("active", "inactive"):
        rows = rows.filter(user__is_active=account == "active")
    department = params.get("department") or ""
    if str(department).isdigit():
        rows = rows.filter(department_id=int(department))
    return rows.prefetch_related("user__groups").distinct().order_by("employee_number")


def person_get(*, user, pk) -> Person:
    """A person of the administrator's unit by their user id (as in every people URL), or 404 as if
    missing."""
    require_administrator(user)
    person = access.restrict(Person.objects.all(), user).select_related("user", "unit", "department") \
        .filter(user_id=kit.parse_pk(pk)).first()
    if person is None:
        raise Http404
    return person


def departments(*, user) -> QuerySet:
    """The departments of the reader's unit."""
    return access.restrict(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT), user).order_by("code")


def department_of(*, unit_id: int, pk) -> Unit | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Unit.objects.filter(pk=pk, kind=Unit.Kind.DEPARTMENT, parent_id=unit_id).first()


def account_state(person: Person) -> dict:
    """The person's account as an administrator sees it: roles, clearance, factors, tokens,
    sessions (never a secret)."""
    user = person.user
    device = factors.totp_device(user)
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "is_active": user.is_active,
        "last_login": user.last_login,
        "authenticator": device is not None,
        "recovery_codes_left": factors.recovery_codes_left(user),
        "security_keys": SecurityKey.objects.filter(user=user).count(),
        "tokens": list(account_tokens.live_tokens(user).order_by("-created_at")
                       .values("pk", "name", "prefix", "created_at", "expires_at", "last_used_at")),
        "sessions": len(account_tokens.sessions_of(user)),
    }


def person_history(*, user, person: Person) -> QuerySet:
    """The events about this person (and their account), newest first. Administrators see their
    unit's people; every event about a person is an administrative or secrecy-file event."""
    require_administrator(user)
    names_carrier = AuditEventCarrier.objects.filter(event_id=OuterRef("pk"))
    return AuditEvent.objects.filter(target_type="personnel.person", target_id=str(person.pk)) \
        .filter(~Exists(names_carrier)).select_related("actor").order_by("-seq")


def changes(*, user, params=None) -> QuerySet:
    require_administrator(user)
    params = params or {}
    rows = access.restrict(AdminChange.objects.all(), user) \
        .select_related("person", "requested_by__person", "approval")
    status = params.get("status") or ""
    if status in AdminChange.Status.values:
        rows = rows.filter(status=status)
    kind = params.get("kind") or ""
    if kind in AdminChange.Kind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")


def change_get(*, user, pk) -> AdminChange:
    return kit.get_or_404(changes(user=user), pk)


def change_history(change: AdminChange) -> QuerySet:
    return kit.history(change, also=Q(target_type="approvals.approvalrequest", target_id=str(change.approval_id)))


def admin_trail(*, user, params=None) -> QuerySet:
    """The administrators' trail (security auditor): newest first, filtered by action and actor."""
    if not access.has_role(user, rules.SECURITY_AUDITOR):
        raise Refused(_("Only the security auditor reads the administrators' trail."))
    params = params or {}
    rows = access.restrict(AdminEvent.objects.all(), user).select_related("actor")
    action = (params.get("action") or "").strip()[:64]
    if action:
        rows = rows.filter(action__startswith=action)
    actor = (params.get("actor") or "").strip()[:150]
    if actor:
        rows = rows.filter(actor_name__icontains=actor)
    return rows.order_by("-seq")



def technical_settings(*, user) -> list[dict]:
    """The technical settings (common.tunables) with the value in force, the environment's default
    and who changed it last: read by the three administrators."""
    require_administrator(user)
    changed = {row.key: row for row in access.restrict(TechnicalSetting.objects.all(), user)
               .select_related("changed_by")}
    out = []
    for key, tunable in tunables.TUNABLES.items():
        row = changed.get(key)
        out.append({"key": key, "label": tunable.label, "help": tunable.help, "unit": tunable.unit,
                    "low": tunable.low, "high": tunable.high, "environment": tunable.environment,
                    "default": tunable.default(), "value": row.value if row is not None else tunable.default(),
                    "changed": row is not None, "changed_by": row.changed_by.get_username() if row else "",
                    "changed_at": row.changed_at if row else None, "reason": row.reason if row else ""})
    return out
