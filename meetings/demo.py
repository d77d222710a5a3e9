"""Demo data for confidential meetings (R8): two venues (one approved up to Top Secret, one not
approved), three numbered Secret copies held by Research's staff member who organises, and a
Secret meeting tomorrow with two attendees whose list is approved; nobody has signed in yet.
Everything through the real services, so every row is audited and every handover signed."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from carriers import services as carrier_services
from carriers.models import Container
from common.levels import Level

from . import services


def seed_meetings(people, departments, password: str) -> int:
    from approvals import services as approvals

    secretary, organiser = people["secretary"], people["staff_core"]
    venue = services.create_venue(
        actor=secretary, name_zh="第一保密会议室", name_en="Secure meeting room 1", location="A-201",
        max_level=Level.TOP_SECRET, approval_reference="示保会〔2025〕1号",
    )
    services.create_venue(actor=secretary, name_zh="多功能厅", name_en="Multi-purpose hall", location="A-101",
                          max_level=Level.CONFIDENTIAL)
    cabinet = Container.objects.get(code="CAB-01")
    copies = [
        carrier_services.register_carrier(
            actor=secretary, password=password, kind="paper", title=f"2027年度科研计划（评审稿）第{i}份",
            originator="示范研究院科研处", level=Level.SECRET, secrecy_years=10, container=cabinet,
            copy_number=f"{i:06d}", copies_total=3, scope_departments=[departments["RES"]],
        )
        for i in (1, 2, 3)
    ]
    handover = carrier_services.start_handover(actor=secretary, password=password, taker=organiser, carriers=copies,
                                               declared_count=len(copies), note="会议材料")
    carrier_services.accept_handover(actor=organiser, password=password, handover_id=handover.pk,
                                     counted_count=len(copies))
    tomorrow = timezone.localdate() + timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(tomorrow, time(9, 0)))
    meeting = services.create_meeting(
        actor=organiser, title="2027年度科研计划评审会", level=Level.SECRET, starts_at=starts,
        ends_at=starts + timedelta(hours=3), venue=venue, purpose="评审2027年度科研计划",
        attendees=[people["staff_important"], people["head_res"]],
    )
    meeting = services.submit_for_approval(actor=organiser, meeting_id=meeting.pk)
    for approver in ("head_res", "secretary"):
        approvals.decide(actor=people[approver], request_id=meeting.approval_id, outcome="approve", password=password)
    return 1


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_meetings(context["people"], context["departments"], context["password"])}
