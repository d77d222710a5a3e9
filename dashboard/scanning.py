"""Scanning carriers into the action forms (issue 18, item 4): a scanner types a registry number and
Enter; the form asks /scan/lookup/?number=...&action=... and shows the carrier at once with its
title and marking, or the reason it is refused for this action.

Each action's check is the list of rules the action's service enforces on one carrier (the same
functions from the same rules.py, over this carrier's facts); the checks that need the rest of the
form (the count, the taker, the method) are left to the service on submission. A carrier the user
may not open is answered exactly as a missing one (404), through the gate's carrier selector.

The actions (`SCAN_ACTIONS`): handover (a transfer), loan (ask to borrow), return (copies handed
back at a meeting), dispatch, receipt (of a dispatch), meeting (distribution of copies), filing
(to the archives), destruction (a destruction request or batch), inventory (any carrier: a
number the registry does not know is still recorded by the inventory, as an off-book item).
A form names its action on its carrier field: `field.scan_action = "dispatch"` (forms.py), and
common/_form_fields.html then puts the scan box before it."""

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from carriers import rules as core_rules
from carriers import selectors as carrier_selectors
from carriers.destruction import rules as destruction_rules
from carriers.destruction.models import DestructionItem
from carriers.holds.rules import active_holds, not_held
from carriers.models import Carrier, HandoverItem
from carriers.transmission import policy as transmission_policy
from carriers.transmission import rules as transmission_rules
from carriers.use import policy as use_policy
from carriers.use import rules as use_rules
from carriers.use.models import Loan
from carriers.use.services import credential
from common import access
from common.errors import Violation
from meetings import rules as meeting_rules

from .selectors import normalise


def _label(status: str) -> str:
    return dict(Carrier.Status.choices).get(status, status)


def _handover(user, carrier, kind: str) -> list:
    """start_handover's rules for one carrier: the giver holds it, its status allows this kind of
    handover, it is not in another unfinished handover."""
    busy = HandoverItem.objects.filter(carrier=carrier, is_open=True).exists()
    return [
        core_rules.giver_holds(holders={carrier.registry_number: carrier.holder_id}, giver_id=user.pk),
        core_rules.statuses_allow_handover(statuses={carrier.registry_number: carrier.status}, kind=kind),
        Violation(_("%(number)s is already being handed over; finish or cancel that handover first.")
                  % {"number": carrier.registry_number}, code="handover_in_progress") if busy else None,
    ]


def _held(carrier) -> list:
    return [not_held(held=active_holds([carrier.pk]))]


def check_handover(user, carrier) -> list:
    return _handover(user, carrier, "transfer")


def check_loan(user, carrier) -> list:
    office = use_policy.is_office(user)
    refusals = [use_rules.carrier_usable(status=carrier.status, label=_label(carrier.status))]
    if not office:  # for themselves; the secrecy office asks for a borrower named in the form
        facts = credential(user=user, carrier=carrier)
        refusals += [
            use_rules.person_credential(active=facts["active"], clearance=facts["clearance"], level=carrier.level,
                                        in_scope=facts["in_scope"], field="borrower", who=_("The borrower")),
            use_rules.not_holder_borrowing(is_holder=carrier.holder_id == user.pk),
            use_rules.no_open_loan(has_open=Loan.objects.filter(carrier=carrier, borrower=user,
                                                                status__in=Loan.OPEN_STATUSES).exists()),
        ]
    return refusals


def check_return(user, carrier) -> list:
    return _handover(user, carrier, "return")


def check_dispatch(user, carrier) -> list:
    return [
        transmission_policy.dispatch_refusal(user),
        *_handover(user, carrier, "dispatch"),
        *_held(carrier),
    ]


def check_receipt(user, carrier) -> list:
    return [transmission_rules.carrier_in_transit(number=carrier.registry_number, status=carrier.status,
                                                  label=_label(carrier.status))]


def check_meeting(user, carrier) -> list:
    return [
        *_handover(user, carrier, "meeting"),
        meeting_rules.numbered(copy_numbers={carrier.registry_number: carrier.copy_number}),
    ]


def check_filing(user, carrier) -> list:
    return _handover(user, carrier, "storage")


def check_destruction(user, carrier) -> list:
    person = access.person_of(user)
    office = access.has_role(user, "secrecy_office")
    busy = DestructionItem.objects.filter(carrier=carrier, is_open=True).exists()
    return [
        *_held(carrier),
        destruction_rules.may_request(not_allowed=[] if carrier.holder_id == user.pk
                                      or (office and carrier.unit_id == person.unit_id) else [carrier.registry_number]),
        destruction_rules.carriers_destructible(statuses={carrier.registry_number: carrier.status}),
        Violation(_("%(numbers)s is already in another open destruction request.")
                  % {"numbers": carrier.registry_number}) if busy else None,
    ]


def check_inventory(user, carrier) -> list:
    return []


SCAN_ACTIONS: dict[str, Callable] = {
    "handover": check_handover,
    "loan": check_loan,
    "return": check_return,
    "dispatch": check_dispatch,
    "receipt": check_receipt,
    "meeting": check_meeting,
    "filing": check_filing,
    "destruction": check_destruction,
    "inventory": check_inventory,
}


def scanned_carrier(*, user, number: str):
    """The carrier this user may open whose registry number is the scan (exact, then ignoring case);
    None for a number that is unknown or names a carrier they may not open (never which)."""
    number = normalise(number)
    if not number or len(number) > 40:
        return None
    return (carrier_selectors.visible_carriers(user=user)
            .filter(Q(registry_number=number) | Q(registry_number__iexact=number)).order_by("pk").first())


def refusal(*, user, carrier, action: str) -> str:
    """Why this user may not put this carrier into this action ('' when they may)."""
    return next((str(v.message) for v in SCAN_ACTIONS[action](user, carrier) if v is not None), "")


def answer(*, user, carrier, action: str) -> dict:
    """What the form shows for one scan: the carrier, and whether and why not it may go in."""
    reason = refusal(user=user, carrier=carrier, action=action)
    return {
        "id": carrier.pk,
        "number": carrier.registry_number,
        "title": carrier.title,
        "marking": carrier.marking,
        "copy_number": carrier.copy_number,
        "status": _label(carrier.status),
        "allowed": not reason,
        "reason": reason,
    }
