"""Reads: the alerts a user may see (through the access gate) and, for the scheduled checks, the
due targets of each kind as ONE set-based query over the whole registry (no per-row Python).

A due query yields rows of DUE_FIELDS: target_id, target_label, alert_unit, alert_level, due_on,
alert_responsible; and, optionally, alert_carrier (CARRIER_FIELD).
Labels are registry, dispatch or request numbers, never titles."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import BigIntegerField, CharField, DateField, F, Value
from django.db.models.functions import Cast, Concat

from common import access

from .models import ACTIVE_STATUSES, Alert

# the due rows' names, and the Alert field each fills (names differ: values() refuses a model's own)
DUE_FIELDS = {
    "target_id": "target_id", "target_label": "target_label", "alert_unit": "unit_id", "alert_level": "level",
    "due_on": "due_on", "alert_responsible": "responsible_id",
}
# optional in a due row: the carrier the alert names when its target is not the carrier itself
# (e.g. a loan, labelled with its carrier's registry number); the alert is then seen only with it
CARRIER_FIELD = "alert_carrier"
ENDED_STATUSES = ("declassified", "destroyed")


def setting(name: str, default: int) -> int:
    return int(settings.REGISTRY.get(name, default))


# --- what a person sees ---------------------------------------------------------------------------

def visible_alerts(*, user):
    return access.restrict(Alert.objects.select_related("unit", "responsible__person", "acknowledged_by__person"), user)


def alert_list(*, user, kind: str = "", severity: str = "", status: str = ""):
    qs = visible_alerts(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_at", "-pk")


def alert_get(*, user, pk) -> Alert:
    from django.http import Http404

    try:
        return visible_alerts(user=user).get(pk=int(pk))
    except (Alert.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def open_count(*, user) -> int:
    return visible_alerts(user=user).filter(status=Alert.Status.OPEN).count()


# --- due targets, one query each --------------------------------------------------------------

def _carrier_rows(qs, due_on):
    return qs.values(
        target_id=F("pk"), target_label=F("registry_number"), alert_unit=F("unit"), alert_level=F("level"),
        due_on=due_on, alert_responsible=F("holder"),
    )


def due_secrecy_expiring(*, today: date, now: datetime):
    """Secrecy periods ending within the window (today included), carrier still classified."""
    from carriers.models import Carrier

    window = setting("SECRECY_EXPIRY_WINDOW_DAYS", 90)
    qs = Carrier.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=window))
    return _carrier_rows(qs.exclude(status__in=ENDED_STATUSES), F("expires_on"))


def due_secrecy_ended(*, today: date, now: datetime):
    """Secrecy periods that have ended while the carrier is neither declassified nor destroyed."""
    from carriers.models import Carrier

    qs = Carrier.objects.filter(expires_on__lt=today).exclude(status__in=ENDED_STATUSES)
    return _carrier_rows(qs, F("expires_on"))


def due_intermediates(*, today: date, now: datetime):
    """R1: intermediate materials marked for destruction and not destroyed by their date; the
    production stage's own selector says which (None when that stage is absent)."""
    try:
        from carriers.production.selectors import intermediate_overdue
    except ImportError:
        return None
    qs = intermediate_overdue(today=today).select_related(None).order_by()
    return _carrier_rows(qs, F("dispose_by"))


def due_approval_steps(*, today: date, now: datetime):
    """Open approval steps waiting longer than APPROVAL_STEP_MAX_DAYS."""
    from approvals.models import ApprovalRequest, RequestStep

    days = timedelta(days=setting("APPROVAL_STEP_MAX_DAYS", 3))
    qs = RequestStep.objects.filter(
        status=RequestStep.Status.OPEN, opened_at__lt=now - days,
        request__status__in=[ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW],
    )
    return qs.values(
        target_id=F("pk"),
        target_label=Concat(Value("#"), Cast("request_id", CharField()), Value(" / "), Cast("order", CharField()),
                            output_field=CharField()),
        alert_unit=F("request__unit"), alert_level=F("request__level"),
        due_on=Cast(F("opened_at") + days, DateField()), alert_responsible=Value(None, output_field=BigIntegerField()),
    )


def approval_step_deciders(*, today: date, now: datetime):
    """(step id, user id) of whoever holds the decide grant of a due step's request."""
    from approvals.models import ApprovalRequestUserObjectPermission

    steps = due_approval_steps(today=today, now=now).values("pk")
    return ApprovalRequestUserObjectPermission.objects.filter(
        permission__codename="decide_approvalrequest", content_object__steps__in=steps,
        content_object__steps__status="open",
    ).values_list("content_object__steps__id", "user_id")


def due_dispatches(*, today: date, now: datetime):
    """R2: dispatches still in transit DISPATCH_MAX_DAYS after they left."""
    from carriers.transmission.models import Dispatch

    days = timedelta(days=setting("DISPATCH_MAX_DAYS", 7))
    qs = Dispatch.objects.filter(status=Dispatch.Status.IN_TRANSIT, dispatched_at__lt=now - days)
    return qs.values(
        target_id=F("pk"), target_label=F("number"), alert_unit=F("sending_unit"), alert_level=F("level"),
        due_on=Cast(F("dispatched_at") + days, DateField()), alert_responsible=F("recipient"),
    )


def dispatch_senders(*, today: date, now: datetime):
    return due_dispatches(today=today, now=now).values_list("target_id", "dispatched_by")


def due_discrepancies(*, today: date, now: datetime):
    """R2: receipt discrepancies not yet resolved."""
    from carriers.transmission.models import DispatchDiscrepancy

    qs = DispatchDiscrepancy.objects.filter(resolution="")
    return qs.values(
        target_id=F("pk"),
        target_label=Concat(F("dispatch__number"), Value(" · "), F("kind"), output_field=CharField()),
        alert_unit=F("dispatch__receiving_unit"), alert_level=F("dispatch__level"),
        due_on=Cast("recorded_at", DateField()), alert_responsible=F("recorded_by"),
    )


def discrepancy_senders(*, today: date, now: datetime):
    return due_discrepancies(today=today, now=now).values_list("target_id", "dispatch__dispatched_by")


def due_audit_chain(*, today: date, now: datetime) -> list[dict]:
    """The nightly verification: a broken chain is one due target (the chain itself). Only the events
    since the last point found intact are verified (audit.services.verify_scheduled): flat in history."""
    from audit.services import verify_scheduled

    report = verify_scheduled()
    if report.ok:
        return []
    return [dict(target_id=0, target_label=f"audit chain (seq {report.broken_seq})", alert_unit=None, alert_level=None,
                 due_on=today, alert_responsible=None)]


def due_scheduler(*, today: date, now: datetime) -> list[dict]:
    """Celery beat's last attempt to hand a task to the broker failed (alerts.beat records it)."""
    from .beat import checks_status

    status = checks_status(now)
    if not status["beat_failing"]:
        return []
    return [dict(target_id=0, target_label=f"celery beat: {status['beat_error']}"[:200], alert_unit=None,
                 alert_level=None, due_on=today, alert_responsible=None)]


def audit_chain_keepers(*, today: date, now: datetime):
    """Auditors and secrecy offices of every unit are told of a broken chain."""
    from django.contrib.auth import get_user_model

    from personnel import roles

    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[roles.AUDITOR, roles.SECRECY_OFFICE], person__isnull=False
    ).distinct()
    return [(0, pk) for pk in users.values_list("pk", flat=True)]

