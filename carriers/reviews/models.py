"""Holdings reviews (清退/清理) and spot checks (抽查).

A holdings review asks each holder to confirm every carrier they hold: keep it (with a reason),
return it to the secrecy office, or propose its destruction. Its lines are the register of the
answers. A spot check is a random sample of the unit's kept carriers (strata by level), checked
by scanning like an inventory. Container checks are the storage app's access log (opened, closed,
checked); this app only alerts when a container opened today was not checked at the end of day."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Unit


class HoldingsReview(models.Model):
    number = models.CharField(_("review number"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    due_on = models.DateField(_("answers due by"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices,
                                             help_text=_("The highest level among the carriers reviewed."))
    line_count = models.PositiveIntegerField(_("number of carriers"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("holdings review")
        verbose_name_plural = _("holdings reviews")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(closed_at__isnull=True),
                                    name="holdings_review_one_open_per_unit"),
            models.CheckConstraint(condition=Q(closed_at__isnull=True, closed_by__isnull=True)
                                   | Q(closed_at__isnull=False, closed_by__isnull=False),
                                   name="holdings_review_closed_by_whom"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReviewLine(models.Model):
    class Answer(models.TextChoices):
        KEEP = "keep", _("Keep (with the reason)")
        RETURN = "return", _("Return to the secrecy office")
        DESTROY = "destroy", _("Propose destruction")

    review = models.ForeignKey(HoldingsReview, on_delete=models.PROTECT, related_name="lines")
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("holder"))
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["review_id", "holder_id", "carrier_id"]
        verbose_name = _("carrier to confirm")
        verbose_name_plural = _("carriers to confirm")
        indexes = [models.Index(fields=["holder"], condition=Q(answer=""), name="review_line_unanswered_idx")]
        constraints = [
            models.UniqueConstraint(fields=["review", "carrier"], name="review_line_once"),
            models.CheckConstraint(condition=Q(answer__in=["", "keep", "return", "destroy"]),
                                   name="review_line_answer_valid"),
            models.CheckConstraint(condition=Q(answer="", answered_at__isnull=True)
                                   | (~Q(answer="") & Q(answered_at__isnull=False)),
                                   name="review_line_answered_when"),
            models.CheckConstraint(condition=~Q(answer="keep") | ~Q(reason=""), name="review_line_keep_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.carrier_id}"


class SpotCheck(models.Model):
    number = models.CharField(_("spot check number"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    strata = models.JSONField(_("sample size by level"), default=dict)
    size = models.PositiveIntegerField(_("sample size"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    missing_count = models.PositiveIntegerField(_("not found"), null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="spot_check_not_empty"),
            models.CheckConstraint(condition=Q(closed_at__isnull=True, closed_by__isnull=True, missing_count__isnull=True)
                                   | Q(closed_at__isnull=False, closed_by__isnull=False, missing_count__isnull=False),
                                   name="spot_check_closed_with_result"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SpotCheckLine(models.Model):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="lines")
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("found at"), null=True, blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                 blank=True, verbose_name=_("found by"))

    class Meta:
        ordering = ["spot_check_id", "carrier_id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "carrier"], name="spot_check_line_once"),
            models.CheckConstraint(condition=Q(found_at__isnull=True, found_by__isnull=True)
                                   | Q(found_at__isnull=False, found_by__isnull=False), name="spot_check_line_found_by"),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check_id}:{self.carrier_id}"
