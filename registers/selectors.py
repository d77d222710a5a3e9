"""Every row of a register is read through the access gate: the carrier ledger from the visible
carriers, the audit extract from the visible audit events."""

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from audit.policy import VIEW_AUDIT
from audit.selectors import visible_events
from carriers.filters import CarrierFilter
from carriers.selectors import visible_carriers
from common import access
from common.errors import Refused, ValidationFailed
from personnel.models import Unit

from .base import Extract, clean_period, period_bounds
from .models import ChainVerification, RegisterExport

LEDGER_FILTERS = ("unit", "level", "status", "kind")


def require_register_access(user) -> None:
    """Registers are for auditors and the secrecy office."""
    if not access.can(user, VIEW_AUDIT):
        raise Refused(_("Only auditors and the secrecy office may export registers."))


def register_get(*, user, name: str):
    """The register called name, for a user who may export registers (403 before 404)."""
    from .definitions import REGISTERS

    require_register_access(user)
    register = REGISTERS.get(name)
    if register is None:
        raise Http404
    return register


def _period(params):
    try:
        return clean_period(params), {}
    except ValidationFailed as exc:
        return (None, None), exc.errors


def ledger_extract(*, user, params) -> Extract:
    """Visible carriers, filtered by unit, level, status, kind and the period they were registered in."""
    require_register_access(user)
    filterset = CarrierFilter(
        {key: params.get(key, "") for key in LEDGER_FILTERS}, queryset=visible_carriers(user=user)
    )
    errors = {} if filterset.is_valid() else {k: list(v) for k, v in filterset.errors.items()}
    (period_data, period), period_errors = _period(params)
    errors.update(period_errors)
    if errors:
        raise ValidationFailed(errors)
    rows = filterset.qs
    start, end = period_bounds(period_data)
    if start:
        rows = rows.filter(registered_at__gte=start)
    if end:
        rows = rows.filter(registered_at__lt=end)
    rows = list(rows.select_related("basis_item", "classifier__person").order_by("registered_at", "id"))
    cleaned = filterset.form.cleaned_data
    filters = {key: str(int(cleaned[key]) if key == "unit" else cleaned[key]) for key in LEDGER_FILTERS if cleaned.get(key)}
    filters.update({key: value.isoformat() for key, value in period_data.items() if value})
    unit = Unit.objects.filter(pk=int(cleaned["unit"])).first() if cleaned.get("unit") else None
    return Extract(
        rows=rows, filters=filters, period=period, unit=unit, level=max((row.level for row in rows), default=None)
    )


def audit_extract(*, user, params) -> Extract:
    """Visible audit events of the period, oldest first. The extract's level is the highest level of
    the carriers its events are about."""
    require_register_access(user)
    (period_data, period), errors = _period(params)
    if errors:
        raise ValidationFailed(errors)
    rows = visible_events(user=user).order_by("seq")
    start, end = period_bounds(period_data)
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    rows = list(rows)
    carrier_ids = {int(e.target_id) for e in rows if e.target_type == "carriers.carrier" and e.target_id.isdigit()}
    level = None
    if carrier_ids:
        level = visible_carriers(user=user).filter(pk__in=carrier_ids).aggregate(top=Max("level"))["top"]
    filters = {key: value.isoformat() for key, value in period_data.items() if value}
    return Extract(rows=rows, filters=filters, period=period, level=level)


def units_for_filter(*, user):
    """The units a register may be filtered by: the reader's own unit."""
    person = access.person_of(user)
    if person is None:
        return Unit.objects.none()
    return Unit.objects.filter(pk=person.unit_id)


def export_get(*, user, export_id):
    """One export job of this user (anyone else's is as missing as a job that does not exist)."""
    if not str(export_id).isdigit() or int(export_id) > 2**63 - 1:
        return None
    return access.restrict(RegisterExport.objects.filter(pk=int(export_id)), user).first()


def exports_of(*, user, limit: int = 20):
    """This user's latest exports."""
    return access.restrict(RegisterExport.objects.all(), user).order_by("-created_at", "-pk")[:limit]


def verification_get(*, user, verification_id):
    if not str(verification_id).isdigit() or int(verification_id) > 2**63 - 1:
        return None
    return access.restrict(ChainVerification.objects.filter(pk=int(verification_id)), user).first()


def latest_verifications(*, user, limit: int = 5):
    return access.restrict(ChainVerification.objects.select_related("requester"), user).order_by("-created_at")[:limit]


def departments_for_filter(*, user):
    """The departments of the reader's unit."""
    person = access.person_of(user)
    if person is None:
        return Unit.objects.none()
    return Unit.objects.filter(parent_id=person.unit_id).order_by("code")
