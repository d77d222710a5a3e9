"""The lists' writes: a filtered list exported (CSV or PDF, audited like the registers' exports),
and the bulk actions on selected carriers or alerts. A bulk action runs the existing single-object
services inside ONE transaction after ONE signature (password, and the one-time code where
enrolled): any refused row refuses the whole batch and nothing is changed."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import services as alert_services
from audit import services as audit
from audit.models import AuditEvent, Signature
from carriers import services as carrier_services
from carriers.destruction import services as destruction_services
from carriers.storage import services as storage_services
from common import access
from common import tables as common_tables
from common.errors import ValidationFailed
from registers.rendering import render_csv, render_pdf
from registers.services import register_marking

from . import selectors

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def export_limit() -> int:
    return int(settings.REGISTRY.get("REGISTER_SYNC_MAX_ROWS", 5000))


def _filters_of(params) -> dict:
    return {key: params.get(key) for key in sorted(params.keys())
            if key not in ("page", "lang") and params.get(key) not in (None, "")}


def export_list(*, actor, name: str, params, fmt: str, language: str) -> Export:
    """The list as the user sees it (their gate, filters and order), every page, as CSV or PDF;
    audited `list.exported` in the same transaction. A list longer than the synchronous limit is
    refused (400): narrow the filter or use a register's background export."""
    spec = selectors.list_spec(name)
    if fmt not in FORMATS:
        raise ValidationFailed({"format": [_("Choose CSV or PDF.")]})
    if language not in LANGUAGES:
        raise ValidationFailed({"lang": [_("Choose Chinese or English.")]})
    with translation.override(language):
        table, errors, form = spec.build(actor, params)
        if errors:
            raise ValidationFailed(errors)
        limit = export_limit()
        count = table.data.data.order_by().values("pk")[: limit + 1].count()
        if count > limit:
            raise ValidationFailed({"rows": [
                _("This list has more than %(limit)s rows: narrow the filter, or export a register in the background.")
                % {"limit": limit}]}, code="too_long_for_now")
        headers, rows = common_tables.export_rows(table)
        levels = [row.level for row in table.data.data if hasattr(row, "level")] if name == "carriers" else []
        drawn_at = timezone.now()
        title = str(spec.title)
        with transaction.atomic():
            if fmt == "csv":
                content = render_csv(headers, rows)
            else:
                last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first() or {"seq": 0, "hash": ""}
                person = access.person_of(actor)
                content = render_pdf({
                    "lang": language, "title": title,
                    "marking": register_marking(max(levels), language) if levels else "",
                    "headers": headers, "widths": [None] * len(headers), "column_css": [],
                    "unit": str(person.unit) if person and person.unit_id else None, "period": (None, None),
                    "filters": selectors.describe_filters(table, form, params),
                    "chain": SimpleNamespace(count=last["seq"], head=last["hash"], ok=True),
                    "witness": None, "drawn_at": timezone.localtime(drawn_at),
                    "exported_by": audit.actor_name_of(actor), "rows": rows, "row_count": len(rows),
                })
            audit.record(actor=actor, action="list.exported",
                         details={"list": name, "format": fmt, "language": language,
                                  "filters": _filters_of(params), "rows": len(rows)})
    stamp = timezone.localtime(drawn_at).strftime("%Y%m%d-%H%M%S")
    return Export(content, FORMATS[fmt], f"{name}-{stamp}.{fmt}", len(rows))


# --- bulk actions -------------------------------------------------------------------------------


def _credential(actor, password):
    # a refused password's own records (lockout, audit) stand on their own, as in every signing
    with transaction.atomic():
        return audit.reauthenticate(signer=actor, password=password)


def _need(carriers, field="ids"):
    if not carriers:
        raise ValidationFailed({field: [_("Select at least one carrier.")]})


def bulk_handover(*, actor, password, taker, carriers: list, declared_count: int, note: str = ""):
    """Start ONE handover of every selected carrier to the taker, signed once by the giver
    (carriers.services.start_handover: all or nothing, the taker then counts and signs)."""
    _need(carriers)
    return carrier_services.start_handover(actor=actor, password=password, taker=taker, carriers=carriers,
                                           declared_count=declared_count, kind="transfer", note=note)


def bulk_inventory(*, actor, password, inventory_id: int, carriers: list) -> list:
    """Mark every selected carrier as seen in an open inventory, signed once (meaning: checked),
    in one transaction with every line."""
    _need(carriers)
    storage_services.check_may_run_inventories(actor)
    credential = _credential(actor, password)
    numbers = sorted(c.registry_number for c in carriers)
    with transaction.atomic():
        lines = [storage_services.confirm_seen(actor=actor, inventory_id=inventory_id, registry_number=number)[0]
                 for number in numbers]
        audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.CHECKED, target=None,
                   content={"bulk": "inventory", "inventory": int(inventory_id), "carriers": numbers})
    return lines


def bulk_destruction(*, actor, password, carriers: list, reason: str, method: str, route: str, facility=None):
    """ONE destruction request for every selected carrier (submitted for approval at the highest
    level among them), after the requester's password (and code where enrolled)."""
    _need(carriers)
    _credential(actor, password)
    return destruction_services.submit_destruction_request(
        actor=actor, carriers=carriers, reason=reason, method=method, route=route, facility=facility)


def bulk_acknowledge(*, actor, password, alert_ids: list[int], comment: str = "") -> list:
    """Acknowledge every selected alert, signed once (meaning: read), all or nothing."""
    if not alert_ids:
        raise ValidationFailed({"ids": [_("Select at least one alert.")]})
    credential = _credential(actor, password)
    with transaction.atomic():
        alerts = [alert_services.acknowledge(actor=actor, alert_id=alert_id, comment=comment)
                  for alert_id in sorted(set(alert_ids))]
        audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.READ, target=None,
                   content={"bulk": "acknowledge", "alerts": sorted(a.pk for a in alerts), "comment": comment})
    return alerts
