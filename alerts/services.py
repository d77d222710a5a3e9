"""Writes of the alerts app: running the checks, acknowledging, resolving at once, the digest."""

import logging
import zlib
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import services as audit
from common import access
from common.errors import ValidationFailed, enforce

from . import policy, rules
from .checks import REGISTRY, Check
from .models import ACTIVE_STATUSES, Alert, DigestSent
from .selectors import CARRIER_FIELD, DUE_FIELDS

log = logging.getLogger(__name__)

# errors worth a retry of the whole task (the database went away); anything else in one check is
# logged and the other checks go on
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
CLEARED = "condition cleared"
# kinds the checks never close themselves: a broken audit chain stays until an auditor, signing with
# their password, says they have examined it (acknowledge())
CLOSED_ONLY_BY_SIGNATURE = frozenset({"audit_chain_broken"})
SIGNED_CLOSE = "examined and closed by an auditor's signature"
CARRIER = "carriers.carrier"


def run_checks(*, only: str | list[str] | None = None, now=None) -> dict[str, dict]:
    """Run the registered checks (or `only` those kinds). Per kind: {"created": n, "resolved": n}
    or {"skipped": True} when its stage is absent, {"failed": True} when it raised."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    kinds = list(REGISTRY) if not only else ([only] if isinstance(only, str) else list(only))
    unknown = [k for k in kinds if k not in REGISTRY]
    if unknown:
        raise ValidationFailed({"only": [_("Unknown check: %(kinds)s.") % {"kinds": ", ".join(unknown)}]})
    results = {}
    for kind in kinds:
        try:
            results[kind] = _run_check(REGISTRY[kind], today=today, now=now)
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            log.exception("alert check %s failed; the other checks go on", kind)
            results[kind] = {"failed": True}
    return results


def _lock(kind: str) -> None:
    """Serialise runs of one kind across workers (a second run waits, then finds nothing new)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"alerts:{kind}".encode())])


def _run_check(check: Check, *, today, now) -> dict:
    with transaction.atomic():
        _lock(check.kind)
        due = check.due(today=today, now=now)
        if due is None:
            return {"skipped": True}
        rows = list(due)
        Alert.objects.bulk_create(
            [
                Alert(kind=check.kind, target_type=check.target_type, severity=check.severity,
                      status=Alert.Status.OPEN, opened_at=now, last_seen_at=now, carrier_id=_carrier_of(check, row),
                      **{field: row[name] for name, field in DUE_FIELDS.items()})
                for row in rows
            ],
            ignore_conflicts=True, batch_size=5000,
        )
        new = dict(Alert.objects.filter(kind=check.kind, opened_at=now).values_list("target_id", "pk"))
        if new and check.told is not None:
            through = Alert.recipients.through
            told = [
                through(alert_id=new[target_id], user_id=user_id)
                for target_id, user_id in check.told(today=today, now=now)
                if target_id in new and user_id is not None
            ]
            through.objects.bulk_create(told, ignore_conflicts=True, batch_size=5000)
        active = Alert.objects.filter(kind=check.kind, status__in=ACTIVE_STATUSES)
        due_ids = due.values("target_id") if isinstance(due, QuerySet) else [r["target_id"] for r in rows]
        active.filter(target_id__in=due_ids, last_seen_at__lt=now).update(last_seen_at=now)
        resolved = 0 if check.kind in CLOSED_ONLY_BY_SIGNATURE else active.filter(last_seen_at__lt=now).update(
            status=Alert.Status.RESOLVED, resolved_at=now, resolution_reason=CLEARED
        )
    if new or resolved:
        log.info("alert check %s: %d new, %d resolved", check.kind, len(new), resolved)
    return {"created": len(new), "resolved": resolved}


def _carrier_of(check: Check, row) -> int | None:
    """The carrier an alert names: its target when that is a carrier, or the due row's optional
    `alert_carrier` (e.g. a loan's carrier, whose registry number is the label)."""
    if check.target_type == CARRIER:
        return row["target_id"]
    return row.get(CARRIER_FIELD)


def resolve_for_target(*, kind: str, target, reason: str) -> int:
    """For a service that has just cleared a condition (the loan is returned): resolve its alert
    at once, in the caller's transaction, instead of on the next run."""
    if kind not in REGISTRY:
        raise ValueError(f"unknown alert kind {kind!r}")
    return Alert.objects.filter(
        kind=kind, target_type=REGISTRY[kind].target_type, target_id=target.pk, status__in=ACTIVE_STATUSES
    ).update(status=Alert.Status.RESOLVED, resolved_at=timezone.now(), resolution_reason=reason[:300])


def acknowledge(*, actor, alert_id: int, comment: str = "", password=None) -> Alert:
    """The responsible person, someone told, or the secrecy office of the alert's unit says they
    have seen it. Invisible alerts are missing (404); visible but not theirs: 403; twice: 409.
    A broken audit chain is closed only by an auditor who signs (password again): 403 for anyone
    else, 400 without the password; it is then resolved, with the signature on the trail."""
    comment = (comment or "").strip()
    enforce([rules.comment_valid(comment=comment)])
    with transaction.atomic():
        alert = access.restrict(Alert.objects.filter(pk=alert_id), actor).select_for_update().first()
        if alert is None:
            raise Http404
        enforce([policy.acknowledge_refusal(actor, alert)])
        enforce([rules.still_open(status=alert.status)])
        if alert.kind in CLOSED_ONLY_BY_SIGNATURE:
            return _close_by_signature(actor=actor, alert=alert, comment=comment, password=password)
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
        alert.acknowledge_comment = comment
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledge_comment"])
        audit.record(actor=actor, action="alert.acknowledge", target=alert,
                     details={"kind": alert.kind, "target": alert.target_label, "comment": comment})
    return alert


def _close_by_signature(*, actor, alert: Alert, comment: str, password) -> Alert:
    from common.errors import Refused
    from personnel import roles

    if not actor.groups.filter(name=roles.AUDITOR).exists():
        raise Refused(_("Only an auditor may close a broken audit chain alert, by signing it."))
    credential = audit.reauthenticate(signer=actor, password=password)
    now = timezone.now()
    alert.status = Alert.Status.RESOLVED
    alert.acknowledged_by, alert.acknowledged_at, alert.acknowledge_comment = actor, now, comment
    alert.resolved_at, alert.resolution_reason = now, SIGNED_CLOSE
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledge_comment",
                              "resolved_at", "resolution_reason"])
    audit.record(actor=actor, action="alert.acknowledge", target=alert,
                 details={"kind": alert.kind, "target": alert.target_label, "comment": comment, "signed": True})
    audit.sign(signer=actor, credential=credential, meaning="checked", target=alert,
               content={"alert": alert.pk, "kind": alert.kind, "target": alert.target_label, "comment": comment})
    return alert


def send_daily_digest(*, today=None) -> dict:
    """One email per person with the open alerts they may see (their own, their unit's for the
    secrecy office and auditors, their department's for its head). Registry numbers only, never
    titles. A person is mailed at most once a day, however often the task is delivered."""
    today = today or timezone.localdate()
    if not Alert.objects.filter(status=Alert.Status.OPEN).exists():
        return {"sent": 0}
    users = get_user_model().objects.filter(is_active=True, person__isnull=False).exclude(email="").order_by("pk")
    sent = 0
    for user in users.iterator():
        alerts = list(
            access.restrict(Alert.objects.filter(status=Alert.Status.OPEN), user).order_by("due_on", "pk")[:500]
        )
        if not alerts:
            continue
        _, created = DigestSent.objects.get_or_create(user=user, day=today, defaults={"alert_count": len(alerts)})
        if not created:
            continue
        mail.send_mail(_digest_subject(len(alerts)), _digest_body(alerts), settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return {"sent": sent}


def _digest_subject(count: int) -> str:
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append(_("Open alerts: %(count)d") % {"count": count})
    return " / ".join(parts)


def _digest_body(alerts) -> str:
    blocks = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lines = [_("Open alerts in the carrier registry:"), ""]
            by_kind = defaultdict(list)
            for alert in alerts:
                by_kind[alert.kind].append(alert)
            for kind, items in by_kind.items():
                lines.append(f"{REGISTRY[kind].label if kind in REGISTRY else kind} ({len(items)})")
                for alert in items:
                    due = alert.due_on.isoformat() if alert.due_on else "-"
                    lines.append(f"  - {alert.target_label}  {_('due on')} {due}  [{alert.get_severity_display()}]")
            blocks.append("\n".join(lines))
    return "\n\n----\n\n".join(blocks) + "\n"
