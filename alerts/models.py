"""Alerts raised by the scheduled checks: one row per (kind, target) while the condition holds.

The partial unique constraint on (kind, target_type, target_id) over the open and acknowledged
rows is what makes every check idempotent: a check run twice, or a task delivered twice, inserts
with ON CONFLICT DO NOTHING and creates nothing twice. A resolved alert leaves the constraint, so
the same condition arising again later opens a new alert."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Unit

ACTIVE_STATUSES = ("open", "acknowledged")


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    # kinds live in alerts.checks.REGISTRY (later stages add theirs); no database choices
    kind = models.CharField(_("kind"), max_length=48)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.BigIntegerField(_("target id"))
    # a registry number, dispatch number or request number: never a title
    target_label = models.CharField(_("target"), max_length=200)
    # the carrier the alert is about, when it is about one (its label is that carrier's registry
    # number): the alert is seen only with it (alerts/policy.py, the gate's names_carriers)
    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("carrier"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("unit")
    )
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices, null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.WARNING)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("responsible person"),
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="alerts_told", blank=True, verbose_name=_("told")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledge_comment = models.CharField(_("comment"), max_length=1000, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_reason = models.CharField(_("how it was resolved"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["kind", "status"], name="alert_kind_status_idx"),
            models.Index(fields=["unit", "status"], name="alert_unit_status_idx"),
            models.Index(fields=["responsible", "status"], name="alert_responsible_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"], condition=Q(status__in=ACTIVE_STATUSES),
                name="alert_one_active_per_target",
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "acknowledged", "resolved"]), name="alert_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=["info", "warning", "critical"]), name="alert_severity_valid"),
            models.CheckConstraint(
                condition=~Q(status="acknowledged") | Q(acknowledged_at__isnull=False),
                name="alert_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False) | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="alert_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.target_label}"

    @property
    def kind_label(self):
        from .checks import kind_label

        return kind_label(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class DigestSent(models.Model):
    """One row per person and day: the daily digest task, delivered twice, mails once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    alert_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class ScheduledRun(models.Model):
    """What the scheduler did last, per beat task (one row each), kept in the database so that it
    can be read when Redis is down: when beat last handed the task to the broker or failed to,
    and when a worker (or the embedded scheduler) last started, finished or failed it.
    Written by alerts.beat.RecordingScheduler and by the task signals in alerts.beat."""

    task = models.CharField(_("task"), max_length=120, unique=True)
    last_sent_at = models.DateTimeField(_("last handed to the broker at"), null=True, blank=True)
    send_failed_at = models.DateTimeField(_("last failed to reach the broker at"), null=True, blank=True)
    send_error = models.CharField(_("why it could not be sent"), max_length=300, blank=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded at"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed at"), null=True, blank=True)
    last_error = models.CharField(_("why it failed"), max_length=300, blank=True)

    class Meta:
        ordering = ["task"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.task
