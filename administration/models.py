"""The administrators' four-eyes requests (issue 15, item 3). Raising a clearance (a secrecy post
to a higher one), granting a unit-wide role (secrecy office, auditor) or an administrator role,
reactivating a person who has left their post and changing an approval policy are each a request
that an approval request (approvals kind "administration") decides: a second administrator of the
right duty signs it, and the change is applied only then, inside the deciding transaction.

The audit trail of the administrators (`AdminEvent`) is a proxy of the audit events: the same
rows, read through this app's own visibility (the security auditor)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.kit import StageRequest
from audit.models import AuditEvent
from common.levels import Level


class AdminChange(StageRequest):
    """One sensitive administrative change, waiting for (or decided by) a second administrator."""

    class Kind(models.TextChoices):
        RAISE_POST = "raise_post", _("Raise a secrecy post (clearance)")
        GRANT_ROLE = "grant_role", _("Grant a unit-wide or administrator role")
        REACTIVATE = "reactivate", _("Reactivate a person who has left their post")
        POLICY = "policy", _("Change an approval policy")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a second administrator")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        "personnel.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="admin_changes",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    secrecy_post = models.CharField(_("secrecy post"), max_length=16, blank=True)
    # the policy asked for: {"kind", "variant", "level", "steps", "description"} or {"delete": id}
    terms = models.JSONField(_("terms"), default=dict, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    approval = models.OneToOneField(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="admin_change", null=True, blank=True,
        verbose_name=_("approval"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("administrative change request")
        verbose_name_plural = _("administrative change requests")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="adminchange_level_valid"),
            models.CheckConstraint(
                condition=Q(kind="policy") | Q(person__isnull=False), name="adminchange_names_person"
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(status="approved"), name="adminchange_applied_if_approved"
            ),
        ]

    def __str__(self) -> str:
        label = _("Administrative change")
        return f"{label} #{self.pk}"


class TechnicalSetting(models.Model):
    """A technical setting changed at run time by the system administrator (common.tunables: the
    environment's value is the default; a row here overrides it until it is reset)."""

    key = models.CharField(_("setting"), max_length=64, unique=True)
    value = models.IntegerField(_("value"))
    reason = models.TextField(_("reason"), max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("technical setting")
        verbose_name_plural = _("technical settings")

    def __str__(self) -> str:
        return self.key


class AdminEvent(AuditEvent):
    """The administrators' trail: audit events about accounts, roles, clearances, policies,
    logins, lockouts, factor resets and exports (administration.rules.ADMIN_ACTIONS)."""

    class Meta:
        proxy = True
        verbose_name = _("administrative event")
        verbose_name_plural = _("administrative events")
        default_permissions = ()
