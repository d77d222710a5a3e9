"""Issue 19, item 5: a unit's paper or spreadsheet ledger (台账) imported from Excel or CSV.

An ImportBatch is one uploaded file: its columns, the mapping of its columns to the registry's
fields, and its rows as read (kept for the preview and the dry run; nothing is registered until
the clerk confirms the whole batch with their password). ImportedCarrier marks each carrier the
batch registered as imported, with its number in the old ledger (unique per unit: a ledger number
is imported once)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from personnel.models import Unit


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview: nothing registered yet")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    headers = models.JSONField(_("columns of the file"), default=list)
    mapping = models.JSONField(_("column of the file for each field"), default=dict)
    rows = models.JSONField(_("rows as read"), default=list)
    excluded = models.JSONField(_("rows left out by the clerk"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEW)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["preview", "imported", "discarded"]),
                                   name="import_batch_status_valid"),
            models.CheckConstraint(condition=~Q(status="imported") | Q(imported_at__isnull=False),
                                   name="import_batch_imported_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} #{self.pk}"


class ImportedCarrier(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="carriers")
    carrier = models.OneToOneField("carriers.Carrier", on_delete=models.PROTECT, related_name="imported_from",
                                   verbose_name=_("carrier"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    row_number = models.PositiveIntegerField(_("row of the file"))
    legacy_number = models.CharField(_("number in the old ledger"), max_length=60)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("imported carrier")
        verbose_name_plural = _("imported carriers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "legacy_number"], name="imported_legacy_number_once"),
        ]

    def __str__(self) -> str:
        return self.legacy_number
