"""The administrators' register (issue 15, item 5), discovered by registers.registry: every account,
role, clearance, department and policy change in a period, with who made it, who requested and who
approved it, and the approvers' signatures. Rows are the administrators' trail through the gate
(administration.policy: the security auditor), so it is drawn by the one who audits them; PDF and
CSV, both languages, like every register."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Signature
from common import access
from common.labels import action_label
from registers.base import (
    Column,
    Extract,
    Register,
    choice_field,
    clean_filters,
    in_period,
    signatures_text,
)
from registers.selectors import require_register_access

from .models import AdminEvent

# the changes (not the logins and exports the trail also holds)
CHANGE_ACTIONS = (
    "admin.account_created", "admin.account_deactivated", "admin.account_reactivated", "admin.role_granted",
    "admin.role_revoked", "admin.post_lowered", "admin.department_changed", "admin.person_reactivated",
    "admin.change_requested", "admin.change_applied", "admin.change_decided", "person.created", "person.post_changed",
    "person.departed", "account.closed", "account.factor_reset", "account.unlocked", "approval.policy_saved",
    "approval.policy_deleted", "unit.created", "directory.account_created", "directory.account_updated",
)


def _fields():
    return {"kind": choice_field(_("Action"), [(a, action_label(a)) for a in CHANGE_ACTIONS])}


def administrators_extract(*, user, params) -> Extract:
    require_register_access(user)
    filters = clean_filters(params, _fields())
    rows = access.restrict(AdminEvent.objects.filter(action__in=CHANGE_ACTIONS), user)
    if filters.data.get("kind"):
        rows = rows.filter(action=filters.data["kind"])
    rows = list(in_period(rows, "at", filters).select_related("actor__person").order_by("seq"))
    _attach_signatures(rows)
    return Extract(rows=rows, filters=filters.applied, period=filters.period, described=filters.described)


def _attach_signatures(rows) -> None:
    """The approvers' signatures of each applied change (one query for the register)."""
    ids = set()
    for row in rows:
        ids.update(s for s in (row.details or {}).get("signatures", []) if isinstance(s, int))
    found = {s.pk: s for s in Signature.objects.filter(pk__in=ids)} if ids else {}
    requesters = {(row.details or {}).get("requested_by") for row in rows} - {None}
    names = {}
    if requesters:
        from django.contrib.auth import get_user_model

        for user in get_user_model().objects.filter(pk__in=[r for r in requesters if isinstance(r, int)]) \
                .select_related("person"):
            person = getattr(user, "person", None)
            names[user.pk] = person.full_name if person else user.get_username()
    for row in rows:
        row.approver_signatures = [found[s] for s in (row.details or {}).get("signatures", []) if s in found]
        row.requested_by_name = names.get((row.details or {}).get("requested_by"), "")


def _requested_by(row) -> str:
    return getattr(row, "requested_by_name", "")


def _what(row) -> str:
    details = row.details or {}
    keys = ("kind", "role", "secrecy_post", "from", "to", "reason", "username", "steps", "after", "before", "dn",
            "department", "changes")
    parts = [f"{key}: {details[key]}" for key in keys if key in details and details[key] not in ("", None, [], {})]
    return "; ".join(parts)[:400]


def _approved(row) -> str:
    return signatures_text(row.approver_signatures) if getattr(row, "approver_signatures", None) else (
        gettext("not needed") if not row.action.startswith("admin.change") else "")


ADMINISTRATORS = Register(
    name="administrators",
    title_zh="管理员操作登记簿",
    title_en="Register of the administrators' changes",
    columns=(
        Column("审计序号", "Audit seq.", lambda r: r.seq, "6%"),
        Column("时间", "Time", lambda r: r.at, "10%"),
        Column("事项", "Change", lambda r: action_label(r.action), "16%"),
        Column("对象", "About", lambda r: r.target_label, "12%"),
        Column("操作人", "Made by", lambda r: r.actor_name, "10%"),
        Column("申请人", "Requested by", _requested_by, "10%"),
        Column("内容", "What changed", _what, "18%"),
        Column("批准签名（姓名·时间·含义）", "Approved by (name · time · meaning)", _approved, "18%"),
    ),
    draw=administrators_extract,
    fields=_fields,
    filter_names=("kind", "date_from", "date_to"),
)

REGISTERS = [ADMINISTRATORS]
