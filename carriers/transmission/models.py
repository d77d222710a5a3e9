"""Dispatch and receipt (R2): every dispatch is registered with a number, lists its carriers
(through a carriers.Handover of kind "dispatch"), names the receiving unit and recipient and the
channel; the recipient counts, checks and signs; any difference is a DispatchDiscrepancy until
the secrecy offices resolve it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Unit


class Channel(models.TextChoices):
    CONFIDENTIAL_COURIER = "confidential_courier", _("Confidential courier")
    CONFIDENTIAL_COMMUNICATION = "confidential_communication", _("Confidential communication")
    HAND_DELIVERY = "hand_delivery", _("Hand delivery by cleared staff")
    DIPLOMATIC_COURIER = "diplomatic_courier", _("Diplomatic courier")
    # kept as a choice so that its refusal is explicit (R2: never by ordinary mail)
    ORDINARY_MAIL = "ordinary_mail", _("Ordinary mail (never permitted)")


class NumberCounter(models.Model):
    """The last dispatch or receipt number used per unit and year, taken under a row lock."""

    class Kind(models.TextChoices):
        DISPATCH = "dispatch", _("Dispatch")
        RECEIPT = "receipt", _("Receipt")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "kind"], name="transmission_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}/{self.kind}: {self.last}"


class Dispatch(models.Model):
    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("Dispatched, in transit")
        RECEIVED = "received", _("Received")
        DISCREPANCY = "discrepancy", _("Discrepancy unresolved")
        RESOLVED = "resolved", _("Discrepancy resolved")

    number = models.CharField(_("dispatch number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    sending_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dispatches_sent", verbose_name=_("sending unit")
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dispatches_received", verbose_name=_("receiving unit")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    is_abroad = models.BooleanField(_("abroad"), default=False)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("approval for carrying abroad"),
    )
    courier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("courier"),
    )
    route = models.CharField(_("route and means of transport"), max_length=300, blank=True)
    protective_measures = models.CharField(_("protective measures"), max_length=500, blank=True)
    level = models.PositiveSmallIntegerField(_("highest classification level"), choices=Level.choices)
    declared_count = models.PositiveIntegerField(_("count declared by the sender"))
    handover = models.OneToOneField(
        "carriers.Handover", on_delete=models.PROTECT, related_name="dispatch", verbose_name=_("handover")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_TRANSIT)
    note = models.CharField(_("note"), max_length=500, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatched by")
    )
    dispatched_at = models.DateTimeField(_("dispatched at"))
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    counted_count = models.PositiveIntegerField(_("count checked by the recipient"), null=True, blank=True)
    receipt_note = models.CharField(_("receipt note"), max_length=1000, blank=True)
    container = models.ForeignKey(
        "carriers.Container", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("container on receipt"),
    )
    resolved_at = models.DateTimeField(_("discrepancies resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-dispatched_at", "-pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        indexes = [
            models.Index(fields=["sending_unit", "dispatched_at"], name="dispatch_sent_idx"),
            models.Index(fields=["receiving_unit", "received_at"], name="dispatch_received_idx"),
            models.Index(fields=["recipient", "status"], name="dispatch_inbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sending_unit", "year", "sequence"], name="dispatch_number_per_unit_year"),
            models.UniqueConstraint(
                fields=["receipt_number"], condition=~Q(receipt_number=""), name="dispatch_receipt_number_unique"
            ),
            models.CheckConstraint(condition=Q(status__in=["in_transit", "received", "discrepancy", "resolved"]),
                                   name="dispatch_status_valid"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="dispatch_level_valid"),
            models.CheckConstraint(condition=Q(declared_count__gte=1), name="dispatch_count_positive"),
            # R2, backed by the database: never by ordinary mail; hand delivery only with a courier,
            # a route and protective measures; abroad only by diplomatic courier or with an approval
            models.CheckConstraint(condition=~Q(channel="ordinary_mail"), name="dispatch_never_by_ordinary_mail"),
            models.CheckConstraint(
                condition=~Q(channel="hand_delivery")
                | (Q(courier__isnull=False) & ~Q(route="") & ~Q(protective_measures="")),
                name="dispatch_hand_delivery_arranged",
            ),
            models.CheckConstraint(
                condition=Q(is_abroad=False) | Q(channel="diplomatic_courier") | Q(approval__isnull=False),
                name="dispatch_abroad_permitted",
            ),
            models.CheckConstraint(condition=~Q(sending_unit=models.F("receiving_unit")), name="dispatch_to_another_unit"),
            models.CheckConstraint(
                condition=Q(status="in_transit", received_at__isnull=True)
                | (~Q(status="in_transit") & Q(received_by__isnull=False) & Q(received_at__isnull=False)
                   & Q(counted_count__isnull=False) & ~Q(receipt_number="")),
                name="dispatch_received_is_signed_and_counted",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class DispatchDiscrepancy(models.Model):
    """A difference found on receipt: a listed carrier missing, an unlisted one arrived, or a count
    that does not match what was identified. Open until a secrecy office resolves it."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Listed carrier missing")
        UNEXPECTED = "unexpected", _("Unlisted carrier arrived")
        COUNT = "count", _("Count difference")

    class Resolution(models.TextChoices):
        FOUND = "found", _("Found")
        LOST = "lost", _("Lost")
        RETURNED = "returned", _("Returned to the sender")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="discrepancies")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("carrier"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    expected_count = models.PositiveIntegerField(_("expected"), null=True, blank=True)
    counted_count = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(_("how it was resolved"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("signature on resolution"),
    )

    class Meta:
        ordering = ["dispatch", "pk"]
        verbose_name = _("dispatch discrepancy")
        verbose_name_plural = _("dispatch discrepancies")
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "carrier"], condition=Q(carrier__isnull=False),
                                    name="discrepancy_once_per_carrier"),
            models.CheckConstraint(condition=~Q(kind="missing") | Q(carrier__isnull=False),
                                   name="discrepancy_missing_names_carrier"),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_by__isnull=True, resolved_at__isnull=True)
                | (~Q(resolution="") & Q(resolved_by__isnull=False) & Q(resolved_at__isnull=False)),
                name="discrepancy_resolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return not self.resolution


class TransmissionNotice(models.Model):
    """An in-app notice about a dispatch to one person (both secrecy offices hear of a
    discrepancy and of its resolution)."""

    class Kind(models.TextChoices):
        DISCREPANCY = "discrepancy", _("A dispatch was received with a discrepancy")
        RESOLVED = "resolved", _("A dispatch discrepancy was resolved")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transmission_notices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dispatch notice")
        verbose_name_plural = _("dispatch notices")
        indexes = [models.Index(fields=["recipient", "read_at"], name="transmission_notice_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"
