"""Keeping carriers (R6) and inventory checks (清查).

- StorageEntry: each time a carrier is put into (or moved between) containers, by whom and when.
- TemporaryRetention: keeping a carrier outside a container by an individual, only with an
  approved `temporary_retention` request, a reason and an end date.
- Archive and Filing: the unit's archives (a keeper and the container they keep filed carriers
  in); filing is a "storage" handover to the keeper, accepted into the "archived" status.
- ContainerAccess: a container's access log (opened, closed, checked).
- Inventory and InventoryLine: the expected list computed from the registry at opening, what was
  seen and where, closed with two signatures of two different people."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from carriers.models import Carrier, Container
from common.levels import Level
from personnel.models import Bilingual, Unit


class StorageEntry(models.Model):
    """A carrier put into a container (or moved from one to another)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="storage_entries",
                                verbose_name=_("carrier"))
    from_container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                       verbose_name=_("from container"))
    to_container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="storage_entries",
                                     verbose_name=_("into container"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    stored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("stored by"))
    stored_at = models.DateTimeField(_("stored at"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    retention = models.ForeignKey("TemporaryRetention", on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("temporary retention ended"))

    class Meta:
        ordering = ["-stored_at", "-pk"]
        verbose_name = _("storage entry")
        verbose_name_plural = _("storage entries")
        indexes = [models.Index(fields=["unit", "stored_at"], name="storage_entry_unit_idx")]

    def __str__(self) -> str:
        return f"{self.carrier_id} → {self.to_container_id}"


class TemporaryRetention(StageRequest):
    """R6: no individual keeps a carrier without permission. Keeping one outside a container needs
    an approved request (reason, end date); it is reported when the end date passes, and ends when
    the carrier is put back into a container."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet taken out")
        ACTIVE = "active", _("Kept outside a container")
        ENDED = "ended", _("Ended: back in a container")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = ("submitted", "approved", "active")

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="retentions",
                                verbose_name=_("carrier"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="retentions",
                               verbose_name=_("kept by"))
    reason = models.CharField(_("reason"), max_length=500)
    ends_on = models.DateField(_("kept until"))
    approval = models.OneToOneField("approvals.ApprovalRequest", on_delete=models.PROTECT,
                                    related_name="retention", null=True, blank=True, verbose_name=_("approval"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    container_before = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+", null=True,
                                         blank=True, verbose_name=_("taken out of"))
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("taken out at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                 blank=True, verbose_name=_("ended by"))
    created_at = None  # requested_at says when it was asked for (StageRequest gives unit and level)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("temporary retention")
        verbose_name_plural = _("temporary retentions")
        indexes = [models.Index(fields=["status", "ends_on"], name="retention_status_ends_idx")]
        constraints = [
            models.UniqueConstraint(fields=["carrier"], condition=Q(status__in=["submitted", "approved", "active"]),
                                    name="retention_one_open_per_carrier",
                                    violation_error_message=_("This carrier already has an open temporary retention.")),
            models.CheckConstraint(condition=~Q(reason=""), name="retention_has_reason"),
            models.CheckConstraint(
                condition=~Q(status="active") | (Q(started_at__isnull=False) & Q(approval__isnull=False)),
                name="retention_active_is_approved",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="retention_level_valid"),
        ]

    def __str__(self) -> str:
        label = _("Temporary retention")
        return f"{label} #{self.pk}"


class Archive(Bilingual, models.Model):
    """The archives of a unit (档案部门): its keeper (an archivist, who takes filed carriers over)
    and the container the filed carriers are kept in."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="archives", verbose_name=_("unit"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="archives_kept",
                               verbose_name=_("archives keeper"))
    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("archives container"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "name_zh", "pk"]
        verbose_name = _("archives")
        verbose_name_plural = _("archives")

    def __str__(self) -> str:
        return self.name


class Filing(models.Model):
    """Filing carriers to the archives: a "storage" handover to the archives keeper; on the
    keeper's counted and signed acceptance the carriers are archived in the archives container."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the archives keeper")
        ARCHIVED = "archived", _("Archived")
        CANCELLED = "cancelled", _("Cancelled")

    archive = models.ForeignKey(Archive, on_delete=models.PROTECT, related_name="filings", verbose_name=_("archives"))
    handover = models.OneToOneField("carriers.Handover", on_delete=models.PROTECT, related_name="filing",
                                    verbose_name=_("handover"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("highest classification level"), choices=Level.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("filing to the archives")
        verbose_name_plural = _("filings to the archives")

    def __str__(self) -> str:
        label = _("Filing")
        return f"{label} #{self.pk}"


class ContainerAccess(models.Model):
    """One line of a container's access log."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        CLOSED = "closed", _("Closed")
        CHECKED = "checked", _("Checked")

    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="access_log",
                                  verbose_name=_("container"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("container access")
        verbose_name_plural = _("container access log")
        indexes = [models.Index(fields=["container", "at"], name="container_access_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=["opened", "closed", "checked"]),
                                   name="container_access_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.container_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Inventory(models.Model):
    """An inventory check (清查) of a unit, a department or a container."""

    class Scope(models.TextChoices):
        UNIT = "unit", _("Unit")
        DEPARTMENT = "department", _("Department")
        CONTAINER = "container", _("Container")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inventories", verbose_name=_("unit"))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    department = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name=_("department"))
    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="inventories", null=True,
                                  blank=True, verbose_name=_("container"))
    level = models.PositiveSmallIntegerField(_("highest classification level"), choices=Level.choices,
                                             default=Level.CONFIDENTIAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=500, blank=True)
    expected_count = models.PositiveIntegerField(_("expected"), default=0)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    first_signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+", null=True,
                                           blank=True, verbose_name=_("first signature"))
    second_signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+",
                                            null=True, blank=True, verbose_name=_("second signature"))
    remedial_measures = models.CharField(_("remedial measures"), max_length=1000, blank=True)
    reported_to = models.CharField(_("reported to"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        indexes = [models.Index(fields=["unit", "scope", "status", "closed_at"], name="inventory_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="unit", department__isnull=True, container__isnull=True)
                | Q(scope="department", department__isnull=False, container__isnull=True)
                | Q(scope="container", department__isnull=True, container__isnull=False),
                name="inventory_scope_shape",
            ),
            # closed only with two signatures of two different people
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False, first_signature__isnull=False,
                    second_signature__isnull=False),
                name="inventory_closed_is_signed_twice",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="inventory_level_valid"),
        ]

    def __str__(self) -> str:
        label = _("Inventory")
        return f"{label} #{self.pk}"


class InventoryLine(models.Model):
    """One carrier of an inventory: expected (from the registry at opening) or seen unexpectedly,
    and what was found: found where recorded, misplaced, unexpected, missing."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet seen")
        FOUND = "found", _("Found where recorded")
        MISPLACED = "misplaced", _("Found elsewhere than recorded")
        UNEXPECTED = "unexpected", _("Seen but not expected here")
        MISSING = "missing", _("Missing")
        LEFT = "left", _("Left the scope during the inventory")

    inventory = models.ForeignKey(Inventory, on_delete=models.PROTECT, related_name="lines")
    registry_number = models.CharField(_("registry number"), max_length=40)
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                verbose_name=_("carrier"))
    expected = models.BooleanField(_("expected"), default=False)
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices, null=True, blank=True)
    expected_container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+", null=True,
                                           blank=True, verbose_name=_("recorded container"))
    expected_holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                        null=True, blank=True, verbose_name=_("recorded holder"))
    expected_status = models.CharField(_("recorded status"), max_length=32, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    seen_container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+", null=True,
                                       blank=True, verbose_name=_("seen in"))
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                blank=True, verbose_name=_("seen by"))
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        ordering = ["inventory", "registry_number", "pk"]
        verbose_name = _("inventory line")
        verbose_name_plural = _("inventory lines")
        constraints = [
            models.UniqueConstraint(fields=["inventory", "registry_number"], name="inventory_line_once"),
            models.CheckConstraint(condition=Q(expected=True) | ~Q(outcome__in=["pending", "found", "missing"]),
                                   name="inventory_line_unexpected_outcome"),
            models.CheckConstraint(condition=Q(expected=False) | Q(carrier__isnull=False),
                                   name="inventory_line_expected_has_carrier"),
        ]

    def __str__(self) -> str:
        return f"{self.inventory_id}:{self.registry_number}"
