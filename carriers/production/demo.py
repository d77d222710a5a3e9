"""Demo data of production (R1): an approved production place, a licensed printer, and one
production request approved and waiting for its run by the secrecy office. Registered with
common.demo from ProductionConfig.ready(); runs after the approvals' demo."""

from datetime import date, timedelta

from approvals import services as approvals
from approvals.selectors import visible_requests
from carriers.models import Carrier
from common.levels import Level

from . import services


def seed(context) -> dict:
    return {"requests": seed_production(context["people"], context["departments"], context["password"])}


def seed_production(people, departments, password) -> int:
    today = date.today()
    place = services.create_place(
        actor=people["secretary"], name_zh="保密印刷室", name_en="Secure print room", max_level=Level.TOP_SECRET,
        valid_from=today - timedelta(days=365), valid_until=today + timedelta(days=3 * 365),
        approval_reference="示保〔2025〕3号", location="A-110",
    )
    services.create_enterprise(
        actor=people["secretary"], name="定点印刷厂（国密印务有限公司）", licence_number="国保印字2024-017",
        licensed_level=Level.SECRET, licence_valid_until=today + timedelta(days=2 * 365),
    )
    request = services.submit_production_request(
        actor=people["staff_important"], title="《2027年度保密工作要点》", kind=Carrier.Kind.PAPER,
        level=Level.SECRET, copies=8, purpose="下发各处室学习执行", secrecy_years=5,
        scope_departments=list(departments.values()), place=place,
    )
    approval = visible_requests(user=people["head_res"]).filter(target_id=request.pk, kind="production").first()
    approvals.decide(actor=people["head_res"], request_id=approval.pk, outcome="approve", password=password)
    return 1
