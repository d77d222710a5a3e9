"""Confidential meetings (R8): venues approved by the secrecy office, meetings with their level,
time, venue and organiser, an attendee list approved by policy (approvals kind "meeting"),
sign-in, and every copy handed out, returned, kept with the organiser's approval or declared
missing. Custody of each copy moves only through carriers.Handover (kind "meeting" out to an
attendee or to the unit's secrecy office, kind "return" back to the organiser)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import Level
from personnel.models import Bilingual, Unit


class MeetingVenue(Bilingual, models.Model):
    """A meeting room of the unit approved by the secrecy office for meetings up to a level."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meeting_venues", verbose_name=_("unit"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    max_level = models.PositiveSmallIntegerField(_("approved up to"), choices=Level.choices)
    approval_reference = models.CharField(
        _("approval reference"), max_length=100, blank=True,
        help_text=_("The number of the document approving this venue; empty while it is not approved."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit", "name_zh", "pk"]
        verbose_name = _("meeting venue")
        verbose_name_plural = _("meeting venues")
        constraints = [
            models.CheckConstraint(condition=Q(max_level__in=Level.values), name="meeting_venue_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return bool(self.approval_reference) and self.is_active


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning: attendee list open")
        SUBMITTED = "submitted", _("Attendee list waiting for approval")
        APPROVED = "approved", _("Approved: sign-in and distribution")
        CLOSED = "closed", _("Closed: every copy accounted for")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=300)
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(MeetingVenue, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("venue"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    purpose = models.CharField(_("purpose"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNING)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("approval of the attendee list"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("closed by"),
    )
    close_signature = models.OneToOneField(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("signature on the return check"),
    )
    # the incident opened for its missing copies (incidents.Incident.number; incidents names its
    # source "meeting:<id>")
    incident_number = models.CharField(_("incident opened for missing copies"), max_length=40, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("confidential meeting")
        verbose_name_plural = _("confidential meetings")
        indexes = [models.Index(fields=["unit", "starts_at"], name="meeting_unit_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="meeting_level_valid"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=["planning", "submitted", "approved", "closed"]),
                                   name="meeting_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & Q(close_signature__isnull=False)),
                name="meeting_closed_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendee(models.Model):
    """One person on a meeting's attendee list, and their sign-in."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendances",
        verbose_name=_("attendee"),
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("sign-in recorded by"),
    )

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(signed_in_at__isnull=True, signed_in_by__isnull=True)
                | Q(signed_in_at__isnull=False, signed_in_by__isnull=False),
                name="attendee_sign_in_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"


class MeetingCopy(models.Model):
    """One carrier handed out to one attendee at a meeting, and where it stands: handed out
    (waiting for the attendee's count and signature), with the attendee, being returned, back with
    the organiser, kept with the organiser's approval (and passed to the unit's secrecy office),
    or declared missing."""

    class State(models.TextChoices):
        HANDED_OUT = "handed_out", _("Handed out, waiting for the attendee's signature")
        RECEIVED = "received", _("With the attendee")
        RETURNING = "returning", _("Handed back, waiting for the organiser's signature")
        RETURNED = "returned", _("Returned")
        KEEP_APPROVED = "keep_approved", _("May be kept: to pass to the unit's secrecy office")
        KEEPING = "keeping", _("Passed to the unit's secrecy office, waiting for its signature")
        KEPT = "kept", _("Kept with approval, in the unit's custody")
        MISSING = "missing", _("Missing")
        WITHDRAWN = "withdrawn", _("Withdrawn before the attendee signed")

    ACCOUNTED = (State.RETURNED, State.KEPT, State.MISSING, State.WITHDRAWN)
    OPEN = (State.HANDED_OUT, State.RECEIVED, State.RETURNING, State.KEEP_APPROVED, State.KEEPING)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="copies")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="copies")
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="meeting_copies")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.HANDED_OUT)
    handover = models.ForeignKey("carriers.Handover", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("distribution handover"))
    handed_out_at = models.DateTimeField(_("handed out at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    return_handover = models.ForeignKey(
        "carriers.Handover", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("return handover"),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    keep_reason = models.CharField(_("why it may be kept"), max_length=500, blank=True)
    keep_signature = models.ForeignKey(
        "audit.Signature", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("organiser's approval to keep"),
    )
    keep_handover = models.ForeignKey(
        "carriers.Handover", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("handover to the unit's custody"),
    )
    kept_at = models.DateTimeField(_("in the unit's custody since"), null=True, blank=True)
    missing_note = models.CharField(_("what is known of the missing copy"), max_length=500, blank=True)
    missing_at = models.DateTimeField(_("declared missing at"), null=True, blank=True)
    missing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("declared missing by"),
    )

    class Meta:
        ordering = ["meeting", "carrier__registry_number", "pk"]
        verbose_name = _("meeting copy")
        verbose_name_plural = _("meeting copies")
        constraints = [
            # a carrier is out at most once at a time (it may go out again after it came back)
            models.UniqueConstraint(
                fields=["carrier"], condition=Q(state__in=["handed_out", "received", "returning", "keep_approved",
                                                           "keeping"]),
                name="meeting_copy_one_open_per_carrier",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["handed_out", "received", "returning", "returned", "keep_approved", "keeping",
                                       "kept", "missing", "withdrawn"]),
                name="meeting_copy_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["keep_approved", "keeping", "kept"]) | Q(keep_signature__isnull=False),
                name="meeting_copy_kept_only_with_approval",
            ),
            models.CheckConstraint(
                condition=~Q(state="missing") | (Q(missing_at__isnull=False) & Q(missing_by__isnull=False)),
                name="meeting_copy_missing_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.carrier_id}:{self.state}"
