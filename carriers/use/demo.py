"""Demo data for the use stage (R3): a reading room and an office approved for reading, three
Secret carriers of the Research division held by the secrecy office, one read in the reading
room (the session ended), one out on loan to a staff member, one free to borrow. Made through the
services, so everything is audited and signed."""

from datetime import timedelta

from django.utils import timezone

from carriers import services as carrier_services
from carriers.models import Container
from common.levels import Level

from . import services


def seed_use(people, departments, password) -> int:
    secretary = people["secretary"]
    room = services.create_place(actor=secretary, name_zh="保密阅文室", name_en="Secrecy office reading room",
                                 kind="reading_room", max_level=Level.TOP_SECRET, location="A-302")
    services.create_place(actor=secretary, name_zh="科研处办公室", name_en="Research division office", kind="office",
                          max_level=Level.SECRET, location="B-201")
    cabinet = Container.objects.get(code="CAB-01")
    research = departments["RES"]
    made = [
        carrier_services.register_carrier(
            actor=secretary, password=password, kind="paper", title=title, originator="上级主管部门",
            level=Level.SECRET, secrecy_years=10, container=cabinet, copy_number=f"00000{i}", copies_total=3,
            document_number=f"示科〔2026〕{i}号", scope_departments=[research],
        )
        for i, title in enumerate(["2027年度科研任务书（阅读示例）", "型号试验大纲（借阅示例）", "技术攻关方案（可借阅）"], 1)
    ]
    now = timezone.now()
    services.record_session(
        actor=secretary, carrier=made[0], reader=people["staff_core"], place=room, rules_told=True,
        started_at=now - timedelta(hours=3), ended_at=now - timedelta(hours=1), purpose="审阅任务分工",
    )
    loan = services.request_loan(actor=people["staff_important"], carrier=made[1], purpose="编写试验报告")
    services.lend(actor=secretary, password=password, loan_id=loan.pk)
    services.accept_loan(actor=people["staff_important"], password=password, loan_id=loan.pk, counted_count=1)
    return 1


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_use(context["people"], context["departments"], context["password"])}
