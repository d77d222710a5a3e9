"""R13: leaks, losses and violations, reported by anyone (also anonymously, to the secrecy office)
and tracked by the secrecy office to closure. Each step (remedy, report upward, note) is its own
row; the incident itself records what, when, which carriers and who held them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Unit


class Incident(models.Model):
    class Kind(models.TextChoices):
        LEAK = "leak", _("Leak of state secrets")
        LOSS = "loss", _("Loss of a classified carrier")
        VIOLATION = "violation", _("Breach of the secrecy rules")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        IN_HAND = "in_hand", _("Being handled")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("incident number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    summary = models.TextField(_("what happened"), max_length=4000)
    occurred_at = models.DateTimeField(_("when it happened (or was noticed)"))
    level = models.PositiveSmallIntegerField(
        _("classification level"), choices=Level.choices, null=True, blank=True,
        help_text=_("The highest level among the carriers concerned, if any."),
    )
    carriers = models.ManyToManyField(
        "carriers.Carrier", related_name="incidents", blank=True, verbose_name=_("carriers concerned")
    )
    last_seen = models.CharField(_("when and where last seen"), max_length=500, blank=True)
    last_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("who held it"),
    )
    concerns = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("person concerned"),
        help_text=_("Whose act it was, if known: the reporter's own or someone else's."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("reported by"), help_text=_("Empty for an anonymous report or one raised by the system."),
    )
    anonymous = models.BooleanField(_("reported anonymously"), default=False)
    source = models.CharField(_("raised by"), max_length=64, blank=True,
                              help_text=_("What raised it, e.g. an inventory or a meeting's return check."))
    remedial_measures = models.TextField(_("remedial measures taken"), max_length=4000, blank=True)
    remedied_at = models.DateTimeField(_("remedial measures taken at"), null=True, blank=True)
    reported_to = models.CharField(_("reported to"), max_length=300, blank=True,
                                   help_text=_("The authority it was reported to (e.g. the secrecy bureau)."))
    reported_to_at = models.DateTimeField(_("reported upward at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("conclusion"), max_length=4000, blank=True)
    # issue 19, item 8: a report naming a member of the secrecy office as involved (the person
    # concerned, or who last held the carrier) is hidden from that member and handled by the head of
    # the unit instead of the secrecy office
    routed_to_head = models.BooleanField(
        _("routed to the head of the unit"), default=False,
        help_text=_("Set when the report names a member of the secrecy office as involved."),
    )
    hidden_from = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("hidden from"),
        help_text=_("Members of the secrecy office the report names as involved: they do not see it."),
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["unit", "status"], name="incident_unit_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["leak", "loss", "violation"]), name="incident_kind_valid"),
            models.CheckConstraint(condition=~Q(anonymous=True) | Q(reporter__isnull=True),
                                   name="incident_anonymous_has_no_reporter"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(remedial_measures="") & ~Q(reported_to="")),
                name="incident_closed_after_remedy_and_report",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class IncidentStep(models.Model):
    """One thing done about an incident, in order: a remedial measure, a report upward, a note."""

    class Kind(models.TextChoices):
        REMEDY = "remedy", _("Remedial measure")
        REPORT = "report", _("Reported upward")
        NOTE = "note", _("Note")
        CLOSE = "close", _("Closed")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("what was done"), max_length=4000)
    happened_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["happened_at", "id"]
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.kind}"
