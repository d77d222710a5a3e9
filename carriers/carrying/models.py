"""Carrying out (R5): a carry-out request names the carriers, the purpose, the destination, whether
it is domestic, a foreign-affairs activity or abroad, the protective measures, the expected return
and the person carrying. It is approved by policy (carrying_out, its foreign_affairs variant, or
carrying_abroad). Check-out and check-in are carriers.Handover rows (kinds "carry_out" and
"return"); while out, the carriers are "carried out"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from common.levels import Level
from personnel.models import Unit


class Scope(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic (within the country)")
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign-affairs activity")
    ABROAD = "abroad", _("Abroad (out of the country)")


class CarryOutRequest(StageRequest):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet checked out")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        CHECKING_OUT = "checking_out", _("Check-out waiting for the person carrying")
        CARRIED_OUT = "carried_out", _("Carried out")
        CHECKING_IN = "checking_in", _("Check-in waiting for the holder")
        RETURNED = "returned", _("Checked back in")

    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="carry_out_requests",
        verbose_name=_("requester"),
    )
    carrier_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="carry_outs",
        verbose_name=_("person carrying"),
    )
    carriers = models.ManyToManyField("carriers.Carrier", related_name="carry_out_requests", verbose_name=_("carriers"))
    purpose = models.TextField(_("purpose"), max_length=2000)
    destination = models.CharField(_("destination"), max_length=200)
    scope = models.CharField(_("where to"), max_length=16, choices=Scope.choices)
    protective_measures = models.CharField(_("protective measures"), max_length=500)
    expected_return = models.DateField(_("expected return"))
    level = models.PositiveSmallIntegerField(_("highest classification level"), choices=Level.choices)
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="carry_out_request", null=True,
        blank=True, verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    checkout_handover = models.OneToOneField(
        "carriers.Handover", on_delete=models.PROTECT, related_name="carry_out_checkout", null=True, blank=True,
        verbose_name=_("check-out handover"),
    )
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("checked out by"),
    )
    checked_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    checkin_handover = models.OneToOneField(
        "carriers.Handover", on_delete=models.PROTECT, related_name="carry_out_checkin", null=True, blank=True,
        verbose_name=_("check-in handover"),
    )
    checked_in_at = models.DateTimeField(_("checked back in at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("carry-out request")
        verbose_name_plural = _("carry-out requests")
        indexes = [
            models.Index(fields=["unit", "status"], name="carry_out_unit_status_idx"),
            models.Index(fields=["expected_return"], condition=Q(status__in=["carried_out", "checking_in"]),
                         name="carry_out_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="carry_out_level_valid"),
            models.CheckConstraint(condition=Q(scope__in=["domestic", "foreign_affairs", "abroad"]),
                                   name="carry_out_scope_valid"),
            models.CheckConstraint(condition=~Q(protective_measures=""), name="carry_out_has_protective_measures"),
            # out only by a check-out handover, back only by a check-in handover
            models.CheckConstraint(
                condition=~Q(status__in=["checking_out", "carried_out", "checking_in", "returned"])
                | Q(checkout_handover__isnull=False, checked_out_by__isnull=False),
                name="carry_out_out_by_handover",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["checking_in", "returned"]) | Q(checkin_handover__isnull=False),
                name="carry_out_back_by_handover",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Carry-out request')} #{self.pk}"

    @property
    def number(self) -> str:
        return f"CO-{self.pk}"

    @property
    def is_out(self) -> bool:
        return self.status in (self.Status.CARRIED_OUT, self.Status.CHECKING_IN)
