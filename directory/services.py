"""Writes of the directory app: an account from the organisation's directory created or updated
(at login and by the sync), the sync itself (create, update, close), and its failure (an alert and
an audit event, nothing else changed). Every change is audited, as the system (actor None).

What the directory decides: the account's existence, its password, the person's name, employee
number, e-mail and department (through the group mapping). What it never decides: the secrecy
post (hence the clearance), the roles, the unit of an existing person, reactivating a closed
account; those stay with the registry's administrators."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone

from audit import services as audit
from personnel import services as personnel
from personnel.models import Person, Unit

from . import rules
from .models import DirectoryAccount, SyncRun

log = logging.getLogger(__name__)

SYSTEM = None  # the actor of every directory change: the system, on the directory's word
CREATED, UPDATED, UNCHANGED, CLOSED, IGNORED, SKIPPED = "created", "updated", "unchanged", "closed", "ignored", "skipped"
ALERT_KIND = "directory_unavailable"
ALERT_TARGET = "directory.sync"
_KEEP = object()  # the department stays as the registry has it


def config() -> dict:
    return settings.DIRECTORY


def _department(entry, cfg) -> tuple[object, str]:
    """(department, problem): a Unit, None (no mapped group: no department) or _KEEP."""
    decision, code = rules.department_decision(entry.groups, cfg["GROUP_DEPARTMENTS"])
    if decision == rules.UNMANAGED:
        return _KEEP, ""
    if decision == rules.AMBIGUOUS:
        return _KEEP, "the directory groups map to more than one department"
    if decision == rules.NO_GROUP:
        return None, ""
    department = Unit.objects.filter(code=code, kind=Unit.Kind.DEPARTMENT).first()
    if department is None:
        return _KEEP, f"no department with the code {code}"
    return department, ""


def _employee_number_problem(number: str, person: Person | None) -> str:
    if not number:
        return "no employee number in the directory"
    if len(number) > Person._meta.get_field("employee_number").max_length:
        return "the employee number is too long"
    taken = Person.objects.filter(employee_number=number)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    return "the employee number belongs to another person" if taken.exists() else ""


def _full_name(entry) -> str:
    return (entry.full_name or entry.username)[: Person._meta.get_field("full_name").max_length]


def apply_entry(entry, *, cfg: dict | None = None, now=None) -> tuple[str, object, list[str]]:
    """Create or update the registry account of one directory entry: (outcome, user or None,
    problems). A local account of the same username is never taken over."""
    cfg = cfg or config()
    now = now or timezone.now()
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(username__iexact=entry.username).first()
        if user is None:
            return _create(entry, cfg, now)
        link = DirectoryAccount.objects.select_for_update().filter(user=user).first()
        if link is None:
            return SKIPPED, None, ["a local account has this username; it is not taken over"]
        return _update(entry, user, link, cfg, now)


def _create(entry, cfg, now):
    if entry.disabled:
        return IGNORED, None, []
    problem = _employee_number_problem(entry.employee_number, None)
    if problem:
        return SKIPPED, None, [problem]
    department, problem = _department(entry, cfg)
    problems = [problem] if problem else []
    if department is _KEEP:
        department = None
    if department is not None:
        unit = department.top_unit
    else:
        unit = Unit.objects.filter(code=cfg["DEFAULT_UNIT"], kind=Unit.Kind.UNIT).first() if cfg["DEFAULT_UNIT"] else None
    if unit is None:
        return SKIPPED, None, problems + ["no unit: map one of its groups to a department, or set LDAP_DEFAULT_UNIT"]
    user = get_user_model()(username=entry.username, email=entry.email)
    user.set_unusable_password()  # the directory checks the password (directory.backends)
    user.save()
    person = Person.objects.create(
        user=user, full_name=_full_name(entry), employee_number=entry.employee_number, unit=unit,
        department=department, secrecy_post=Person.SecrecyPost.NONE,
    )
    DirectoryAccount.objects.create(user=user, dn=entry.dn, groups=entry.groups, last_seen_at=now)
    audit.record(
        actor=SYSTEM, action="directory.account_created", target=person,
        details={"username": entry.username, "dn": entry.dn, "employee_number": entry.employee_number,
                 "unit": unit.code, "department": department.code if department else None, "groups": entry.groups,
                 "secrecy_post": Person.SecrecyPost.NONE, "roles": [], "problems": problems},
    )
    return CREATED, user, problems


def _update(entry, user, link, cfg, now):
    person = Person.objects.select_for_update().filter(user=user).first()
    link.last_seen_at = now
    if person is None:
        link.save(update_fields=["last_seen_at"])
        return SKIPPED, None, ["the account has no person in the registry"]
    if not user.is_active or person.status != Person.Status.ACTIVE:
        # closed (by the sync or an administrator) or departed: reopening is the administrators' call
        link.save(update_fields=["last_seen_at"])
        return CLOSED, user, []
    problems, changes = [], {}
    name = _full_name(entry)
    if entry.full_name and name != person.full_name:
        changes["full_name"] = [person.full_name, name]
        person.full_name = name
    if entry.employee_number != person.employee_number:
        problem = _employee_number_problem(entry.employee_number, person)
        if problem:
            problems.append(problem)
        else:
            changes["employee_number"] = [person.employee_number, entry.employee_number]
            person.employee_number = entry.employee_number
    if entry.email and entry.email != user.email:
        changes["email"] = [user.email, entry.email]
        user.email = entry.email
    department, problem = _department(entry, cfg)
    if problem:
        problems.append(problem)
    if department is not _KEEP and getattr(department, "pk", None) != person.department_id:
        if department is not None and department.top_unit.pk != person.unit_id:
            problems.append(f"the department {department.code} belongs to another unit; moving a person between "
                            "units is the security administrator's decision")
        else:
            changes["department"] = [person.department.code if person.department else None,
                                     department.code if department else None]
            person.department = department
    if sorted(entry.groups) != sorted(link.groups or []):
        changes["groups"] = [link.groups, entry.groups]
        link.groups = entry.groups
    if entry.dn != link.dn:
        changes["dn"] = [link.dn, entry.dn]
        link.dn = entry.dn
    link.save(update_fields=["last_seen_at", "groups", "dn"])
    if not changes:
        return UNCHANGED, user, problems
    person.save(update_fields=["full_name", "employee_number", "department"])
    user.save(update_fields=["email"])
    audit.record(actor=SYSTEM, action="directory.account_updated", target=person,
                 details={"username": user.get_username(), "changes": changes, "problems": problems})
    return UPDATED, user, problems


def close(link: DirectoryAccount, *, reason: str, now=None) -> None:
    """The registry's own closing of an account (personnel.services.close_account: login refused,
    tokens revoked, sessions ended, audited as `account.closed`), as the system, for a directory
    account gone from the directory or disabled there."""
    now = now or timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(user_id=link.user_id)
        personnel.close_account(actor=SYSTEM, person=person, reason=reason)
        link.closed_at = now
        link.closed_reason = reason
        link.save(update_fields=["closed_at", "closed_reason"])


def sync(*, now=None) -> SyncRun | None:
    """The scheduled sync: read the whole directory first; if that fails, change nothing, record
    the failure (audit event, alert) and stop. Otherwise create and update every listed account
    and close the open directory accounts gone from the directory or disabled there."""
    from . import client

    cfg = config()
    if not cfg["ENABLED"]:
        return None
    started = now or timezone.now()
    try:
        entries = client.fetch_all(cfg)
    except client.DirectoryError as exc:
        return _failed(started, str(exc))
    open_links = DirectoryAccount.objects.filter(user__is_active=True)
    if not rules.may_close_any(listed=len(entries), linked_open=open_links.count()):
        return _failed(started, "the directory listed no account under the user search base")
    summary = {CREATED: [], UPDATED: [], CLOSED: [], UNCHANGED: 0, IGNORED: 0, "still_closed": 0, "problems": {}}
    for key in sorted(entries):
        entry = entries[key]
        try:
            outcome, _user, problems = apply_entry(entry, cfg=cfg, now=started)
        except DatabaseError as exc:  # one entry the database refuses: the others go on
            log.warning("directory sync: %s not applied: %s", entry.username, exc)
            outcome, problems = SKIPPED, [f"not saved: {type(exc).__name__}"]
        if outcome in (CREATED, UPDATED):
            summary[outcome].append(entry.username)
        elif outcome == CLOSED:
            summary["still_closed"] += 1
        elif outcome in (UNCHANGED, IGNORED):
            summary[outcome] += 1
        if problems:
            summary["problems"][entry.username] = problems
    for link in open_links.select_related("user").order_by("pk"):
        entry = entries.get(link.user.get_username().lower())
        reason = rules.account_state(present=entry is not None, disabled=bool(entry and entry.disabled))
        if reason:
            close(link, reason=reason, now=started)
            summary[CLOSED].append({"username": link.user.get_username(), "reason": reason})
    previous = SyncRun.objects.filter(ok=True).order_by("-started_at", "-pk").first()
    new_problems = summary["problems"] != (previous.summary.get("problems", {}) if previous else {})
    with transaction.atomic():
        run = SyncRun.objects.create(started_at=started, finished_at=timezone.now(), ok=True, summary=summary)
        # audited when it changed something or its problems changed (not every quiet hour)
        if summary[CREATED] or summary[UPDATED] or summary[CLOSED] or new_problems:
            audit.record(actor=SYSTEM, action="directory.synced", target=run, details=summary)
    _refresh_alert()
    return run


def _failed(started, error: str) -> SyncRun:
    log.error("directory sync failed, nothing changed: %s", error)
    with transaction.atomic():
        run = SyncRun.objects.create(started_at=started, finished_at=timezone.now(), ok=False, error=error[:500],
                                     summary={})
        audit.record(actor=SYSTEM, action="directory.sync_failed", target=run,
                     details={"error": error[:500], "changed": "nothing"})
    _refresh_alert()
    return run


def _refresh_alert() -> None:
    """Open the `directory_unavailable` alert now (or resolve it), instead of at the next checks."""
    from alerts import services as alerts

    alerts.run_checks(only=ALERT_KIND)
