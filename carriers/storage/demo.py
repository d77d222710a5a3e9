"""Demo data for the storage stage (R6) and the inventory check, made through the real services:
the unit's archives kept by the clerk, carriers filed and archived, a carrier moved between
containers, a container's access log, a staff member keeping a carrier outside its container on
an approved temporary retention, a closed inventory of one cabinet (everything found) and an
inventory of another in progress."""

from datetime import timedelta

from django.utils import timezone

from carriers import selectors as carrier_selectors
from carriers import services as carrier_services
from carriers.models import Carrier, Container, HandoverItem

from . import services


def _free(secretary):
    """Carriers the secretary holds in custody, not being handed over: the newest first (the other
    stages' demos take the oldest)."""
    return (
        carrier_selectors.visible_carriers(user=secretary)
        .filter(holder=secretary, status=Carrier.Status.IN_CUSTODY, container__isnull=False)
        .exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id"))
        .order_by("-registry_number")
    )


def _approve(approval, people, password) -> None:
    from approvals import services as approvals

    while approval.status in ("submitted", "in_review"):
        step = approval.steps.get(status="open")
        approver = approvals.eligible_approvers(step=step).first()
        approvals.decide(actor=approver, request_id=approval.pk, outcome="approve", password=password)
        approval.refresh_from_db()


def seed_storage(people, password) -> int:
    secretary, clerk = people["secretary"], people["clerk"]
    boxes = {c.code: c for c in Container.objects.filter(unit=secretary.person.unit)}
    archive = services.create_archive(actor=secretary, name_zh="综合档案室", name_en="General archives", keeper=clerk,
                                      container=boxes["ROOM-01"])

    # filing to the archives: two Secret carriers, handed over and accepted by the keeper
    secret = list(_free(secretary).filter(level=2)[:3])
    filing = services.file_to_archives(actor=secretary, password=password, archive_id=archive.pk,
                                       carriers=secret[:2], declared_count=2, note="2024年度归档")
    services.accept_filing(actor=clerk, password=password, filing_id=filing.pk, counted_count=2)

    # a carrier moved between containers, and the safe's access log
    movable = secret[2]
    target = boxes["CAB-01"] if movable.container_id != boxes["CAB-01"].pk else boxes["CAB-02"]
    services.store_carrier(actor=secretary, carrier_id=movable.pk, container=target, note="调整存放位置")
    for action, note in (("opened", "取阅文件"), ("closed", ""), ("checked", "月度检查：封条完好")):
        services.log_container_access(actor=clerk, container_id=boxes["SAFE-01"].pk, action=action, note=note)

    # a temporary retention: staff_core keeps a carrier outside its container until next week
    staff = people["staff_core"]
    reachable = _free(secretary).filter(level=1, scope_people=staff).first() or _free(secretary).filter(
        level=1, scope_departments__code="DEMO-RES").first()
    if reachable is not None:
        handover = carrier_services.start_handover(actor=secretary, password=password, taker=staff,
                                                   carriers=[reachable], declared_count=1)
        carrier_services.accept_handover(actor=staff, password=password, handover_id=handover.pk, counted_count=1,
                                         container=boxes["CAB-02"])
        retention = services.request_retention(actor=staff, carrier_id=reachable.pk, reason="赴外地项目现场审阅",
                                               ends_on=timezone.localdate() + timedelta(days=7))
        _approve(retention.approval, people, password)
        services.start_retention(actor=staff, retention_id=retention.pk)

    # inventories: CAB-03 checked and closed (all found), CAB-01 in progress
    done = services.open_inventory(actor=secretary, scope="container", container=boxes["CAB-03"], note="季度清查")
    for number in done.lines.values_list("registry_number", flat=True):
        services.confirm_seen(actor=secretary, inventory_id=done.pk, registry_number=number)
    services.close_inventory(actor=secretary, password=password, inventory_id=done.pk, second_signer=clerk,
                             second_password=password)
    running = services.open_inventory(actor=secretary, scope="container", container=boxes["CAB-01"],
                                      note="年度清查（进行中）")
    for number in running.lines.values_list("registry_number", flat=True)[:3]:
        services.confirm_seen(actor=secretary, inventory_id=running.pk, registry_number=number)
    return 1


def seed(context) -> dict:
    """Registered with common.demo from the AppConfig's ready()."""
    return {"requests": seed_storage(context["people"], context["password"])}
