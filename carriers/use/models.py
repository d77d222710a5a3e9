"""The use stage (R3): reading places approved for a level, reading sessions (who read which
carrier, where, from when to when, told the rules), circulation (传阅) round an ordered list of
readers who each sign, and borrowing (借阅): a loan request, a lending handover, a return
handover to the lender only, a due date, extensions approved as requests of kind
"loan_extension". Together they are each carrier's disclosure record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Bilingual, Unit


class ReadingPlace(Bilingual, models.Model):
    """An office or a reading room with confidentiality guarantees, approved for carriers up to a
    level (R3: reading only in the office or reading room)."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        READING_ROOM = "reading_room", _("Reading room")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reading_places", verbose_name=_("unit"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    max_level = models.PositiveSmallIntegerField(_("approved up to"), choices=Level.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "name_zh", "pk"]
        verbose_name = _("reading place")
        verbose_name_plural = _("reading places")
        constraints = [
            models.CheckConstraint(condition=Q(max_level__in=Level.values), name="reading_place_level_valid"),
            models.CheckConstraint(condition=Q(kind__in=["office", "reading_room"]), name="reading_place_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ReadingSession(models.Model):
    """One reader reading one carrier in an approved place, from when to when; the reader was told
    the rules (no recording, photographing or keeping) beforehand."""

    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.PROTECT, related_name="reading_sessions", verbose_name=_("carrier")
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reading_sessions", verbose_name=_("reader")
    )
    place = models.ForeignKey(ReadingPlace, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("place"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    rules_told = models.BooleanField(
        _("the reader was told the rules"),
        help_text=_("No recording, photographing or keeping; nothing communicated over devices without confidentiality guarantees."),
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("reading session")
        verbose_name_plural = _("reading sessions")
        indexes = [
            models.Index(fields=["carrier", "started_at"], name="reading_session_carrier_idx"),
            models.Index(fields=["unit", "started_at"], name="reading_session_unit_idx"),
        ]
        constraints = [
            # R3: the reader is told the rules before reading; the database refuses a session without it
            models.CheckConstraint(condition=Q(rules_told=True), name="reading_session_rules_told"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="reading_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id}/{self.reader_id} @ {self.started_at:%Y-%m-%d %H:%M}"


class Circulation(models.Model):
    """A carrier sent round an ordered list of readers (传阅), all within its scope and cleared;
    each signs when done and it goes to the next; never to anyone off the list."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Circulating")
        COMPLETED = "completed", _("Completed: every reader signed")
        CANCELLED = "cancelled", _("Cancelled")

    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.PROTECT, related_name="circulations", verbose_name=_("carrier")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent round by")
    )
    started_at = models.DateTimeField(_("started at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("circulation")
        verbose_name_plural = _("circulations")
        constraints = [
            # one circulation of a carrier at a time
            models.UniqueConstraint(fields=["carrier"], condition=Q(status="in_progress"),
                                    name="circulation_one_open_per_carrier"),
            models.CheckConstraint(condition=Q(status__in=["in_progress", "completed", "cancelled"]),
                                   name="circulation_status_valid"),
            models.CheckConstraint(condition=~Q(status="completed") | Q(completed_at__isnull=False),
                                   name="circulation_completed_has_time"),
        ]

    def __str__(self) -> str:
        return f"{_('Circulation')} #{self.pk}"


class CirculationReader(models.Model):
    """One reader on a circulation list, in order; signed when done."""

    circulation = models.ForeignKey(Circulation, on_delete=models.PROTECT, related_name="readers")
    position = models.PositiveSmallIntegerField(_("order"))
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="circulations_to_read", verbose_name=_("reader")
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("signature"),
    )

    class Meta:
        ordering = ["circulation", "position"]
        verbose_name = _("circulation reader")
        verbose_name_plural = _("circulation readers")
        constraints = [
            models.UniqueConstraint(fields=["circulation", "position"], name="circulation_position_once"),
            models.UniqueConstraint(fields=["circulation", "reader"], name="circulation_reader_once"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signature__isnull=True)
                | Q(signed_at__isnull=False, signature__isnull=False),
                name="circulation_reader_signed_fully",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.circulation_id}#{self.position}: {self.reader_id}"


class Loan(models.Model):
    """Borrowing (借阅): asked for by (or for) a borrower whose credential was checked; lent by the
    holder through a "lending" handover the borrower accepts; returned through a "return" handover
    to the lender only, who counts and signs. Custody moves only on those acceptances."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        LENDING = "lending", _("Lent, waiting for the borrower to sign")
        ON_LOAN = "on_loan", _("On loan")
        RETURNING = "returning", _("Returned, waiting for the lender to sign")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = ("requested", "lending", "on_loan", "returning")
    OUT_STATUSES = ("lending", "on_loan", "returning")

    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="loans",
                                verbose_name=_("carrier"))
    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loans",
                                 verbose_name=_("borrower"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    due_on = models.DateField(_("due back on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    lender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True, verbose_name=_("lender"))
    lend_handover = models.OneToOneField("carriers.Handover", on_delete=models.PROTECT, related_name="+", null=True,
                                         blank=True, verbose_name=_("lending handover"))
    lent_at = models.DateTimeField(_("lent at"), null=True, blank=True)
    return_handover = models.OneToOneField("carriers.Handover", on_delete=models.PROTECT, related_name="+",
                                           null=True, blank=True, verbose_name=_("return handover"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [
            models.Index(fields=["borrower", "status"], name="loan_borrower_idx"),
            models.Index(fields=["status", "due_on"], name="loan_due_idx"),
        ]
        constraints = [
            # a carrier is out to one borrower at a time; one open request per borrower and carrier
            models.UniqueConstraint(fields=["carrier"], condition=Q(status__in=["lending", "on_loan", "returning"]),
                                    name="loan_one_out_per_carrier"),
            models.UniqueConstraint(fields=["carrier", "borrower"],
                                    condition=Q(status__in=["requested", "lending", "on_loan", "returning"]),
                                    name="loan_one_open_per_borrower"),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "lending", "on_loan", "returning", "returned", "cancelled"]),
                name="loan_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "cancelled"])
                | (Q(lender__isnull=False) & Q(lend_handover__isnull=False)),
                name="loan_lent_by_handover",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["returning", "returned"]) | Q(return_handover__isnull=False),
                name="loan_returned_by_handover",
            ),
            models.CheckConstraint(condition=~Q(lender=models.F("borrower")), name="loan_two_people"),
        ]

    def __str__(self) -> str:
        return f"{_('Loan')} #{self.pk}"

    @property
    def is_out(self) -> bool:
        return self.status in self.OUT_STATUSES


class LoanExtension(models.Model):
    """The borrower asks for a later due date; decided as an approval request of kind
    loan_extension; when approved the due date moves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn or expired")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="extensions")
    previous_due_on = models.DateField(_("due before"))
    requested_due_on = models.DateField(_("due date asked for"))
    reason = models.CharField(_("reason"), max_length=300)
    approval = models.OneToOneField("approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("approval request"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["loan", "pk"]
        verbose_name = _("loan extension")
        verbose_name_plural = _("loan extensions")
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="pending"), name="loan_one_pending_extension"),
            models.CheckConstraint(condition=Q(requested_due_on__gt=models.F("previous_due_on")),
                                   name="loan_extension_later"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.requested_due_on}"
