"""Background register exports and background chain verifications: jobs with a status and progress.
The result file of an export lives under REGISTRY["REGISTER_EXPORT_DIR"] until it expires."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired (file deleted)")


class RegisterExport(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="register_exports",
        verbose_name=_("requested by"),
    )
    register = models.CharField(_("register"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.PDF)
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("register's classification level"), choices=Level.choices, null=True,
                                             blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    result_path = models.CharField(_("result file"), max_length=300, blank=True)
    chain_head = models.CharField(_("audit chain head"), max_length=64, blank=True)
    chain_count = models.PositiveBigIntegerField(_("audit chain length"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    # the outbox (common/outbox.py): when the task was last handed to the broker (empty: not yet,
    # e.g. the broker was down; the sweeper sends it); the running worker's heartbeat, its run's
    # token (only that run may finish the job) and how many times a run was started again
    # automatically after its worker stopped (at most REGISTER_AUTO_RERUNS)
    dispatched_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    run_token = models.CharField(_("run"), max_length=32, blank=True)
    reruns = models.PositiveSmallIntegerField(_("automatic re-runs"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="register_export_mine_idx"),
            models.Index(fields=["expires_at"], condition=Q(status="done"), name="register_export_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="register_export_progress_percent"),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="register_export_status_valid"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(result_path=""),
                                   name="register_export_done_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.register} #{self.pk}"

    @property
    def waiting_for_broker(self) -> bool:
        """Queued and not yet handed to the broker (it was down): it starts when the broker is back."""
        return self.status == JobStatus.QUEUED and self.dispatched_at is None


class ChainVerification(models.Model):
    """One run of "verify the chain" started by an auditor, done in the background."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chain_verifications",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    ok = models.BooleanField(_("chain holds"), null=True, blank=True)
    count = models.PositiveBigIntegerField(_("events checked"), null=True, blank=True)
    head = models.CharField(_("head hash"), max_length=64, blank=True)
    broken_seq = models.PositiveBigIntegerField(_("broken at sequence number"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("handed to the broker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"chain verification #{self.pk}"
