from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from common.levels import Level
from personnel.models import Bilingual, Unit


class Container(Bilingual, models.Model):
    """A place a carrier is kept: a combination safe, a combination cabinet, a secure room."""

    class Kind(models.TextChoices):
        COMBINATION_SAFE = "combination_safe", _("Combination safe")
        COMBINATION_CABINET = "combination_cabinet", _("Combination cabinet")
        SECURE_ROOM = "secure_room", _("Secure room")
        ORDINARY_CABINET = "ordinary_cabinet", _("Ordinary cabinet")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="containers", verbose_name=_("unit"))
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="department_containers", null=True, blank=True,
        verbose_name=_("department"),
    )
    max_level = models.PositiveSmallIntegerField(_("highest level it may hold"), choices=Level.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("container")
        verbose_name_plural = _("containers")
        constraints = [
            models.CheckConstraint(condition=Q(max_level__in=Level.values), name="container_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# How strong each kind of container is; settings.REGISTRY["STORAGE_MIN_CONTAINER"] names the least
# kind allowed for each level.
CONTAINER_RANK = {
    Container.Kind.ORDINARY_CABINET: 0,
    Container.Kind.COMBINATION_CABINET: 1,
    Container.Kind.SECURE_ROOM: 1,
    Container.Kind.COMBINATION_SAFE: 2,
}


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_CUSTODY = "in_custody", _("In custody")
    IN_TRANSIT = "in_transit", _("In transit")
    ON_LOAN = "on_loan", _("On loan")
    CARRIED_OUT = "carried_out", _("Carried out")
    IN_MEETING = "in_meeting", _("In a meeting")
    ARCHIVED = "archived", _("Archived")
    PENDING_DESTRUCTION = "pending_destruction", _("Pending destruction")
    DESTROYED = "destroyed", _("Destroyed")
    DECLASSIFIED = "declassified", _("Declassified")
    LOST = "lost", _("Lost")


# The carrier's life: the one table of allowed moves. A migration copies it into the database
# (carriers_statusmove), where a trigger refuses any other change of status.
INITIAL_STATUSES = (Status.REGISTERED, Status.IN_CUSTODY)
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    Status.REGISTERED: (Status.IN_CUSTODY, Status.IN_TRANSIT, Status.PENDING_DESTRUCTION, Status.LOST),
    Status.IN_CUSTODY: (
        Status.IN_TRANSIT, Status.ON_LOAN, Status.CARRIED_OUT, Status.IN_MEETING, Status.ARCHIVED,
        Status.PENDING_DESTRUCTION, Status.DECLASSIFIED, Status.LOST,
    ),
    Status.IN_TRANSIT: (Status.IN_CUSTODY, Status.LOST),
    Status.ON_LOAN: (Status.IN_CUSTODY, Status.LOST),
    Status.CARRIED_OUT: (Status.IN_CUSTODY, Status.LOST),
    Status.IN_MEETING: (Status.IN_CUSTODY, Status.LOST),
    Status.ARCHIVED: (Status.IN_CUSTODY, Status.DECLASSIFIED, Status.PENDING_DESTRUCTION, Status.LOST),
    Status.PENDING_DESTRUCTION: (Status.DESTROYED, Status.IN_CUSTODY, Status.LOST),
    Status.LOST: (Status.IN_CUSTODY,),
    Status.DESTROYED: (),
    Status.DECLASSIFIED: (),
}


class StatusMove(models.Model):
    """The allowed moves, as rows the database trigger can read. Filled from ALLOWED_MOVES."""

    from_status = models.CharField(max_length=32, choices=Status.choices)
    to_status = models.CharField(max_length=32, choices=Status.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["from_status", "to_status"], name="status_move_unique")]
        verbose_name = _("allowed status move")
        verbose_name_plural = _("allowed status moves")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class IntermediateKind(models.TextChoices):
    """R1: intermediate materials of a production run (草稿、修改稿、清样/校样、底片、半成品、废品)."""

    DRAFT = "draft", _("Draft")
    REVISION = "revision", _("Revised draft")
    PROOF = "proof", _("Proof")
    NEGATIVE = "negative", _("Negative")
    SEMI_FINISHED = "semi_finished", _("Semi-finished product")
    WASTE = "waste", _("Waste")


class Disposition(models.TextChoices):
    KEEP = "keep", _("Keep (controlled like the final copies)")
    DESTROY = "destroy", _("Destroy")


class SecretMatterItem(models.Model):
    """One item of the unit's list of secret matters (国家秘密事项一览表 / 保密事项范围): what it
    covers, the highest level and the secrecy period it fixes. Kept as data by the secrecy office;
    an original classification cites one item as its basis (定密依据)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="secret_matter_items", verbose_name=_("unit"))
    code = models.CharField(_("item number"), max_length=32)
    title_zh = models.CharField(_("matter (Chinese)"), max_length=300)
    title_en = models.CharField(_("matter (English)"), max_length=300)
    level = models.PositiveSmallIntegerField(_("highest level it fixes"), choices=Level.choices)
    secrecy_years = models.PositiveSmallIntegerField(_("secrecy period it fixes (years)"), null=True, blank=True)
    is_active = models.BooleanField(_("in force"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "code"]
        verbose_name = _("item of the list of secret matters")
        verbose_name_plural = _("list of secret matters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="secret_matter_item_code_unique"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="secret_matter_item_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        return self.title_en if (get_language() or "").startswith("en") and self.title_en else self.title_zh


class Classifier(models.Model):
    """A person designated as responsible for classification (定密责任人) in a unit, with the
    highest level their authority reaches. Revoked, never deleted."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="classifiers", verbose_name=_("unit"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classifier_designations",
                             verbose_name=_("person"))
    max_level = models.PositiveSmallIntegerField(_("highest level of their authority"), choices=Level.choices)
    reference = models.CharField(_("designation document"), max_length=200, blank=True)
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("designated by"))
    designated_at = models.DateTimeField(_("designated at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "-max_level", "id"]
        verbose_name = _("classifier (person responsible for classification)")
        verbose_name_plural = _("classifiers")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                    name="classifier_one_active_designation"),
            models.CheckConstraint(condition=Q(max_level__in=Level.values), name="classifier_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}≤{self.max_level}"


class BasisKind(models.TextChoices):
    """The basis of a carrier's level and period (定密依据)."""

    MATTER_ITEM = "matter_item", _("An item of the unit's list of secret matters")
    DERIVED = "derived", _("Derived from its sources (derivative classification)")
    ORIGINATOR = "originator", _("Determined by the originating authority (received)")
    PRODUCTION_APPROVAL = "production_approval", _("Determined in the approved production request")


class Carrier(models.Model):
    """A classified carrier (涉密载体): metadata only, never the secret content."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper document")
        ARTICLE = "article", _("Article or product")
        ELECTRONIC = "electronic", _("Electronic medium")
        EQUIPMENT = "equipment", _("Equipment")

    class Medium(models.TextChoices):
        USB = "usb", _("USB storage")
        HARD_DISK = "hard_disk", _("Hard disk")
        OPTICAL_DISC = "optical_disc", _("Optical disc")
        MEMORY_CARD = "memory_card", _("Memory card")
        FLOPPY = "floppy", _("Floppy disk")
        OTHER = "other", _("Other medium")

    Status = Status

    registry_number = models.CharField(_("registry number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="carriers", verbose_name=_("registering unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    medium = models.CharField(_("medium"), max_length=16, choices=Medium.choices, blank=True)
    is_coded_telegram = models.BooleanField(_("coded telegram"), default=False)
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    originator = models.CharField(_("originator"), max_length=200)
    originating_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="originated_carriers", null=True, blank=True,
        verbose_name=_("originating unit (in this registry)"),
    )
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    secrecy_years = models.PositiveSmallIntegerField(_("secrecy period (years)"), null=True, blank=True)
    secrecy_months = models.PositiveSmallIntegerField(_("secrecy period (months)"), null=True, blank=True)
    declassification_condition = models.CharField(_("declassification condition"), max_length=300, blank=True)
    period_start = models.DateField(_("secrecy period starts"))
    expires_on = models.DateField(_("secrecy period ends"), null=True, blank=True)
    marking_zh = models.CharField(_("marking (Chinese)"), max_length=400)
    marking_en = models.CharField(_("marking (English)"), max_length=400)
    copy_number = models.CharField(_("copy number"), max_length=6, blank=True)
    copies_total = models.PositiveIntegerField(_("number of copies"), default=1)
    scope_departments = models.ManyToManyField(
        Unit, related_name="scoped_carriers", blank=True, verbose_name=_("distribution scope: departments")
    )
    scope_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="scoped_carriers", blank=True,
        verbose_name=_("distribution scope: people"),
    )
    scope_units = models.ManyToManyField(
        Unit, related_name="unit_scoped_carriers", blank=True, verbose_name=_("distribution scope: other units"),
        help_text=_("Other units it may be sent to (their secrecy offices receive it)."),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="held_carriers",
        verbose_name=_("accountable holder"),
    )
    container = models.ForeignKey(
        Container, on_delete=models.PROTECT, related_name="carriers", null=True, blank=True,
        verbose_name=_("container"),
    )
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.IN_CUSTODY)
    status_event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("audit event of the last status change"),
    )
    sources = models.ManyToManyField(
        "self", symmetrical=False, related_name="derivatives", blank=True, verbose_name=_("sources")
    )
    # production (R1): the run that made it; an intermediate material says what it is and whether
    # it is kept or destroyed (by dispose_by)
    production_run = models.ForeignKey(
        "production.ProductionRun", on_delete=models.PROTECT, related_name="carriers", null=True, blank=True,
        verbose_name=_("production run"),
    )
    intermediate_kind = models.CharField(
        _("intermediate material"), max_length=16, choices=IntermediateKind.choices, blank=True
    )
    disposition = models.CharField(_("disposition"), max_length=8, choices=Disposition.choices, blank=True)
    dispose_by = models.DateField(_("destroy by"), null=True, blank=True)
    # classification basis (定密依据), the person responsible (定密责任人) and the date; empty on
    # carriers registered before the basis was kept
    basis_kind = models.CharField(_("basis of the level and period"), max_length=24, choices=BasisKind.choices,
                                  blank=True)
    basis_item = models.ForeignKey(SecretMatterItem, on_delete=models.PROTECT, related_name="carriers", null=True,
                                   blank=True, verbose_name=_("item of the list of secret matters"))
    classifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classified_carriers",
                                   null=True, blank=True, verbose_name=_("classifier"))
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_carriers",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("classified carrier")
        verbose_name_plural = _("classified carriers")
        indexes = [
            # the lists' ordering (newest first): the first page is read off this index
            models.Index(fields=["-registered_at", "-id"], name="carrier_newest_idx"),
            models.Index(fields=["unit", "level", "status"], name="carrier_unit_level_idx"),
            models.Index(fields=["level", "status"], name="carrier_level_status_idx"),
            models.Index(fields=["expires_on"], name="carrier_expiry_idx"),
            models.Index(fields=["dispose_by"], condition=Q(disposition="destroy"), name="carrier_dispose_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="carrier_level_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="carrier_status_valid"),
            models.CheckConstraint(
                condition=Q(secrecy_years__isnull=False) | Q(secrecy_months__isnull=False)
                | ~Q(declassification_condition=""),
                name="carrier_has_period_or_condition",
            ),
            models.CheckConstraint(
                condition=Q(kind="electronic", medium__gt="") | (~Q(kind="electronic") & Q(medium="")),
                name="carrier_medium_only_for_electronic",
            ),
            models.CheckConstraint(condition=Q(copies_total__gte=1), name="carrier_copies_positive"),
            # an intermediate material belongs to a run and is marked keep or destroy; only one to
            # destroy has a date to destroy it by
            models.CheckConstraint(
                condition=Q(intermediate_kind="", disposition="")
                | (~Q(intermediate_kind="") & Q(production_run__isnull=False) & Q(disposition__in=["keep", "destroy"])),
                name="carrier_intermediate_of_a_run",
            ),
            models.CheckConstraint(
                condition=Q(disposition="destroy", dispose_by__isnull=False) | (~Q(disposition="destroy") & Q(dispose_by__isnull=True)),
                name="carrier_dispose_by_only_to_destroy",
            ),
            # an item of the list is cited exactly when the basis is such an item, with its classifier
            models.CheckConstraint(
                condition=(Q(basis_kind="matter_item") & Q(basis_item__isnull=False) & Q(classifier__isnull=False))
                | (~Q(basis_kind="matter_item") & Q(basis_item__isnull=True)),
                name="carrier_basis_item_iff_matter_item",
            ),
            # copy numbers are unique within one production run
            models.UniqueConstraint(
                fields=["production_run", "copy_number"],
                condition=Q(production_run__isnull=False, intermediate_kind=""),
                name="carrier_copy_number_unique_per_run",
            ),
        ]

    def __str__(self) -> str:
        return self.registry_number

    @property
    def marking(self) -> str:
        from django.utils.translation import get_language

        return self.marking_en if (get_language() or "").startswith("en") else self.marking_zh


class RegistryCounter(models.Model):
    """The last registry number used per unit and year, taken under a row lock."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="registry_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class CarrierUserObjectPermission(UserObjectPermissionBase):
    """Explicit object grants on carriers (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Carrier, on_delete=models.CASCADE)


class CarrierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Carrier, on_delete=models.CASCADE)


class Handover(models.Model):
    """Custody moves only by handover: who gives, who takes, which carriers, the count each side
    declared, the channel, and both signatures. While it is pending the giver still holds the
    carriers; when the taker counts and signs, the taker becomes the accountable holder."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer between holders")
        DISPATCH = "dispatch", _("Dispatch and receipt")
        LENDING = "lending", _("Lending")
        CARRY_OUT = "carry_out", _("Check-out for carrying out")
        RETURN = "return", _("Return")
        MEETING = "meeting", _("Meeting distribution or return")
        STORAGE = "storage", _("Transfer to storage or archives")
        DESTRUCTION = "destruction", _("Transfer for destruction")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the taker")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TRANSFER)
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("giver"))
    taker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("taker"))
    channel = models.CharField(_("channel"), max_length=32, blank=True)
    declared_count = models.PositiveIntegerField(_("count declared by the giver"))
    counted_count = models.PositiveIntegerField(_("count checked by the taker"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    giver_signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("giver's signature")
    )
    taker_signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("taker's signature"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("taker")), name="handover_two_people"),
            models.CheckConstraint(
                condition=~Q(status="completed") | (Q(taker_signature__isnull=False) & Q(counted_count__isnull=False)),
                name="handover_completed_is_signed_and_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="items")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="handover_items")
    is_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        constraints = [
            models.UniqueConstraint(fields=["handover", "carrier"], name="handover_item_once"),
            # one carrier is in at most one unfinished handover: two at once -> one wins, 409
            models.UniqueConstraint(
                fields=["carrier"], condition=Q(is_open=True), name="carrier_one_open_handover",
                violation_error_message=_("This carrier is already being handed over."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handover_id}:{self.carrier_id}"
