"""Access policy of the copying stage (R4), registered with the gate in CopyingConfig.ready(): who
sees licences to copy, copy requests, the copies they made and derivations (extracts, quotations,
compilations), and who may record licences, copy, extract and compile. The services enforce, and the
pages and the API display, these same answers.

Carriers, hiding or redaction:
- A copy request is about one carrier, whose registry number and title it shows: it is hidden from
  a reader who may not open its source (names_carriers `source_id`). The copies it made are listed
  through the gate, the others only counted, never named (redaction): the requester must see that
  their request was carried out even when a copy, kept by the secrecy office, is outside their
  need-to-know. A CopyMade row names its copy and is seen with its request and that copy.
- A derivation is as secret as what it was drawn from and what it made: its sources and its derived
  carrier carry the same titles and levels, so it is hidden from a reader who may not open every
  source and the derived carrier (names_carriers on both)."""

from django.db.models import Q, QuerySet

from approvals import kit
from carriers import policy as carrier_policy
from common import access
from common.access import CarrierLink
from personnel import roles

from .models import CopyLicence, CopyMade, CopyRequest, Derivation

# actions (access.can(user, ACTION, obj) answers like may_<action>)
MANAGE_LICENCES = "copying.manage_licences"
COPY = "copying.copy"
MAKE_EXTRACT = "copying.make_extract"
MAKE_COMPILATION = "copying.make_compilation"


# --- visibility ------------------------------------------------------------------------------------


def visible_licences(queryset: QuerySet, user) -> QuerySet:
    """Licence records are seen by the registered people of their unit: the unit's own and its
    departments' (a licence names no carrier)."""
    unit_id = access.person_of(user).unit_id
    return queryset.filter(Q(unit_id=unit_id) | Q(unit__parent_id=unit_id))


# the requester, whoever may see its approval request (its approvers: the issuing authority), the
# unit-wide office roles of its unit; always within clearance; and (names_carriers) with its source
visible_copy_requests = kit.visibility()


def visible_copies_made(queryset: QuerySet, user) -> QuerySet:
    """A copy made is seen with its request (and, by the gate, with the copy itself)."""
    return queryset.filter(request_id__in=access.restrict_label("copying.copyrequest", user).values("pk"))


# the requester, its approvers, the unit-wide office roles of its unit; within clearance; and
# (names_carriers) with every source and the derived carrier
visible_derivations = kit.visibility()


# --- who may do what -------------------------------------------------------------------------------


def _office(user) -> bool:
    return access.person_of(user) is not None and access.has_role(user, roles.SECRECY_OFFICE)


def may_manage_licences(user, obj=None) -> bool:
    """The secrecy office records which of its units and departments are licensed to copy."""
    return _office(user)


def may_copy(user, request: CopyRequest | None = None) -> bool:
    """The secrecy office of the requesting unit carries out an approved copy request, cleared for
    its level (the licence and the approval's limits are checked when it copies)."""
    if not _office(user):
        return False
    if request is None:
        return True
    return (request.status == CopyRequest.Status.APPROVED
            and access.person_of(user).unit_id == request.unit_id
            and access.clearance_of(user) >= request.level)


def may_make_extract(user, obj=None) -> bool:
    """Whoever registers carriers (the secrecy office) registers extracts and quotations."""
    return access.person_of(user) is not None and carrier_policy.may_register_carrier(user)


def may_make_compilation(user, derivation: Derivation | None = None) -> bool:
    """Whoever registers carriers, of the requesting unit and cleared for its level, makes an
    approved compilation, once."""
    if not may_make_extract(user):
        return False
    if derivation is None:
        return True
    return (derivation.kind == Derivation.Kind.COMPILATION
            and derivation.status == Derivation.Status.APPROVED
            and access.person_of(user).unit_id == derivation.unit_id
            and access.clearance_of(user) >= derivation.level)


def register() -> None:
    access.register(CopyLicence, visible_licences)
    access.register(CopyRequest, visible_copy_requests, names_carriers=[CarrierLink(field="source_id")])
    access.register(CopyMade, visible_copies_made, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(Derivation, visible_derivations, names_carriers=[
        CarrierLink(field="carrier_id"),
        CarrierLink(through="copying.derivation_sources", parent="derivation_id", field="carrier_id"),
    ])
    access.register_action(MANAGE_LICENCES, may_manage_licences)
    access.register_action(COPY, may_copy)
    access.register_action(MAKE_EXTRACT, may_make_extract)
    access.register_action(MAKE_COMPILATION, may_make_compilation)
