"""Secrecy periods: when a carrier's period is ending or has ended, or its declassification
condition is met, its originating unit reviews it. A review proposes to extend the period (never
beyond the statutory maximum for the level), to downgrade the level (never to unclassified) or to
declassify; it goes through approval (kind "declassification") and, once approved, is applied:
the carrier is re-marked (carriers.services.reclassify) or declassified (its status)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from common.levels import Level
from personnel.models import Unit


class Outcome(models.TextChoices):
    EXTEND = "extend", _("Extend the secrecy period")
    DOWNGRADE = "downgrade", _("Downgrade the classification level")
    DECLASSIFY = "declassify", _("Declassify")


class ConditionMet(models.Model):
    """Someone records that a carrier's declassification condition is met: this opens a review
    for its originating unit, until a review of the carrier is approved and applied."""

    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="conditions_met",
                                verbose_name=_("carrier"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("reviewing unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    condition = models.CharField(_("declassification condition"), max_length=300)
    note = models.CharField(_("how it was met"), max_length=1000)
    met_on = models.DateField(_("met on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    closed_by = models.ForeignKey("DeclassificationReview", on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("closed by the review"))
    closed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("declassification condition met")
        verbose_name_plural = _("declassification conditions met")
        constraints = [
            # one open record per carrier
            models.UniqueConstraint(fields=["carrier"], condition=Q(closed_at__isnull=True),
                                    name="condition_met_one_open_per_carrier"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="condition_met_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{_('Condition met')} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class DeclassificationReview(StageRequest):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPLIED = "applied", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="declassification_reviews",
                                verbose_name=_("carrier"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewing unit"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("proposed by"))
    outcome = models.CharField(_("proposed outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    condition_met = models.ForeignKey(ConditionMet, on_delete=models.PROTECT, related_name="reviews", null=True,
                                      blank=True, verbose_name=_("condition met"))
    # what the carrier was when the review was proposed (its level: StageRequest.level), and what it is to become
    secrecy_years = models.PositiveSmallIntegerField(_("secrecy period (years)"), null=True, blank=True)
    secrecy_months = models.PositiveSmallIntegerField(_("secrecy period (months)"), null=True, blank=True)
    expires_on = models.DateField(_("secrecy period ends"), null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(_("new classification level"), choices=Level.choices, null=True,
                                                 blank=True)
    new_secrecy_years = models.PositiveSmallIntegerField(_("new secrecy period (years)"), null=True, blank=True)
    new_secrecy_months = models.PositiveSmallIntegerField(_("new secrecy period (months)"), null=True, blank=True)
    new_expires_on = models.DateField(_("new end of the secrecy period"), null=True, blank=True)
    new_marking_zh = models.CharField(_("new marking (Chinese)"), max_length=400, blank=True)
    new_marking_en = models.CharField(_("new marking (English)"), max_length=400, blank=True)
    approval = models.OneToOneField("approvals.ApprovalRequest", on_delete=models.PROTECT,
                                    related_name="declassification_review", null=True, blank=True,
                                    verbose_name=_("approval"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("declassification review")
        verbose_name_plural = _("declassification reviews")
        indexes = [models.Index(fields=["unit", "status"], name="declass_review_unit_idx")]
        constraints = [
            models.UniqueConstraint(fields=["carrier"], condition=Q(status="submitted"),
                                    name="declass_review_one_open_per_carrier"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="declass_review_level_valid"),
            # never to unclassified: a downgrade names a lower level that is still a level
            models.CheckConstraint(
                condition=~Q(outcome="downgrade") | Q(new_level__in=Level.values, new_level__lt=models.F("level")),
                name="declass_review_downgrade_to_a_lower_level",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="extend")
                | Q(new_secrecy_years__isnull=False) | Q(new_secrecy_months__isnull=False),
                name="declass_review_extend_names_a_period",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="declassify") | Q(new_level__isnull=True, new_secrecy_years__isnull=True,
                                                       new_secrecy_months__isnull=True),
                name="declass_review_declassify_has_no_new_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Declassification review')} #{self.pk}"

    @property
    def number(self) -> str:
        return f"DR-{self.pk}"

    @property
    def new_marking(self) -> str:
        from django.utils.translation import get_language

        return self.new_marking_en if (get_language() or "").startswith("en") else self.new_marking_zh
