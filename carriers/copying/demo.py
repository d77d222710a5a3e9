"""Demo data for the copying stage (R4), made through the real services: the unit licensed to copy
(its secrecy office registered as the confidential department), a copy request approved by the
issuing authority and carried out, an extract, and a compilation waiting for approval."""

from datetime import date, timedelta


def seed_copying(people, departments, password) -> int:
    from approvals import services as approvals
    from carriers import services as carrier_services
    from carriers.models import Carrier, Container
    from common.levels import Level

    from . import services

    secretary = people["secretary"]
    unit = secretary.person.unit
    today = date.today()
    services.record_licence(
        actor=secretary, unit=unit, licensed_on=today - timedelta(days=200), valid_until=today + timedelta(days=3 * 365),
        granted_by="省国家保密局", licence_number="国保复字2025-031", note="复制设备：保密办数码复印机（编号FY-01）",
    )
    services.record_licence(
        actor=secretary, unit=departments["SEC"], licensed_on=today - timedelta(days=200), granted_by="省国家保密局",
        licence_number="国保复字2025-032", may_copy_coded_telegrams=True, note="机要部门",
    )
    cabinet = Container.objects.get(code="CAB-01")
    safe = Container.objects.get(code="SAFE-01")
    plan = carrier_services.register_carrier(
        actor=secretary, password=password, kind=Carrier.Kind.PAPER, title="《新型材料中试技术方案》",
        document_number="示科〔2026〕12号", originator="本单位科研处", originating_unit=unit, level=Level.SECRET,
        secrecy_years=10, period_start=today - timedelta(days=30), container=cabinet, copy_number="000001",
        copies_total=2, scope_departments=[departments["RES"]],
    )
    minutes = carrier_services.register_carrier(
        actor=secretary, password=password, kind=Carrier.Kind.PAPER, title="《中试项目评审会议纪要》",
        originator="上级主管部门", level=Level.CONFIDENTIAL, declassification_condition="项目验收后解密",
        period_start=today - timedelta(days=60), container=cabinet, scope_departments=[departments["RES"]],
    )
    request = services.submit_copy_request(actor=people["staff_important"], source=plan, copies=2,
                                           purpose="项目组两名成员分别研读")
    approvals.decide(actor=people["head_res"], request_id=request.approval_id, outcome="approve", password=password)
    services.execute_copy_request(actor=secretary, password=password, request_id=request.pk, container=cabinet)
    services.make_extract(
        actor=secretary, password=password, sources=[plan, minutes], title="《中试方案要点摘编》",
        purpose="向主管领导汇报", container=safe,
    )
    services.submit_compilation(
        actor=people["staff_core"], parts=[plan, minutes], title="《2026年中试项目文件汇编》", purpose="项目归档",
    )
    return 2


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_copying(context["people"], context["departments"], context["password"])}
