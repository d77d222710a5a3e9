"""Demo data for holdings reviews and spot checks (issue 19, items 3 and 4), through the real
services: an open review with a few answers, and a spot check with one carrier found."""

from carriers.models import Carrier
from common.levels import Level

from . import services
from .models import ReviewLine, SpotCheckLine


def seed(context) -> dict:
    people = context["people"]
    secretary = people["secretary"]
    if not Carrier.objects.filter(unit=secretary.person.unit).exists():
        return {}
    review = services.open_review(actor=secretary, days=30, note="年度涉密载体清理：请逐件确认")
    answers = (("keep", "项目仍在进行，需继续使用"), ("return", ""), ("destroy", ""))
    for line, (answer, reason) in zip(ReviewLine.objects.filter(review=review, holder=secretary).order_by("pk"),
                                      answers, strict=False):
        services.answer_line(actor=secretary, line_id=line.pk, answer=answer, reason=reason)
    check = services.draw_spot_check(actor=secretary, strata={Level.SECRET: 3, Level.CONFIDENTIAL: 3})
    first = SpotCheckLine.objects.filter(spot_check=check).select_related("carrier").first()
    services.scan(actor=people["clerk"], check_id=check.pk, registry_number=first.carrier.registry_number)
    return {}
