"""The copying stage (R4): licences to copy, copy requests approved by the issuing authority and the
copies they made, and derived carriers (extracts, quotations, compilations) with their sources.

Copies and derived carriers are ordinary carriers (carriers.Carrier) registered through the core's
one registration path; Carrier.sources records what each was made from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from carriers.models import Carrier, Container
from common.levels import Level
from personnel.models import Unit


class CopyLicence(models.Model):
    """A unit (or department) registered as licensed to copy state secret carriers. Records are
    never edited: the latest record of a unit is its licence now (a later record with `licensed`
    off withdraws it)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="copy_licences", verbose_name=_("unit"))
    licensed = models.BooleanField(_("licensed to copy"), default=True)
    licensed_on = models.DateField(_("licensed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    may_copy_coded_telegrams = models.BooleanField(
        _("confidential department (may copy coded telegrams)"), default=False,
        help_text=_("Only a confidential department (机要部门) may copy coded telegrams."),
    )
    granted_by = models.CharField(_("granted by"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "-created_at", "-pk"]
        verbose_name = _("copy licence")
        verbose_name_plural = _("copy licences")
        indexes = [models.Index(fields=["unit", "-created_at"], name="copy_licence_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("licensed_on")),
                name="copy_licence_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.licence_number or self.granted_by}"


class CopyRequest(StageRequest):
    """A request to copy one carrier n times, for a purpose; approved by the issuing authority
    (the source's originating unit, by policy) and carried out once by the secrecy office of a
    licensed unit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet copied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        EXECUTED = "executed", _("Copied")

    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="copy_requests", verbose_name=_("requester")
    )
    source = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="copy_requests", verbose_name=_("carrier to copy")
    )
    copies = models.PositiveIntegerField(_("number of copies"))
    purpose = models.TextField(_("purpose"), max_length=2000)
    authority_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing authority")
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="copy_request", null=True, blank=True,
        verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("copied by"),
    )
    executed_at = models.DateTimeField(_("copied at"), null=True, blank=True)
    container = models.ForeignKey(
        Container, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("container")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("copy request")
        verbose_name_plural = _("copy requests")
        indexes = [models.Index(fields=["unit", "status"], name="copy_request_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="copy_request_level_valid"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="copy_request_copies_positive"),
            models.CheckConstraint(
                condition=~Q(status="executed")
                | Q(executed_by__isnull=False, executed_at__isnull=False, container__isnull=False),
                name="copy_request_executed_recorded",
            ),
        ]

    def __str__(self) -> str:
        label = _("Copy request")
        return f"{label} #{self.pk}"


class CopyMade(models.Model):
    """One copy a copy request made: a carrier in its own right, numbered within the request."""

    request = models.ForeignKey(CopyRequest, on_delete=models.PROTECT, related_name="made")
    carrier = models.OneToOneField(Carrier, on_delete=models.PROTECT, related_name="made_by_copying")
    copy_number = models.CharField(_("copy number"), max_length=6)

    class Meta:
        ordering = ["request", "copy_number"]
        verbose_name = _("copy made")
        verbose_name_plural = _("copies made")
        constraints = [
            models.UniqueConstraint(fields=["request", "copy_number"], name="copy_made_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.copy_number}"


class Derivation(StageRequest):
    """An extract or quotation (摘录/引用) from one or more carriers, or a compilation (汇编) of
    several, and the derived carrier it made. Its level and period are never below its sources'.
    A compilation is approved (policy) before it is made; an extract is made at once."""

    class Kind(models.TextChoices):
        EXTRACT = "extract", _("Extract or quotation")
        COMPILATION = "compilation", _("Compilation")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet made")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        MADE = "made", _("Made")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="derivations", verbose_name=_("requester")
    )
    sources = models.ManyToManyField(Carrier, related_name="derivation_uses", verbose_name=_("sources"))
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), max_length=2000)
    carrier_kind = models.CharField(_("carrier kind"), max_length=16, choices=Carrier.Kind.choices)
    medium = models.CharField(_("medium"), max_length=16, choices=Carrier.Medium.choices, blank=True)
    secrecy_years = models.PositiveSmallIntegerField(_("secrecy period (years)"), null=True, blank=True)
    secrecy_months = models.PositiveSmallIntegerField(_("secrecy period (months)"), null=True, blank=True)
    declassification_condition = models.CharField(_("declassification condition"), max_length=300, blank=True)
    period_start = models.DateField(_("secrecy period starts"))
    expires_on = models.DateField(_("secrecy period ends"), null=True, blank=True)
    marking_zh = models.CharField(_("marking (Chinese)"), max_length=400)
    marking_en = models.CharField(_("marking (English)"), max_length=400)
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="derivation", null=True, blank=True,
        verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    carrier = models.OneToOneField(
        Carrier, on_delete=models.PROTECT, related_name="derivation", null=True, blank=True,
        verbose_name=_("derived carrier"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("derivation")
        verbose_name_plural = _("derivations")
        indexes = [models.Index(fields=["unit", "kind", "status"], name="derivation_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="derivation_level_valid"),
            models.CheckConstraint(
                condition=Q(secrecy_years__isnull=False) | Q(secrecy_months__isnull=False)
                | ~Q(declassification_condition=""),
                name="derivation_has_period_or_condition",
            ),
            # made <=> a derived carrier, by someone, at a time
            models.CheckConstraint(
                condition=(Q(status="made") & Q(carrier__isnull=False, made_by__isnull=False, made_at__isnull=False))
                | (~Q(status="made") & Q(carrier__isnull=True)),
                name="derivation_made_has_carrier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def marking(self) -> str:
        from django.utils.translation import get_language

        return self.marking_en if (get_language() or "").startswith("en") else self.marking_zh
