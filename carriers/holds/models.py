"""Holds (冻结): the secrecy office freezes carriers — after an incident, for an inspection, for a
legal matter — so that none of them is destroyed, declassified, downgraded, copied or handed outside
the unit until the hold is lifted (with a signature). A hold names its carriers by its items; an
item stays active until its hold is lifted, so "is this carrier held?" is one indexed lookup."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Unit


class Hold(models.Model):
    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        INSPECTION = "inspection", _("Inspection")
        LEGAL = "legal", _("Legal matter")
        OTHER = "other", _("Other")

    number = models.CharField(_("hold number"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("incident"),
    )
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices,
                                             help_text=_("The highest level among the carriers held."))
    carrier_count = models.PositiveIntegerField(_("number of carriers"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("lifted by"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("why it was lifted"), max_length=2000, blank=True)
    lift_signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("signature lifting it"),
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes = [models.Index(fields=["unit", "lifted_at"], name="hold_unit_open_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["incident", "inspection", "legal", "other"]),
                                   name="hold_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
            # lifted: by whom, when, why and signed, all or nothing
            models.CheckConstraint(
                condition=(Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_signature__isnull=True, lift_reason=""))
                | (Q(lifted_at__isnull=False, lifted_by__isnull=False, lift_signature__isnull=False) & ~Q(lift_reason="")),
                name="hold_lifted_signed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class HoldItem(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="items")
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="hold_items")
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("held carrier")
        verbose_name_plural = _("held carriers")
        indexes = [models.Index(fields=["carrier"], condition=Q(is_active=True), name="hold_item_active_idx")]
        constraints = [models.UniqueConstraint(fields=["hold", "carrier"], name="hold_item_once")]

    def __str__(self) -> str:
        return f"{self.hold_id}:{self.carrier_id}"
