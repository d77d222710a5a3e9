from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from common.levels import Level
from personnel.models import Unit


class RequestKind(models.TextChoices):
    PUBLICATION_REVIEW = "publication_review", _("Publication review")
    PRODUCTION = "production", _("Production")
    COPYING = "copying", _("Copying")
    COMPILATION = "compilation", _("Compilation")
    CARRYING_OUT = "carrying_out", _("Carrying out")
    CARRYING_ABROAD = "carrying_abroad", _("Carrying abroad")
    DESTRUCTION = "destruction", _("Destruction")
    TRAVEL = "travel", _("Leaving the country")
    LOAN_EXTENSION = "loan_extension", _("Loan extension")
    TEMPORARY_RETENTION = "temporary_retention", _("Temporary retention")
    DECLASSIFICATION = "declassification", _("Secrecy period review (extend, downgrade, declassify)")
    MEETING = "meeting", _("Confidential meeting and its attendee list")
    DEPARTURE = "departure", _("Leaving a secret-related post")
    ADMINISTRATION = "administration", _("Administrative change (four eyes)")


class ApproverRole(models.TextChoices):
    DEPARTMENT_HEAD = "department_head", _("Head of the requester's department")
    UNIT_HEAD = "unit_head", _("Head of the unit")
    SECRECY_OFFICE = "secrecy_office", _("Secrecy office (countersign)")
    SECURITY_ADMIN = "security_admin", _("Security administrator (a second one)")
    SYSTEM_ADMIN = "system_admin", _("System administrator (a second one)")


class ApprovalPolicy(models.Model):
    """Which steps a request of this kind (and variant, e.g. an overseas outlet) at this level
    needs. Data, editable by the secrecy office; seeded with defaults."""

    kind = models.CharField(_("request kind"), max_length=32, choices=RequestKind.choices)
    variant = models.CharField(
        _("variant"), max_length=32, blank=True,
        help_text=_("Empty for the general case; e.g. 'overseas' or 'foreign_affairs' for a stricter policy."),
    )
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "variant", "level"]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        constraints = [
            models.UniqueConstraint(fields=["kind", "variant", "level"], name="approval_policy_unique"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="approval_policy_level_valid"),
        ]

    def __str__(self) -> str:
        variant = f"/{self.variant}" if self.variant else ""
        return f"{self.get_kind_display()}{variant} · {self.get_level_display()}"


class PolicyStep(models.Model):
    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy"))
    order = models.PositiveSmallIntegerField(_("order"))
    approver_role = models.CharField(_("approver"), max_length=32, choices=ApproverRole.choices)

    class Meta:
        ordering = ["policy", "order"]
        verbose_name = _("policy step")
        verbose_name_plural = _("policy steps")
        constraints = [models.UniqueConstraint(fields=["policy", "order"], name="policy_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_approver_role_display()}"


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("request kind"), max_length=32, choices=RequestKind.choices)
    variant = models.CharField(_("variant"), max_length=32, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests", verbose_name=_("requester")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_quantity = models.PositiveIntegerField(_("approved quantity"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        permissions = [("decide_approvalrequest", _("Can decide this approval request"))]
        indexes = [
            models.Index(fields=["status", "kind"], name="approval_status_kind_idx"),
            models.Index(fields=["target_type", "target_id"], name="approval_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="approval_level_valid"),
            models.CheckConstraint(
                condition=Q(consumed_at__isnull=True) | Q(status="approved"), name="approval_consumed_only_if_approved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.IN_REVIEW)


class RequestStep(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    approver_role = models.CharField(_("approver"), max_length=32, choices=ApproverRole.choices)
    approver_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding unit or department")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "order"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="request_step_order_unique"),
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="open"), name="request_one_open_step",
                violation_error_message=_("A request has at most one open step."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} step {self.order}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="decisions")
    step = models.OneToOneField(RequestStep, on_delete=models.PROTECT, related_name="decision")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver"))
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("acting for"),
    )
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(outcome="reject") | ~Q(reason=""), name="rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_outcome_display()}"


class Delegation(models.Model):
    """An acting head: `delegate` decides in `delegator`'s place for a period."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given", verbose_name=_("head"))
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received", verbose_name=_("acting head"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_period_valid"),
            models.CheckConstraint(condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_id} for {self.delegator_id} {self.starts_on}..{self.ends_on}"


class PublicationReview(models.Model):
    """R9: a manuscript, press release or book chapter reviewed before it is released."""

    class MaterialKind(models.TextChoices):
        MANUSCRIPT = "manuscript", _("Manuscript")
        PRESS_RELEASE = "press_release", _("Press release")
        BOOK_CHAPTER = "book_chapter", _("Book chapter")
        INTERVIEW = "interview", _("Interview")

    class Outlet(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic outlet")
        OVERSEAS = "overseas", _("Overseas outlet")

    class Status(models.TextChoices):
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved for release")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Review expired")
        RELEASED = "released", _("Released")

    title = models.CharField(_("title"), max_length=300)
    material_kind = models.CharField(_("material"), max_length=32, choices=MaterialKind.choices)
    outlet_type = models.CharField(_("outlet"), max_length=16, choices=Outlet.choices)
    outlet_name = models.CharField(_("outlet name"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000)
    related_level = models.PositiveSmallIntegerField(
        _("highest level of the work it draws on"), choices=Level.choices,
        help_text=_("The reviewers' clearance must reach it."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNDER_REVIEW)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_note = models.CharField(_("release note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("publication review")
        verbose_name_plural = _("publication reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(status="released"), name="publication_released_consistent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """An in-app notice to one person (email goes out too, after commit)."""

    class Kind(models.TextChoices):
        TO_DECIDE = "to_decide", _("A request waits for your decision")
        APPROVED = "approved", _("Your request was approved")
        REJECTED = "rejected", _("Your request was rejected")
        DELEGATED = "delegated", _("You act as head for a period")
        NO_APPROVER = "no_approver", _("A request has nobody left to decide it")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"


class ApprovalRequestUserObjectPermission(UserObjectPermissionBase):
    """Who may decide which request right now (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE)


class ApprovalRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE)
