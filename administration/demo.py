"""Demo: one person in each administrator role (issue 15), and a second security administrator so
that a four-eyes request has someone to decide it. Seeded after the demo unit and its people
(personnel, order 10); listed by `demo_logins` with everyone of the demo unit."""

from personnel import roles
from personnel import services as personnel

# username, full name, employee no., department code, secrecy post, role
ADMINISTRATORS = [
    ("sysadmin", "韩系统", "A0001", "GEN", "general", roles.SYSTEM_ADMIN),
    ("secadmin", "魏安全", "A0002", "SEC", "important", roles.SECURITY_ADMIN),
    ("secadmin2", "蒋安全", "A0003", "SEC", "important", roles.SECURITY_ADMIN),
    ("secauditor", "沈审计", "A0004", "GEN", "general", roles.SECURITY_AUDITOR),
]


def seed(context) -> dict:
    people = dict(context.get("people") or {})
    departments = context["departments"]
    for username, name, number, dept, post, role in ADMINISTRATORS:
        people[username] = personnel.create_person(
            actor=None, username=username, password=context["password"], full_name=name, employee_number=number,
            unit=context["unit"], department=departments[dept], secrecy_post=post, roles=[role],
            email=f"{username}@demo.invalid",
        ).user
    return {"people": people}
