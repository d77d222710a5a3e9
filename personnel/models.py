from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from common.levels import CLEARANCE_LABELS, NO_CLEARANCE, Level


class Bilingual:
    """A row named in both interface languages; `name` follows the active language."""

    @property
    def name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class Unit(Bilingual, models.Model):
    """An organ or unit (机关、单位) and, below it, its departments: one tree."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")
        DEPARTMENT = "department", _("Department")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="unit", parent__isnull=True) | Q(kind="department", parent__isnull=False),
                name="unit_tree_shape",
                violation_error_message=_("A unit has no parent; a department belongs to a unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def top_unit(self) -> "Unit":
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


class Person(models.Model):
    """The profile of a user: where they work and which secrecy post they hold."""

    class SecrecyPost(models.TextChoices):
        CORE = "core", _("Core")
        IMPORTANT = "important", _("Important")
        GENERAL = "general", _("General")
        NONE = "none", _("Not secret-related")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEPARTED = "departed", _("Departed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person", verbose_name=_("user")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    employee_number = models.CharField(_("employee number"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"),
        limit_choices_to={"kind": Unit.Kind.UNIT},
    )
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff", null=True, blank=True,
        verbose_name=_("department"), limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
    )
    secrecy_post = models.CharField(
        _("secrecy post"), max_length=16, choices=SecrecyPost.choices, default=SecrecyPost.NONE
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    post_since = models.DateField(_("in the post since"), null=True, blank=True)

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def clearance(self) -> int:
        """Highest level this person may access (0: none). Departed people have none."""
        if self.status != self.Status.ACTIVE:
            return NO_CLEARANCE
        return settings.REGISTRY["CLEARANCE_BY_POST"].get(self.secrecy_post, NO_CLEARANCE)

    @property
    def clearance_label(self):
        return CLEARANCE_LABELS[self.clearance]


# --- the secrecy file of a secret-related person (R10-R12, R14) --------------------------------


class Pledge(models.Model):
    """A signed secrecy pledge (保密承诺书): on taking up a secret-related post (R10: no state
    secrets in private contacts, letters, public places or unprotected phones) and on leaving it
    (R12: the obligation continues through the disengagement period). Signed in the registry with
    the person's password, or a paper original recorded by the secrecy office."""

    class Kind(models.TextChoices):
        ON_POST = "on_post", _("On taking up the post")
        DEPARTURE = "departure", _("On leaving the post")

    class Method(models.TextChoices):
        SIGNED = "signed", _("Signed in the registry (password)")
        RECORDED = "recorded", _("Paper original recorded by the secrecy office")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ON_POST)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    signed_on = models.DateField(_("signed on"))
    reference = models.CharField(
        _("archive reference"), max_length=100, blank=True,
        help_text=_("Where the paper original is kept (required when recorded by the secrecy office)."),
    )
    signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signature"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("secrecy pledge")
        verbose_name_plural = _("secrecy pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(method="signed", signature__isnull=False) | Q(method="recorded", reference__gt=""),
                name="pledge_signed_or_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.signed_on}"


class TrainingRecord(models.Model):
    """Confidentiality education and training (保密教育培训, R14): course, date, result, hours."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        ATTENDED = "attended", _("Attended (no examination)")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("person"))
    course = models.CharField(_("course"), max_length=200)
    held_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["person", "result", "held_on"], name="training_person_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=1000), name="training_hours_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.held_on}"


class Inspection(models.Model):
    """Supervision and inspection of a secret-related person (R14): who, when, what was found."""

    class Outcome(models.TextChoices):
        NO_ISSUES = "no_issues", _("No issues")
        ISSUES = "issues", _("Issues to correct")
        VIOLATION = "violation", _("Violation (reported as an incident)")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("person"))
    inspector = models.CharField(_("inspected by"), max_length=200)
    inspected_on = models.DateField(_("date"))
    finding = models.TextField(_("finding"), max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.NO_ISSUES)
    incident_number = models.CharField(_("incident"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("supervision and inspection record")
        verbose_name_plural = _("supervision and inspection records")

    def __str__(self) -> str:
        return f"{self.inspector} · {self.inspected_on}"


class TravelRequest(StageRequest):
    """Leaving the country (R11), private or official: approved (approvals kind "travel") before
    the departure date; in the disengagement period under the stricter policy (variant
    "disengagement"). A trip taken without approval is recorded as a violation."""

    class Kind(models.TextChoices):
        PRIVATE = "private", _("Private")
        OFFICIAL = "official", _("Official")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        TAKEN = "taken", _("Trip taken as approved")
        UNAPPROVED = "unapproved", _("Trip taken without approval (violation)")

    traveller = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="travels", verbose_name=_("traveller"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    destination = models.CharField(_("destination"), max_length=200)
    departs_on = models.DateField(_("departure date"))
    returns_on = models.DateField(_("return date"))
    purpose = models.TextField(_("purpose"), max_length=2000)
    in_disengagement = models.BooleanField(_("in the disengagement period"), default=False)
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="travel_request", null=True, blank=True,
        verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    came_back_on = models.DateField(_("came back on"), null=True, blank=True)
    incident_number = models.CharField(_("incident"), max_length=64, blank=True)

    class Meta:
        ordering = ["-departs_on", "-pk"]
        verbose_name = _("travel request")
        verbose_name_plural = _("travel requests")
        indexes = [models.Index(fields=["unit", "status"], name="travel_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="travel_level_valid"),
            models.CheckConstraint(condition=Q(returns_on__gte=models.F("departs_on")), name="travel_dates_valid"),
        ]

    def __str__(self) -> str:
        label = _("Travel request")
        return f"{label} #{self.pk}"


class PassportMovement(models.Model):
    """Passport custody (R11): a secret-related person's passport is handed in to the secrecy
    office and handed out only for an approved trip."""

    class Direction(models.TextChoices):
        HANDED_IN = "in", _("Handed in to the secrecy office")
        HANDED_OUT = "out", _("Handed out to the person")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="passport_movements", verbose_name=_("person")
    )
    direction = models.CharField(_("movement"), max_length=8, choices=Direction.choices)
    on = models.DateField(_("date"))
    travel = models.ForeignKey(
        TravelRequest, on_delete=models.PROTECT, related_name="passport_movements", null=True, blank=True,
        verbose_name=_("travel request"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("passport movement")
        verbose_name_plural = _("passport movements")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} · {self.on}"


class Departure(StageRequest):
    """Leaving a secret-related post (R12): approved (approvals kind "departure"), every carrier
    the person holds recalled (清退), then the disengagement period (脱密期) by post."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, carriers being recalled")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        COMPLETED = "completed", _("Left the post")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="departures", verbose_name=_("person"))
    post = models.CharField(_("secrecy post"), max_length=16, choices=Person.SecrecyPost.choices)
    leaves_on = models.DateField(_("planned leaving date"))
    reason = models.TextField(_("reason"), max_length=2000)
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("replacement"),
    )
    disengagement_months = models.PositiveSmallIntegerField(_("disengagement period (months)"))
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="departure", null=True, blank=True,
        verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("completed by"),
    )
    disengagement_starts_on = models.DateField(_("disengagement period from"), null=True, blank=True)
    disengagement_ends_on = models.DateField(_("disengagement period until"), null=True, blank=True)
    disengagement_closed_at = models.DateTimeField(_("end of the period recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        indexes = [models.Index(fields=["unit", "status"], name="departure_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="departure_level_valid"),
            # one departure in progress per person
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["submitted", "approved"]), name="departure_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False, disengagement_ends_on__isnull=False),
                name="departure_completed_has_period",
            ),
        ]

    def __str__(self) -> str:
        label = _("Departure")
        return f"{label} #{self.pk}"
