"""Demo data for the secrecy files (R10-R12, R14): pledges, training records, an inspection,
passports held by the secrecy office and a travel request waiting for approval. Made through the
real services, so every row is audited and signed."""

from datetime import timedelta

from django.utils import timezone

from . import roles, services
from .models import Person, Unit

DEMO_UNIT = "DEMO"

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


# --- registered with common.demo from PersonnelConfig.ready() ------------------------------------

def seed(context) -> dict:
    """The demo unit, its four departments and a person in every role and secrecy post."""
    unit = services.create_unit(actor=None, code=DEMO_UNIT, name_zh="示范研究院", name_en="Demonstration Institute")
    departments = {
        code: services.create_unit(actor=None, code=f"{DEMO_UNIT}-{code}", name_zh=zh, name_en=en, parent=unit)
        for code, zh, en in DEPARTMENTS
    }
    people = {}
    for username, name, number, dept, post, role_names in PEOPLE:
        people[username] = services.create_person(
            actor=None, username=username, password=context["password"], full_name=name, employee_number=number,
            unit=unit, department=departments[dept], secrecy_post=post, roles=role_names,
            email=f"{username}@demo.invalid",
        ).user
    return {"unit": unit, "departments": departments, "people": people}


def seed_records(context) -> dict:
    return {"requests": seed_personnel(context["people"], context["password"])}


def is_seeded() -> bool:
    return Unit.objects.filter(code=DEMO_UNIT).exists()


def totals() -> dict:
    # every person the stages made too (staff_left)
    return {"people": Person.objects.count()}


def logins() -> list[tuple[str, str, str, str]]:
    rows = []
    people = Person.objects.filter(unit__code=DEMO_UNIT).select_related("user", "department")
    for person in people.prefetch_related("user__groups"):
        role = ", ".join(sorted(g.name for g in person.user.groups.all()))
        rows.append((person.user.username, person.full_name, role, person.get_secrecy_post_display()))
    return rows


# --- the secrecy files ----------------------------------------------------------------------------


def seed_personnel(people, password: str) -> int:
    """`people`: username -> user (seed above). Returns the number of approval requests made."""
    today = timezone.localdate()
    secretary = people["secretary"]
    for username in ("staff_core", "staff_important", "staff_general", "staff_fin", "head_res"):
        user = people[username]
        services.sign_pledge(actor=user, person=user.person, password=password,
                             signed_on=today - timedelta(days=400))
        services.record_training(actor=secretary, person=user.person, course="新任涉密人员上岗保密培训",
                                 held_on=today - timedelta(days=400), result="passed", hours=8)
    # staff_general's yearly training is overdue (a training_due alert); the others took it
    for username in ("staff_core", "staff_important", "staff_fin", "head_res"):
        services.record_training(actor=secretary, person=people[username].person, course="年度保密法律法规教育",
                                 held_on=today - timedelta(days=40), result="passed", hours=4)
    services.record_training(actor=secretary, person=people["staff_general"].person, course="保密技术防护常识",
                             held_on=today - timedelta(days=60), result="failed", hours=2)
    services.record_inspection(actor=secretary, person=people["staff_core"].person, inspector="保密办 王保密",
                               inspected_on=today - timedelta(days=20),
                               finding="涉密计算机与互联网物理隔离，办公桌面无涉密文件遗留。")
    for username in ("staff_core", "staff_important"):
        services.record_passport(actor=secretary, person=people[username].person, direction="in",
                                 on=today - timedelta(days=300), note="集中保管")
    services.submit_travel(actor=people["staff_important"], traveller=people["staff_important"].person,
                           kind="private", destination="新加坡", departs_on=today + timedelta(days=30),
                           returns_on=today + timedelta(days=37), purpose="探亲（春节假期）")
    office = secretary.person  # head_sec (PEOPLE above) heads its department: first approver of its requests
    # a person who left a secret-related post: in the disengagement period (flagged on their file)
    left = services.create_person(
        actor=None, username="staff_left", password=password, full_name="吴离岗", employee_number="E0306",
        unit=office.unit, department=people["staff_core"].person.department, secrecy_post="important",
        roles=[roles.STAFF], email="staff_left@demo.invalid",
    )
    services.sign_pledge(actor=secretary, person=left, password=password, kind="departure",
                         reference="离岗承诺书 2026-05")
    services.leave_post(actor=secretary, person=left, password=password)
    return 1
