"""Every read of the production stage starts from the access gate's queryset."""

from datetime import date

from django.db.models import Q

from approvals import kit
from carriers import selectors as carrier_selectors
from carriers.models import Carrier, Disposition
from common import access
from personnel.models import Unit

from .models import Enterprise, ProductionPlace, ProductionRequest, ProductionRun


def visible_places(*, user):
    return access.restrict(ProductionPlace.objects.select_related("unit"), user).order_by("name_zh", "pk")


def visible_enterprises(*, user):
    return access.restrict(Enterprise.objects.select_related("unit"), user).order_by("name", "pk")


def visible_requests(*, user):
    return (
        access.restrict(ProductionRequest.objects.all(), user)
        .select_related("requester__person", "unit", "department", "place", "enterprise", "approval", "run")
        .prefetch_related("scope_departments", "scope_people__person", "scope_units")
        .order_by("-created_at", "-pk")
    )


def request_get(*, user, pk) -> ProductionRequest:
    """One visible production request, or 404 exactly as if it did not exist."""
    return kit.get_or_404(visible_requests(user=user), pk)


def run_get(*, user, pk) -> ProductionRun:
    return kit.get_or_404(
        access.restrict(ProductionRun.objects.all(), user).select_related("request", "run_by__person", "container"), pk
    )


def run_of(*, request: ProductionRequest) -> ProductionRun | None:
    return ProductionRun.objects.filter(request=request).select_related("run_by__person", "container").first()


def run_copies(*, user, run: ProductionRun):
    """The final copies of a run this user may see, by copy number."""
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(production_run=run, intermediate_kind="")
        .order_by("copy_number", "pk")
    )


def run_intermediates(*, user, run: ProductionRun):
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(production_run=run)
        .exclude(intermediate_kind="")
        .order_by("registered_at", "pk")
    )


def run_hidden(*, user, run: ProductionRun) -> dict:
    """How many of the run's copies and intermediate materials this user may not open (counted,
    never named)."""
    made = Carrier.objects.filter(production_run=run)
    return {
        "copies": made.filter(intermediate_kind="").count() - run_copies(user=user, run=run).count(),
        "intermediates": made.exclude(intermediate_kind="").count() - run_intermediates(user=user, run=run).count(),
    }


def intermediate_overdue(*, today: date, user=None):
    """Intermediate materials marked for destruction and still not destroyed after their date:
    one set-based query for the scheduled checks (user None: every unit) or, for a user, what
    the access gate lets them see."""
    base = Carrier.objects.all() if user is None else carrier_selectors.visible_carriers(user=user)
    return (
        base.filter(disposition=Disposition.DESTROY, dispose_by__lt=today)
        .exclude(status=Carrier.Status.DESTROYED)
        .select_related("production_run", "holder__person", "unit")
        .order_by("dispose_by", "pk")
    )


def places_for_request(*, user):
    """Places of the user's unit that are in use (the rules refuse any that are not approved)."""
    return visible_places(user=user).filter(is_active=True)


def enterprises_for_request(*, user):
    return visible_enterprises(user=user).filter(is_active=True)


def scope_unit_choices(*, user):
    """Other units a production may be distributed to. Unit names are not classified; the gate's
    unit list is only the user's own unit, so the other top-level units are offered here."""
    person = access.person_of(user)
    if person is None:
        return Unit.objects.none()
    return Unit.objects.filter(kind=Unit.Kind.UNIT).exclude(pk=person.unit_id).order_by("code")


def request_history(*, production: ProductionRequest):
    """The request's events and its run's, from the audit trail (caller has checked visibility)."""
    run_ids = [str(pk) for pk in ProductionRun.objects.filter(request=production).values_list("pk", flat=True)]
    return kit.history(production, also=Q(target_type="production.productionrun", target_id__in=run_ids))
