"""The destruction stage (R7): destruction requests (registered, approved by the competent
leader), the carriers they list, in-house destruction signed on the spot by a destroyer and a
supervisor who are two people, registered designated destruction facilities and the certificates
they issue for a batch delivered to them by a destruction handover."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from carriers.models import Carrier
from common.levels import Level
from personnel.models import Unit


class Method(models.TextChoices):
    """How the contents are made unrecoverable (消磁 / 粉碎 / 焚毁 / 化浆). rules.METHODS_BY_MEDIUM says
    which fit which medium. There is deliberately no choice that sells or discards as waste."""

    SHREDDING = "shredding", _("Shredding")
    PULPING = "pulping", _("Pulping")
    BURNING = "burning", _("Burning")
    DEGAUSS_AND_DESTROY = "degauss_destroy", _("Degaussing, then physical destruction")
    CRUSHING = "crushing", _("Physical crushing")


class Route(models.TextChoices):
    IN_HOUSE = "in_house", _("In house, supervised on the spot")
    FACILITY = "facility", _("At a designated destruction facility")


class DestructionFacility(models.Model):
    """A unit designated by the secrecy authorities for destroying classified carriers in batches
    (定点销毁单位), registered by a unit's secrecy office with its licence and validity."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="destruction_facilities",
                             verbose_name=_("registered by unit"))
    name = models.CharField(_("name"), max_length=200)
    licence_number = models.CharField(_("licence number"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    valid_until = models.DateField(_("designation valid until"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("designated destruction facility")
        verbose_name_plural = _("designated destruction facilities")
        constraints = [
            models.UniqueConstraint(fields=["unit", "licence_number"], name="destruction_facility_licence_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DestructionRequest(StageRequest):
    """A registered request to destroy carriers: which, why, by what method, in house or at a
    designated facility. It goes through approval (kind "destruction", at the highest level among
    its carriers); once approved its carriers are pending destruction until destroyed."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet destroyed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        HANDED_OVER = "handed_over", _("Handed over for the facility")
        DESTROYED = "destroyed", _("Destroyed")

    OPEN_STATUSES = (Status.SUBMITTED, Status.APPROVED, Status.HANDED_OVER)

    department = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name=_("department"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="destruction_requests", verbose_name=_("requester"))
    reason = models.TextField(_("reason"), max_length=2000)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    route = models.CharField(_("where"), max_length=16, choices=Route.choices)
    facility = models.ForeignKey(DestructionFacility, on_delete=models.PROTECT, related_name="requests", null=True,
                                 blank=True, verbose_name=_("designated destruction facility"))
    carrier_count = models.PositiveIntegerField(_("number of carriers"))
    approval = models.OneToOneField("approvals.ApprovalRequest", on_delete=models.PROTECT,
                                    related_name="destruction_request", null=True, blank=True,
                                    verbose_name=_("approval"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    # in house: the two who signed on the spot
    destroyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                  blank=True, verbose_name=_("destroyer"))
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("destruction supervisor"))
    destroyer_signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+",
                                               null=True, blank=True, verbose_name=_("destroyer's signature"))
    supervisor_signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+",
                                                null=True, blank=True, verbose_name=_("supervisor's signature"))
    # at a facility: the handover that took the batch there
    handover = models.OneToOneField("carriers.Handover", on_delete=models.PROTECT, related_name="destruction_request",
                                    null=True, blank=True, verbose_name=_("destruction handover"))
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")
        indexes = [models.Index(fields=["unit", "status"], name="destruction_request_unit_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="destruction_request_level_valid"),
            models.CheckConstraint(condition=Q(carrier_count__gte=1), name="destruction_request_has_carriers"),
            models.CheckConstraint(
                condition=Q(route="in_house", facility__isnull=True) | Q(route="facility", facility__isnull=False),
                name="destruction_request_facility_for_route",
            ),
            # R7: supervised on the spot, both sign: two different people
            models.CheckConstraint(
                condition=Q(destroyer__isnull=True) | Q(supervisor__isnull=True) | ~Q(destroyer=F("supervisor")),
                name="destruction_destroyer_not_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(status="destroyed", route="in_house")
                | Q(destroyer_signature__isnull=False, supervisor_signature__isnull=False, destroyed_at__isnull=False),
                name="destruction_in_house_signed_by_both",
            ),
        ]

    def __str__(self) -> str:
        label = _("Destruction request")
        return f"{label} #{self.pk}"


class DestructionItem(models.Model):
    """One carrier of a request. While the request is open the item is open: a carrier is in at
    most one open destruction request (two at once: one wins, 409)."""

    request = models.ForeignKey(DestructionRequest, on_delete=models.PROTECT, related_name="items")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="destruction_items")
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("carrier to destroy")
        verbose_name_plural = _("carriers to destroy")
        constraints = [
            models.UniqueConstraint(fields=["request", "carrier"], name="destruction_item_once"),
            models.UniqueConstraint(fields=["carrier"], condition=Q(is_open=True), name="carrier_one_open_destruction"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.carrier_id}"


class DestructionCertificate(models.Model):
    """The designated facility's certificate of destruction for a batch: its number, date, who at
    the facility received the batch, and the carriers it lists; recorded and signed."""

    request = models.OneToOneField(DestructionRequest, on_delete=models.PROTECT, related_name="certificate",
                                   verbose_name=_("destruction request"))
    facility = models.ForeignKey(DestructionFacility, on_delete=models.PROTECT, related_name="certificates",
                                 verbose_name=_("designated destruction facility"))
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("certificate date"))
    received_by = models.CharField(_("received at the facility by"), max_length=150)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    signature = models.OneToOneField("audit.Signature", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("signature of the one who recorded it"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("destruction certificate")
        verbose_name_plural = _("destruction certificates")
        constraints = [
            models.UniqueConstraint(fields=["facility", "number"], name="destruction_certificate_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number
