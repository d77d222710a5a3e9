"""Access policy of the production stage (R1), registered with the gate in ProductionConfig.ready():
who sees production places, outside enterprises, production requests and runs, and who may manage
the sites, run an approved request and register its intermediate materials. The services enforce,
and the pages and the API display, these same answers.

Carriers: a production request names no carrier (it asks for carriers still to be made; its level
is theirs, so the clearance clause covers it). A run's copies and intermediate materials point
back at the run (Carrier.production_run); the run is seen with its request, and its carriers are
listed through the gate, the rest only counted ("2 more carriers are not visible to you"), never
named: redaction, not hiding, because the requester and the approvers must see that the run
happened even when a draft kept by the secrecy office is outside their need-to-know."""

from django.db.models import QuerySet

from approvals import kit
from common import access
from personnel import policy as personnel_policy
from personnel import roles

from .models import Enterprise, ProductionPlace, ProductionRequest, ProductionRun

# actions (access.can(user, ACTION, obj) answers like may_<action>)
MANAGE_SITES = "production.manage_sites"
RUN = "production.run"
REGISTER_INTERMEDIATE = "production.register_intermediate"


# --- visibility ------------------------------------------------------------------------------------



# the requester, whoever may see its approval request (its approvers), the unit-wide office roles
# of its unit; always within clearance (the level of the carriers to make)
visible_requests = kit.visibility()


def visible_runs(queryset: QuerySet, user) -> QuerySet:
    """A run is seen with its request (its carriers through the gate, one by one)."""
    return queryset.filter(request_id__in=access.restrict_label("production.productionrequest", user).values("pk"))


# --- who may do what -------------------------------------------------------------------------------


def _office(user) -> bool:
    return access.person_of(user) is not None and access.has_role(user, roles.SECRECY_OFFICE)


def may_manage_sites(user, obj=None) -> bool:
    """The secrecy office registers production places and outside enterprises."""
    return _office(user)


def may_run(user, production: ProductionRequest | None = None) -> bool:
    """The secrecy office carries production out; a request only once approved (and not yet
    produced), by someone cleared for its level."""
    if not _office(user):
        return False
    if production is None:
        return True
    return (production.status == ProductionRequest.Status.APPROVED
            and access.clearance_of(user) >= production.level)


def may_register_intermediate(user, run: ProductionRun | None = None) -> bool:
    """The secrecy office registers a run's drafts, proofs and waste, cleared for the run's level."""
    if not _office(user):
        return False
    return run is None or access.clearance_of(user) >= run.request.level


def register() -> None:
    access.register(ProductionPlace, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(Enterprise, personnel_policy.of_the_readers_unit)  # names no carrier
    access.register(ProductionRequest, visible_requests)
    access.register(ProductionRun, visible_runs)
    access.register_action(MANAGE_SITES, may_manage_sites)
    access.register_action(RUN, may_run)
    access.register_action(REGISTER_INTERMEDIATE, may_register_intermediate)
