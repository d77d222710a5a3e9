"""Demo data for trying the registry out: one unit, four departments, people in every role and
secrecy post, containers, and 240 carriers over every level, kind and several statuses, plus what
each stage's demo makes of them (copies, meeting copies, loans...). Made through the real
services, so every row is audited and every registration signed."""

import random
from datetime import date

from django.db import transaction

from carriers import selectors as carrier_selectors
from carriers import services as carrier_services
from carriers.models import Carrier, Container
from common.levels import Level
from personnel import roles
from personnel import services as personnel_services
from personnel.models import Person, Unit

DEMO_UNIT = "DEMO"
DEMO_PASSWORD = "Registry-Demo-2026"

DEPARTMENTS = [
    ("SEC", "保密办公室", "Secrecy Office"),
    ("GEN", "综合处", "General Affairs Division"),
    ("RES", "科研处", "Research Division"),
    ("FIN", "财务处", "Finance Division"),
]

# username, full name, employee no., department, secrecy post, roles
PEOPLE = [
    ("secretary", "王保密", "E0001", "SEC", "core", [roles.SECRECY_OFFICE]),
    ("clerk", "李登记", "E0002", "SEC", "important", [roles.SECRECY_OFFICE]),
    ("head_res", "陈科研", "E0101", "RES", "core", [roles.DEPARTMENT_HEAD]),
    ("head_gen", "赵综合", "E0102", "GEN", "important", [roles.DEPARTMENT_HEAD]),
    ("head_fin", "钱财务", "E0103", "FIN", "general", [roles.DEPARTMENT_HEAD]),
    # head of the secrecy office's own department: first approver of what the office requests
    ("head_sec", "马主任", "E0104", "SEC", "core", [roles.DEPARTMENT_HEAD]),
    ("unit_head", "刘院长", "E0100", "GEN", "core", [roles.UNIT_HEAD]),
    ("auditor", "孙审计", "E0201", "SEC", "important", [roles.AUDITOR]),
    ("staff_core", "周核心", "E0301", "RES", "core", [roles.STAFF]),
    ("staff_important", "吴重要", "E0302", "RES", "important", [roles.STAFF]),
    ("staff_general", "郑一般", "E0303", "GEN", "general", [roles.STAFF]),
    ("staff_fin", "冯出纳", "E0304", "FIN", "general", [roles.STAFF]),
    ("staff_none", "陈非密", "E0305", "GEN", "none", [roles.STAFF]),
    ("api_client", "接口系统", "S0001", "SEC", "important", [roles.API_CLIENT]),
]

CONTAINERS = [
    ("SAFE-01", "保密办密码保险柜", "Secrecy Office combination safe", Container.Kind.COMBINATION_SAFE, Level.TOP_SECRET, "SEC", "A-301"),
    ("CAB-01", "保密办密码文件柜", "Secrecy Office combination cabinet", Container.Kind.COMBINATION_CABINET, Level.SECRET, "SEC", "A-301"),
    ("CAB-02", "科研处密码文件柜", "Research combination cabinet", Container.Kind.COMBINATION_CABINET, Level.SECRET, "RES", "B-205"),
    ("CAB-03", "综合处密码文件柜", "General Affairs combination cabinet", Container.Kind.COMBINATION_CABINET, Level.SECRET, "GEN", "A-102"),
    ("ROOM-01", "档案密室", "Archives secure room", Container.Kind.SECURE_ROOM, Level.SECRET, "SEC", "B-001"),
    ("ORD-01", "普通文件柜", "Ordinary cabinet (not for carriers)", Container.Kind.ORDINARY_CABINET, Level.CONFIDENTIAL, "GEN", "A-105"),
]

SUBJECTS = [
    ("年度科研计划", "annual research plan"), ("装备试验报告", "equipment trial report"),
    ("项目经费预算", "project budget"), ("会议纪要", "meeting minutes"), ("技术方案", "technical design"),
    ("人员审查材料", "personnel vetting file"), ("合作协议", "cooperation agreement"),
    ("测试数据", "test data"), ("工作总结", "work summary"), ("应急预案", "contingency plan"),
]
ORIGINATORS = ["国家保密局", "上级主管部门", "本单位科研处", "本单位综合处", "协作单位"]


def is_seeded() -> bool:
    return Unit.objects.filter(code=DEMO_UNIT).exists()


@transaction.atomic
def seed() -> dict:
    unit = personnel_services.create_unit(actor=None, code=DEMO_UNIT, name_zh="示范研究院", name_en="Demonstration Institute")
    departments = {
        code: personnel_services.create_unit(actor=None, code=f"{DEMO_UNIT}-{code}", name_zh=zh, name_en=en, parent=unit)
        for code, zh, en in DEPARTMENTS
    }
    people = {}
    for username, name, number, dept, post, role_names in PEOPLE:
        people[username] = personnel_services.create_person(
            actor=None, username=username, password=DEMO_PASSWORD, full_name=name, employee_number=number,
            unit=unit, department=departments[dept], secrecy_post=post, roles=role_names,
            email=f"{username}@demo.invalid",
        ).user
    containers = {
        code: carrier_services.create_container(
            actor=people["secretary"], code=code, name_zh=zh, name_en=en, kind=kind, unit=unit,
            max_level=level, department=departments[dept], location=location,
        )
        for code, zh, en, kind, level, dept, location in CONTAINERS
    }
    rng = random.Random(2026)
    kinds = [Carrier.Kind.PAPER] * 6 + [Carrier.Kind.ELECTRONIC] * 2 + [Carrier.Kind.ARTICLE, Carrier.Kind.EQUIPMENT]
    items = []
    for i in range(240):
        level = [Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET][i % 3]
        kind = kinds[i % len(kinds)]
        zh, en = SUBJECTS[i % len(SUBJECTS)]
        if level == Level.TOP_SECRET:
            container = containers["SAFE-01"]
        else:
            container = rng.choice([containers["CAB-01"], containers["CAB-02"], containers["CAB-03"], containers["ROOM-01"]])
        scope = rng.sample(list(departments.values())[1:], k=rng.randint(0, 2))
        scope_people = [people["staff_core"]] if i % 17 == 0 else []
        period = {}
        if i % 11 == 0:
            period = {"declassification_condition": "项目验收后解密"}
        elif i % 4 == 0:
            period = {"secrecy_years": rng.choice([1, 2, 5]), "secrecy_months": rng.choice([None, 6])}
        items.append(
            dict(
                kind=kind,
                medium=rng.choice([Carrier.Medium.USB, Carrier.Medium.HARD_DISK, Carrier.Medium.OPTICAL_DISC])
                if kind == Carrier.Kind.ELECTRONIC else "",
                is_coded_telegram=(kind == Carrier.Kind.PAPER and i % 29 == 0),
                title=f"{2024 + i % 3}年{zh}（第{i + 1}号）",
                document_number=f"示文〔{2024 + i % 3}〕{i + 1}号" if kind == Carrier.Kind.PAPER else "",
                originator=rng.choice(ORIGINATORS),
                level=level,
                container=container,
                period_start=date(2024 + i % 3, 1 + i % 11, 1 + i % 28),
                copy_number=f"{1 + i % 5:06d}" if kind == Carrier.Kind.PAPER else "",
                copies_total=5 if kind == Carrier.Kind.PAPER else 1,
                scope_departments=scope,
                scope_people=scope_people,
                **period,
            )
        )
    carriers = carrier_services.register_carriers_batch(actor=people["secretary"], password=DEMO_PASSWORD, items=items)
    # several statuses, each reached through the state machine
    secretary = people["secretary"]
    moves = (
        [(Carrier.Status.ARCHIVED,)] * 20 + [(Carrier.Status.PENDING_DESTRUCTION,)] * 12
        + [(Carrier.Status.PENDING_DESTRUCTION, Carrier.Status.DESTROYED)] * 10
        + [(Carrier.Status.DECLASSIFIED,)] * 8 + [(Carrier.Status.IN_TRANSIT,)] * 6 + [(Carrier.Status.LOST,)] * 3
    )
    for carrier, path in zip(carriers[::2], moves, strict=False):
        for status in path:
            carrier = carrier_services.transition(
                carrier=carrier, to_status=status, actor=secretary, reason="demo data"
            )
    from personnel.demo import seed_personnel

    requests = seed_approvals(people) + seed_production(people, departments)
    from meetings.demo import seed_meetings

    requests += seed_meetings(people, departments, DEMO_PASSWORD)
    requests += seed_personnel(people, DEMO_PASSWORD)
    from carriers.destruction.demo import seed_destruction

    requests += seed_destruction(people, departments, DEMO_PASSWORD)
    from carriers.storage.demo import seed_storage

    requests += seed_storage(people, DEMO_PASSWORD)
    from carriers.carrying.demo import seed_carrying
    from carriers.declassification.demo import seed_declassification

    requests += seed_carrying(people, DEMO_PASSWORD)
    requests += seed_declassification(people, DEMO_PASSWORD)
    from carriers.use.demo import seed_use

    requests += seed_use(people, departments, DEMO_PASSWORD)
    from carriers.copying.demo import seed_copying

    requests += seed_copying(people, departments, DEMO_PASSWORD)
    # every carrier and person the stages made too (copies, extracts, meeting copies, staff_left)
    return {"unit": unit, "people": Person.objects.count(), "containers": Container.objects.count(),
            "carriers": carrier_selectors.registry_size(), "requests": requests}


def seed_production(people, departments) -> int:
    """An approved production place, a licensed printer, and one production request approved and
    waiting for its run by the secrecy office."""
    from datetime import timedelta

    from approvals import services as approvals
    from approvals.selectors import visible_requests
    from carriers.production import services as production

    today = date.today()
    place = production.create_place(
        actor=people["secretary"], name_zh="保密印刷室", name_en="Secure print room", max_level=Level.TOP_SECRET,
        valid_from=today - timedelta(days=365), valid_until=today + timedelta(days=3 * 365),
        approval_reference="示保〔2025〕3号", location="A-110",
    )
    production.create_enterprise(
        actor=people["secretary"], name="定点印刷厂（国密印务有限公司）", licence_number="国保印字2024-017",
        licensed_level=Level.SECRET, licence_valid_until=today + timedelta(days=2 * 365),
    )
    request = production.submit_production_request(
        actor=people["staff_important"], title="《2027年度保密工作要点》", kind=Carrier.Kind.PAPER,
        level=Level.SECRET, copies=8, purpose="下发各处室学习执行", secrecy_years=5,
        scope_departments=list(departments.values()), place=place,
    )
    approval = visible_requests(user=people["head_res"]).filter(target_id=request.pk, kind="production").first()
    approvals.decide(actor=people["head_res"], request_id=approval.pk, outcome="approve", password=DEMO_PASSWORD)
    return 1


def seed_approvals(people) -> int:
    """A few requests in every state, so each role's queue has something in it."""
    from approvals import selectors as approval_selectors
    from approvals import services as approvals

    def ask(who, kind, level, title, purpose, **extra):
        return approvals.submit_request(actor=people[who], kind=kind, level=level, title=title, purpose=purpose, **extra)

    def decide(who, request, outcome, reason=""):
        approvals.decide(actor=people[who], request_id=request.pk, outcome=outcome, password=DEMO_PASSWORD, reason=reason)

    approvals.submit_publication_review(
        actor=people["staff_core"], title="关于新型材料研究进展的综述论文", material_kind="manuscript",
        outlet_type="domestic", outlet_name="《材料科学学报》", summary="公开文献综述，不引用内部试验数据。",
        related_level=Level.CONFIDENTIAL,
    )
    overseas = approvals.submit_publication_review(
        actor=people["staff_general"], title="国际会议投稿：办公自动化实践", material_kind="manuscript",
        outlet_type="overseas", outlet_name="International Conference on Office Systems",
        summary="介绍通用办公流程改进，不涉及本单位涉密业务。", related_level=Level.CONFIDENTIAL,
    )
    decide("head_gen", approval_selectors.review_request(review=overseas), "approve")
    ask("staff_important", "production", Level.SECRET, "印制《2027年科研计划》20份", "下发各处室执行", approved_quantity=20)
    top = ask("staff_core", "production", Level.TOP_SECRET, "制作《装备试验总体方案》5份", "报上级主管部门审定",
              approved_quantity=5)
    decide("head_res", top, "approve")
    done = ask("staff_important", "copying", Level.SECRET, "复制《技术方案》2份", "项目组讨论使用", approved_quantity=2)
    decide("head_res", done, "approve")
    refused = ask("staff_fin", "carrying_out", Level.CONFIDENTIAL, "携带《项目经费预算》外出", "赴银行办理业务")
    decide("head_fin", refused, "reject", reason="不属于必须携带外出的情形，请使用非涉密材料办理。")
    return 6


def logins() -> list[tuple[str, str, str, str]]:
    rows = []
    for person in Person.objects.filter(unit__code=DEMO_UNIT).select_related("user", "department").prefetch_related("user__groups"):
        role = ", ".join(sorted(g.name for g in person.user.groups.all()))
        rows.append((person.user.username, person.full_name, role, person.get_secrecy_post_display()))
    return rows
