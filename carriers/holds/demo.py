"""Demo data for holds (issue 19, item 1), through the real services: an inspection hold in force
on two archived carriers and a legal hold lifted with the office's signature (archived carriers:
the other stages' demos and flows work on those in custody)."""

from carriers.models import Carrier, HandoverItem

from . import services


def seed(context) -> dict:
    people, password = context["people"], context["password"]
    secretary = people["secretary"]
    free = list(Carrier.objects.filter(unit=secretary.person.unit, status=Carrier.Status.ARCHIVED, level__lte=2)
                .exclude(pk__in=HandoverItem.objects.filter(is_open=True).values("carrier_id"))
                .order_by("registry_number")[:3])
    if len(free) < 3:
        return {}
    services.place_hold(actor=secretary, carriers=free[:2], kind="inspection",
                        reason="保密检查发现登记信息与实物不符，核查期间冻结")
    legal = services.place_hold(actor=secretary, carriers=free[2:], kind="legal", reason="劳动争议案件证据保全")
    services.lift_hold(actor=people["clerk"], password=password, hold_id=legal.pk, reason="案件已审结")
    return {}
