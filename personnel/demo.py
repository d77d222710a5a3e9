"""Demo data for the secrecy files (R10-R12, R14): pledges, training records, an inspection,
passports held by the secrecy office and a travel request waiting for approval. Made through the
real services, so every row is audited and signed."""

from datetime import timedelta

from django.utils import timezone

from . import roles, services


def seed_personnel(people, password: str) -> int:
    """`people`: username -> user (common.demo). Returns the number of approval requests made."""
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
    office = secretary.person  # head_sec (common.demo) heads its department: first approver of its requests
    # a person who left a secret-related post: in the disengagement period (flagged on their file)
    left = services.create_person(
        actor=None, username="staff_left", password=password, full_name="吴离岗", employee_number="E0306",
        unit=office.unit, department=people["staff_core"].person.department, secrecy_post="important",
        roles=[roles.STAFF], email="staff_left@demo.invalid",
    )
    services.sign_pledge(actor=secretary, person=left, password=password, kind="departure",
                         reference="离岗承诺书 2026-05")
    services.record_departure(actor=secretary, person=left)
    return 1
