"""Helpers: run a meeting's steps through the services with sensible defaults."""

from datetime import timedelta

from django.utils import timezone

from common.levels import Level
from tests.factories import PASSWORD


def transfer(org, carriers, *, taker, giver=None):
    """Custody of `carriers` to `taker` by an ordinary handover, counted and signed by both."""
    from carriers import services

    handover = services.start_handover(actor=giver or org.secretary, password=PASSWORD, taker=taker,
                                       carriers=carriers, declared_count=len(carriers))
    services.accept_handover(actor=taker, password=PASSWORD, handover_id=handover.pk, counted_count=len(carriers))
    return handover


def make_meeting(org, venue, *, attendees=(), level=Level.SECRET, actor=None, **extra):
    from meetings import services

    now = timezone.now()
    return services.create_meeting(
        actor=actor or org.staff_core, title=extra.pop("title", "项目评审会"), level=level,
        starts_at=extra.pop("starts_at", now + timedelta(hours=1)), ends_at=extra.pop("ends_at", now + timedelta(hours=3)),
        venue=venue, purpose=extra.pop("purpose", "评审年度项目方案"), attendees=list(attendees), **extra,
    )


def approve(org, meeting):
    """Submit the list and approve it at every step (Research's head, then the secrecy office)."""
    from approvals import services as approvals
    from approvals.models import ApprovalRequest
    from meetings import services

    meeting.refresh_from_db()
    if meeting.status == "planning":
        services.submit_for_approval(actor=meeting.organiser, meeting_id=meeting.pk)
        meeting.refresh_from_db()
    request = ApprovalRequest.objects.get(pk=meeting.approval_id)
    for approver in (org.head_res, org.secretary, org.unit_head):
        request.refresh_from_db()
        if request.status in ("approved", "rejected"):
            break
        approvals.decide(actor=approver, request_id=request.pk, outcome="approve", password=PASSWORD)
    meeting.refresh_from_db()
    return meeting


def distribute(org, meeting, carriers, *, to, actor=None, count=None, password=PASSWORD):
    from meetings import services

    return services.distribute(actor=actor or org.staff_core, password=password, meeting_id=meeting.pk, attendee=to,
                               carriers=carriers, declared_count=len(carriers) if count is None else count)


def receive(meeting, handover, *, actor, count=None, container=None):
    from meetings import services

    return services.receive(actor=actor, password=PASSWORD, meeting_id=meeting.pk, handover_id=handover.pk,
                            counted_count=handover.declared_count if count is None else count, container=container)


def give_back(meeting, carriers, *, actor):
    from meetings import services

    return services.return_copies(actor=actor, password=PASSWORD, meeting_id=meeting.pk, carriers=carriers,
                                  declared_count=len(carriers))
