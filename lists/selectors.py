"""The lists' reads: which lists may be exported and how each is drawn, the handovers list, and
the bulk actions' preview (each selected carrier with the reason it would be refused, from the
same rules the services enforce). Everything starts from the access gate's querysets."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from carriers import rules as carrier_rules
from carriers import selectors as carrier_selectors
from carriers.models import HandoverItem
from carriers.tables import carrier_table
from common import access
from common import tables as common_tables

from .tables import HandoverTable

MAX_SELECTED = 200  # carriers in one bulk action


@dataclass(frozen=True)
class ListSpec:
    title: object
    build: object  # (user, params) -> (table, errors or None, the filter form or None)


def _carriers(user, params):
    table, filterset = carrier_table(user=user, params=params)
    return table, (None if filterset.is_valid() else dict(filterset.errors)), filterset.form


def _handovers(user, params):
    return handover_table(user=user, params=params), None, None


def _alerts(user, params):
    from alerts.tables import alert_table

    table, form = alert_table(user=user, params=params)
    return table, (None if form.is_valid() else dict(form.errors)), form


def _approvals(box):
    def build(user, params):
        from approvals.tables import approval_table

        return approval_table(user=user, params=params, box=box), None, None

    return build


LISTS = {
    "approvals-to-decide": ListSpec(_("Requests to decide"), _approvals("to_decide")),
    "approvals-mine": ListSpec(_("My requests"), _approvals("requested")),
    "alerts": ListSpec(_("Alerts"), _alerts),
    "carriers": ListSpec(_("Classified carriers"), _carriers),
    "handovers": ListSpec(_("Handovers"), _handovers),
}


def list_spec(name: str) -> ListSpec:
    if name not in LISTS:
        raise Http404
    return LISTS[name]


def describe_filters(table, form, params) -> list[tuple[str, str]]:
    """The filters and the order of an exported list as (label, value) in the active language:
    field labels and choice labels, never the query's own codes."""
    described = []
    for key in sorted(params.keys()):
        value = params.get(key)
        if value in (None, "") or key in ("page", "lang", "sort"):
            continue
        field = form.fields.get(key) if form is not None else None
        if field is None:
            continue  # not a filter of this list: it changed nothing
        choices = dict((str(k), v) for k, v in getattr(field, "choices", ()) or ())
        described.append((str(field.label or key), str(choices.get(str(value), value))))
    wanted = (params.get("sort") or "").strip()
    if wanted.lstrip("-") in common_tables.sort_keys(table):
        header = str(table.columns[wanted.lstrip("-")].header)
        direction = _("descending") if wanted.startswith("-") else _("ascending")
        described.append((str(_("Sorted by")), f"{header} ({direction})"))
    return described


def handover_table(*, user, params):
    rows = carrier_selectors.visible_handovers(user=user).prefetch_related(None).select_related(
        "giver__person", "taker__person")
    status = params.get("status") or ""
    if status:
        rows = rows.filter(status=status)
    return common_tables.sorted_table(HandoverTable, rows, params=params)


# --- bulk actions -------------------------------------------------------------------------------


def selected_carriers(*, user, ids) -> list:
    """The selected carriers the user may see, in registry-number order; an id they may not see
    (or that does not exist) is dropped exactly as if it had not been sent."""
    wanted = sorted({int(i) for i in ids if str(i).isdigit() and 0 < int(i) < 2**63})[:MAX_SELECTED]
    return list(carrier_selectors.visible_carriers(user=user).filter(pk__in=wanted).order_by("registry_number"))


def scanned_ids(*, user, numbers: str) -> tuple[list[int], list[str]]:
    """Registry numbers typed or scanned (one per line, or separated by spaces or commas) as ids of
    visible carriers, and the numbers not found (one the user may not see is not found, exactly
    like one that does not exist)."""
    wanted = [n for n in re.split(r"[\s,;]+", (numbers or "").replace("\x00", "")) if n][:MAX_SELECTED]
    if not wanted:
        return [], []
    found = dict(carrier_selectors.visible_carriers(user=user).filter(registry_number__in=wanted)
                 .values_list("registry_number", "pk"))
    return list(found.values()), [n for n in dict.fromkeys(wanted) if n not in found]


def _message(violation) -> str:
    return str(violation.message) if violation is not None else ""


def handover_preview(*, user, carriers, taker=None) -> list[dict]:
    """Each carrier with the reason a handover from this user (to this taker, once chosen) would be
    refused, or '' when it may go: the rules of carriers.services.start_handover, one carrier at a
    time, in a fixed number of queries."""
    ids = [c.pk for c in carriers]
    busy = set(HandoverItem.objects.filter(carrier_id__in=ids, is_open=True).values_list("carrier_id", flat=True))
    taker_person = getattr(taker, "person", None) if taker is not None else None
    out_of_scope = set()
    if taker is not None:  # a transfer stays within the carriers' distribution scope
        from carriers.services import _out_of_scope

        out_of_scope = set(_out_of_scope(carriers, taker))
    rows = []
    for carrier in carriers:
        number = carrier.registry_number
        reasons = [
            _message(carrier_rules.giver_holds(holders={number: carrier.holder_id}, giver_id=user.pk)),
            _message(carrier_rules.statuses_allow_handover(statuses={number: carrier.status}, kind="transfer")),
            str(_("%(number)s is already being handed over.") % {"number": number}) if carrier.pk in busy else "",
        ]
        if taker is not None:
            reasons.append(_message(carrier_rules.taker_cleared(
                clearance=taker_person.clearance if taker_person else 0, levels=[carrier.level],
                active=bool(taker_person and taker_person.status == "active" and taker.is_active))))
            reasons.append(_message(carrier_rules.taker_in_scope(
                out_of_scope=[number] if number in out_of_scope else [])))
        rows.append({"carrier": carrier, "reasons": [r for r in reasons if r]})
    return rows


def taker_choices(*, user):
    """Who may take carriers from this user: the active registered people of their unit but them."""
    person = access.person_of(user)
    users = get_user_model().objects.filter(is_active=True, person__status="active").exclude(pk=user.pk)
    if person is None:
        return users.none()
    return users.filter(person__unit_id=person.unit_id).select_related("person").order_by("person__full_name", "pk")


def destruction_preview(*, user, carriers, method: str = "") -> list[dict]:
    """Each carrier with the reason a destruction request by this user would refuse it (the rules
    of carriers.destruction.services.submit_destruction_request), '' when it may be asked for."""
    from carriers.destruction import rules as destruction_rules
    from carriers.destruction.models import DestructionItem, Method
    from carriers.holds.rules import active_holds, not_held
    from personnel import roles

    person = access.person_of(user)
    office = access.has_role(user, roles.SECRECY_OFFICE)
    ids = [c.pk for c in carriers]
    busy = set(DestructionItem.objects.filter(carrier_id__in=ids, is_open=True).values_list("carrier_id", flat=True))
    held = active_holds(ids)
    rows = []
    for carrier in carriers:
        number = carrier.registry_number
        mine = carrier.holder_id == user.pk or (office and person is not None and carrier.unit_id == person.unit_id)
        reasons = [
            _message(destruction_rules.may_request(not_allowed=[] if mine else [number])),
            _message(destruction_rules.carriers_destructible(statuses={number: carrier.status})),
            _message(not_held(held={number: held[number]})) if number in held else "",
            str(_("%(numbers)s is already in another open destruction request.") % {"numbers": number})
            if carrier.pk in busy else "",
        ]
        if method in Method.values:  # an unknown method is the form's error, not the carrier's
            reasons.append(_message(destruction_rules.method_fits(
                method=method, carriers=[(number, carrier.kind, carrier.medium)])))
        rows.append({"carrier": carrier, "reasons": [r for r in reasons if r]})
    return rows


def inventory_preview(*, user, carriers, inventory=None) -> list[dict]:
    """Each carrier with what marking it as seen would record: nothing refuses a single carrier
    (a carrier not expected is recorded as found elsewhere), so the reasons are empty; the note
    says whether the inventory expected it."""
    from carriers.storage.models import InventoryLine

    expected = {}
    if inventory is not None:
        expected = dict(InventoryLine.objects.filter(
            inventory=inventory, registry_number__in=[c.registry_number for c in carriers]
        ).values_list("registry_number", "outcome"))
    rows = []
    for carrier in carriers:
        outcome = expected.get(carrier.registry_number)
        note = ""
        if inventory is not None:
            note = (_("already recorded") if outcome not in (None, InventoryLine.Outcome.PENDING)
                    else _("expected here") if outcome == InventoryLine.Outcome.PENDING
                    else _("not expected in this inventory: recorded as unexpected"))
        rows.append({"carrier": carrier, "reasons": [], "note": str(note)})
    return rows


def open_inventories(*, user):
    from carriers.storage import selectors as storage_selectors
    from carriers.storage.models import Inventory

    return storage_selectors.visible_inventories(user=user).filter(status=Inventory.Status.OPEN)


def selected_alerts(*, user, ids) -> list:
    from alerts import policy as alert_policy
    from alerts import selectors as alert_selectors

    wanted = sorted({int(i) for i in ids if str(i).isdigit() and 0 < int(i) < 2**63})[:MAX_SELECTED]
    from alerts import rules as alert_rules

    alerts = list(alert_selectors.alert_list(user=user).filter(pk__in=wanted).prefetch_related("recipients"))
    rows = []
    for alert in alerts:
        reasons = [_message(alert_policy.acknowledge_refusal(user, alert)),
                   _message(alert_rules.still_open(status=alert.status))]
        rows.append({"alert": alert, "reasons": [r for r in reasons if r]})
    return rows
