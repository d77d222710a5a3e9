"""The production stage (R1): approved production places, licensed outside enterprises, production
requests that go through approval, and the runs that make exactly the approved copies. The
carriers a run makes (final copies and intermediate materials) point back with
Carrier.production_run."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from carriers.models import Carrier, Container
from common.levels import Level
from personnel.models import Bilingual, Unit


class ProductionPlace(Bilingual, models.Model):
    """A place of the unit approved for producing classified carriers (a print room, a secure
    workshop), with its approval and validity."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="production_places", verbose_name=_("unit"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    approval_reference = models.CharField(
        _("approval reference"), max_length=100, blank=True,
        help_text=_("The number of the document approving this place; empty while it is not approved."),
    )
    max_level = models.PositiveSmallIntegerField(_("approved up to"), choices=Level.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "name_zh", "pk"]
        verbose_name = _("production place")
        verbose_name_plural = _("production places")
        constraints = [
            models.CheckConstraint(condition=Q(max_level__in=Level.values), name="production_place_level_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="production_place_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """An outside enterprise that may be entrusted with production, with its licence (国家秘密载体
    印制资质). Self-employed individuals are recorded only to be refused."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="production_enterprises", verbose_name=_("registered by unit")
    )
    name = models.CharField(_("name"), max_length=200)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    licensed_level = models.PositiveSmallIntegerField(
        _("licensed up to"), choices=Level.choices, null=True, blank=True
    )
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    is_individual = models.BooleanField(
        _("self-employed individual"), default=False,
        help_text=_("Classified production is never entrusted to a self-employed individual."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "name", "pk"]
        verbose_name = _("outside enterprise")
        verbose_name_plural = _("outside enterprises")
        constraints = [
            models.CheckConstraint(
                condition=Q(licensed_level__isnull=True) | Q(licensed_level__in=Level.values),
                name="enterprise_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductionRequest(StageRequest):
    """A request to produce a classified document or article: what, at which level and period, for
    whom, how many, where. It goes through approval; the approver signs these terms."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet produced")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        PRODUCED = "produced", _("Produced")

    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="production_requests",
        verbose_name=_("requester"),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Carrier.Kind.choices)
    medium = models.CharField(_("medium"), max_length=16, choices=Carrier.Medium.choices, blank=True)
    secrecy_years = models.PositiveSmallIntegerField(_("secrecy period (years)"), null=True, blank=True)
    secrecy_months = models.PositiveSmallIntegerField(_("secrecy period (months)"), null=True, blank=True)
    declassification_condition = models.CharField(_("declassification condition"), max_length=300, blank=True)
    marking_zh = models.CharField(_("marking (Chinese)"), max_length=400)
    marking_en = models.CharField(_("marking (English)"), max_length=400)
    scope_departments = models.ManyToManyField(
        Unit, related_name="+", blank=True, verbose_name=_("distribution scope: departments")
    )
    scope_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("distribution scope: people")
    )
    scope_units = models.ManyToManyField(
        Unit, related_name="+", blank=True, verbose_name=_("distribution scope: other units")
    )
    copies = models.PositiveIntegerField(_("number of copies"))
    purpose = models.TextField(_("purpose"), max_length=2000)
    place = models.ForeignKey(
        ProductionPlace, on_delete=models.PROTECT, related_name="requests", null=True, blank=True,
        verbose_name=_("production place"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="requests", null=True, blank=True,
        verbose_name=_("outside enterprise"),
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="production_request", null=True,
        blank=True, verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("production request")
        verbose_name_plural = _("production requests")
        indexes = [models.Index(fields=["unit", "status"], name="production_request_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="production_request_level_valid"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="production_request_copies_positive"),
            # R1: at an approved place of the unit, or by an outside enterprise: exactly one of them
            models.CheckConstraint(
                condition=(Q(place__isnull=False) & Q(enterprise__isnull=True))
                | (Q(place__isnull=True) & Q(enterprise__isnull=False)),
                name="production_request_place_xor_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(secrecy_years__isnull=False) | Q(secrecy_months__isnull=False)
                | ~Q(declassification_condition=""),
                name="production_request_has_period_or_condition",
            ),
            models.CheckConstraint(
                condition=Q(kind="electronic", medium__gt="") | (~Q(kind="electronic") & Q(medium="")),
                name="production_request_medium_only_for_electronic",
            ),
        ]

    def __str__(self) -> str:
        label = _("Production request")
        return f"{label} #{self.pk}"

    @property
    def marking(self) -> str:
        from django.utils.translation import get_language

        return self.marking_en if (get_language() or "").startswith("en") else self.marking_zh


class ProductionRun(models.Model):
    """Carrying out an approved request, once: who ran it, when, where the copies are kept, how
    many were made (always the approved quantity)."""

    request = models.OneToOneField(
        ProductionRequest, on_delete=models.PROTECT, related_name="run", verbose_name=_("production request")
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    run_at = models.DateTimeField(_("run at"))
    container = models.ForeignKey(
        Container, on_delete=models.PROTECT, related_name="+", verbose_name=_("container")
    )
    copies_made = models.PositiveIntegerField(_("copies made"))

    class Meta:
        ordering = ["-run_at", "-pk"]
        verbose_name = _("production run")
        verbose_name_plural = _("production runs")
        constraints = [models.CheckConstraint(condition=Q(copies_made__gte=1), name="production_run_copies_positive")]

    def __str__(self) -> str:
        label = _("Production run")
        return f"{label} #{self.pk}"
