"""Access policy of secrecy-period reviews, registered with the gate in
DeclassificationConfig.ready(): who sees a declassification review and a recorded "condition met".
Proposing a review and recording a condition register no action: whoever may open the carrier may
ask, and the rules (reviewer_of_unit, carrier_reviewable...) answer the rest in the services.

Carriers, hiding rather than redaction: a review and a condition record are each about exactly one
carrier, whose registry number, level, period and marking they show; a reader who may not open that
carrier sees neither (names_carriers on `carrier_id`). An approver of the review who may not open
the carrier decides from the approval request alone."""

from django.db.models import Q, QuerySet

from approvals import kit
from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE

from .models import ConditionMet, DeclassificationReview

# --- visibility ------------------------------------------------------------------------------------


# who proposed it, whoever may see its approval request (its approvers), the unit-wide office roles
# of the reviewing unit; always within clearance (the level it was reviewed at); and (names_carriers)
# only with its carrier
visible_reviews = kit.visibility()


def visible_conditions(queryset: QuerySet, user) -> QuerySet:
    """Who recorded it and the unit-wide office roles of the reviewing unit, within clearance; and
    (names_carriers) only with its carrier."""
    person = access.person_of(user)
    if person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(recorded_by_id=user.pk)
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def register() -> None:
    access.register(DeclassificationReview, visible_reviews, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(ConditionMet, visible_conditions, names_carriers=[CarrierLink(field="carrier_id")])
