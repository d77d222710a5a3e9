"""Demo data of the registry core: containers, and 240 carriers over every level, kind and
several statuses, each status reached through the state machine. Registered with common.demo from
CarriersConfig.ready(); runs after the people (personnel.demo)."""

import random
from datetime import date

from common.levels import Level

from . import selectors, services
from .models import Carrier, Container

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


def seed(context) -> dict:
    """Needs `unit`, `departments`, `people` and `password` (personnel.demo)."""
    unit, departments, people = context["unit"], context["departments"], context["people"]
    containers = {
        code: services.create_container(
            actor=people["secretary"], code=code, name_zh=zh, name_en=en, kind=kind, unit=unit,
            max_level=level, department=departments[dept], location=location,
        )
        for code, zh, en, kind, level, dept, location in CONTAINERS
    }
    # the classification basis (issue 19, item 2): the unit's list of secret matters and its
    # classifiers, cited by every tenth carrier
    secretary = people["secretary"]
    matter_items = {
        level: services.add_matter_item(actor=secretary, code=code, title_zh=zh, title_en=en, level=level,
                                        secrecy_years=years)
        for level, code, zh, en, years in (
            (Level.TOP_SECRET, "1.1", "重点工程总体技术方案", "Overall technical plans of key works", 30),
            (Level.SECRET, "2.3", "科研项目关键技术参数", "Key technical parameters of research projects", 20),
            (Level.CONFIDENTIAL, "4.2", "内部审计和检查情况", "Internal audit and inspection findings", 10),
        )
    }
    services.designate_classifier(actor=secretary, user=people["unit_head"], max_level=Level.TOP_SECRET,
                                  reference="定密〔2026〕1号")
    services.designate_classifier(actor=secretary, user=people["head_res"], max_level=Level.SECRET,
                                  reference="定密〔2026〕2号")
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
                **({"basis_item": matter_items[level],
                    "classifier": people["unit_head" if level == Level.TOP_SECRET else "head_res"]}
                   if i % 10 == 0 else {}),
            )
        )
    carriers = services.register_carriers_batch(actor=secretary, password=context["password"], items=items)
    # several statuses, each reached through the state machine
    moves = (
        [(Carrier.Status.ARCHIVED,)] * 20 + [(Carrier.Status.PENDING_DESTRUCTION,)] * 12
        + [(Carrier.Status.PENDING_DESTRUCTION, Carrier.Status.DESTROYED)] * 10
        + [(Carrier.Status.DECLASSIFIED,)] * 8 + [(Carrier.Status.IN_TRANSIT,)] * 6 + [(Carrier.Status.LOST,)] * 3
    )
    for carrier, path in zip(carriers[::2], moves, strict=False):
        for status in path:
            carrier = services.transition(carrier=carrier, to_status=status, actor=secretary, reason="demo data")
    return {"containers": containers}


def totals() -> dict:
    # every carrier the stages made too (copies, extracts, meeting copies)
    return {"containers": Container.objects.count(), "carriers": selectors.registry_size()}
