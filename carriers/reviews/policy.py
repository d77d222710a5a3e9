"""Access policy of holdings reviews and spot checks, registered with the gate in ready().

A review or a spot check (its number, counts) is seen by the unit-wide office roles of its unit
(secrecy office, auditor) within their clearance, and only if the reader may open every carrier it
names. A review line is seen by its holder and by the unit's office, each with its carrier (the
gate adds the carrier clause). Only the secrecy office opens and closes reviews and draws, scans
and closes spot checks; only the holder answers their line."""

from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import policy as personnel_policy

from .models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine

RUN_REVIEWS = "reviews.run"


def _office(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE or not access.is_unit_wide(user):
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id, level__lte=person.clearance)


def visible_lines(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    mine = Q(holder_id=user.pk)
    if access.is_unit_wide(user):
        mine |= Q(review__unit_id=person.unit_id)
    return queryset.filter(mine)


def visible_spot_lines(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if person is None or person.clearance == NO_CLEARANCE or not access.is_unit_wide(user):
        return queryset.none()
    return queryset.filter(spot_check__unit_id=person.unit_id)


def may_run(user, obj=None) -> bool:
    if obj is None:
        return personnel_policy.is_secrecy_office(user)
    return personnel_policy.is_secrecy_office(user, obj.unit_id)


def register() -> None:
    access.register(HoldingsReview, _office,
                    names_carriers=[CarrierLink(through="reviews.reviewline", parent="review_id", field="carrier_id")])
    access.register(ReviewLine, visible_lines, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(SpotCheck, _office, names_carriers=[
        CarrierLink(through="reviews.spotcheckline", parent="spot_check_id", field="carrier_id")])
    access.register(SpotCheckLine, visible_spot_lines, names_carriers=[CarrierLink(field="carrier_id")])
    access.register_action(RUN_REVIEWS, may_run)
