"""The one access gate (DESIGN.md, idea 2).

- restrict(queryset, user): the rows of a model this user may see, as one set-based query.
- can(user, action, obj=None): may this user do this (to this object)?

Visibility of a carrier = clearance at or above its level AND need-to-know: the user holds it,
their department is in its distribution scope, they are named in the scope, they hold an explicit
object grant (django-guardian, direct-FK tables), or they hold a unit-wide office role in the
carrier's unit (secrecy office, auditor), or they head the department of its holder.
No role bypasses clearance; the Django superuser flag gives nothing here.
Objects a user may not see are answered as missing (404) by the callers.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from common.levels import NO_CLEARANCE
from personnel import roles

# actions
VIEW = "view"
REGISTER_CARRIER = "register_carrier"
VIEW_AUDIT = "view_audit"
MANAGE_CONTAINERS = "manage_containers"
MANAGE_POLICIES = "manage_policies"
MANAGE_PRODUCTION_SITES = "manage_production_sites"
RUN_PRODUCTION = "run_production"

ACTION_ROLES = {
    REGISTER_CARRIER: {roles.SECRECY_OFFICE, roles.API_CLIENT},
    VIEW_AUDIT: {roles.AUDITOR, roles.SECRECY_OFFICE},
    MANAGE_CONTAINERS: {roles.SECRECY_OFFICE},
    MANAGE_POLICIES: {roles.SECRECY_OFFICE},
    MANAGE_PRODUCTION_SITES: {roles.SECRECY_OFFICE},
    RUN_PRODUCTION: {roles.SECRECY_OFFICE},
}


from common.access import can, clearance_of, has_role, person_of, restrict, roles_of  # noqa: E402,F401


def _visible_units(queryset: QuerySet, user) -> QuerySet:
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(Q(pk=person.unit_id) | Q(parent_id=person.unit_id))


def _visible_people(queryset: QuerySet, user) -> QuerySet:
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id)


def _visible_users(queryset: QuerySet, user) -> QuerySet:
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(person__unit_id=person.unit_id)


def _visible_containers(queryset: QuerySet, user) -> QuerySet:
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id)


def _visible_approval_requests(queryset: QuerySet, user) -> QuerySet:
    """The requester, those who may decide it now (grant) or did decide it, and the unit-wide
    office roles of its unit; always within clearance."""
    from approvals.models import ApprovalRequestUserObjectPermission, Decision

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    request = OuterRef("pk")
    need = Q(requester_id=user.pk)
    need |= Exists(
        ApprovalRequestUserObjectPermission.objects.filter(
            content_object_id=request, user_id=user.pk, permission__codename="decide_approvalrequest"
        )
    )
    need |= Exists(Decision.objects.filter(request_id=request, approver_id=user.pk))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_publication_reviews(queryset: QuerySet, user) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import ApprovalRequest

    person = person_of(user)
    if person is None:
        return queryset.none()
    content_type = ContentType.objects.get_for_model(queryset.model)
    requests = _visible_approval_requests(
        ApprovalRequest.objects.filter(target_type=content_type, target_id=OuterRef("pk")), user
    )
    return queryset.filter(Q(author_id=user.pk) | Exists(requests))


def _visible_stage_requests(queryset: QuerySet, user) -> QuerySet:
    """A stage's request with an approval (production, copying, derivations): the requester,
    whoever may see its approval request (its approvers), and the unit-wide office roles of its
    unit; always within clearance."""
    from approvals.models import ApprovalRequest

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(requester_id=user.pk)
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_production_runs(queryset: QuerySet, user) -> QuerySet:
    from carriers.production.models import ProductionRequest

    return queryset.filter(request_id__in=_visible_stage_requests(ProductionRequest.objects.all(), user).values("pk"))


def _visible_dispatches(queryset: QuerySet, user) -> QuerySet:
    """Who sent it, who is to receive it, who carries it, and the unit-wide office roles of the
    sending and the receiving unit; always within clearance (the dispatch's highest level)."""
    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(dispatched_by_id=user.pk) | Q(recipient_id=user.pk) | Q(courier_id=user.pk)
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(sending_unit_id=person.unit_id) | Q(receiving_unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_alerts(queryset: QuerySet, user) -> QuerySet:
    """The responsible person and those told; the unit-wide office roles of the alert's unit (and
    of every unit for unit-less alerts such as a broken audit chain); a department head for alerts
    whose responsible person is in their department. Never above the reader's clearance."""
    from alerts.models import Alert
    from personnel.models import Person

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(responsible_id=user.pk)
    need |= Q(pk__in=Alert.recipients.through.objects.filter(user_id=user.pk).values("alert_id"))
    user_roles = roles_of(user)
    if user_roles & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id) | Q(unit_id__isnull=True)
    if roles.DEPARTMENT_HEAD in user_roles and person.department_id:
        need |= Q(responsible_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    return queryset.filter(need).filter(Q(level__isnull=True) | Q(level__lte=person.clearance))


def _visible_incidents(queryset: QuerySet, user) -> QuerySet:
    """R13: the unit-wide office roles of the incident's unit, and its reporter (unless they
    reported anonymously: then nobody can tell it was them, not even the screen). Never above the
    reader's clearance."""
    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(reporter_id=user.pk, anonymous=False)
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need).filter(Q(level__isnull=True) | Q(level__lte=person.clearance))


def _visible_destruction_requests(queryset: QuerySet, user) -> QuerySet:
    """The requester, whoever may see its approval request (its approvers), the destroyer, the
    supervisor, the courier of its handover, and the unit-wide office roles of its unit; always
    within clearance (the request's highest level)."""
    from approvals.models import ApprovalRequest

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(requester_id=user.pk) | Q(destroyer_id=user.pk) | Q(supervisor_id=user.pk) | Q(handover__taker_id=user.pk)
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_reading_sessions(queryset: QuerySet, user) -> QuerySet:
    """Use (R3): the reader, whoever recorded it, and the unit-wide office roles of its unit;
    always within clearance."""
    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(reader_id=user.pk) | Q(recorded_by_id=user.pk)
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_circulations(queryset: QuerySet, user) -> QuerySet:
    """Use (R3): whoever sent it round, the readers on its list, and the unit-wide office roles of
    its unit; always within clearance."""
    from carriers.use.models import CirculationReader

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(started_by_id=user.pk)
    need |= Q(pk__in=CirculationReader.objects.filter(reader_id=user.pk).values("circulation_id"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_loans(queryset: QuerySet, user) -> QuerySet:
    """Use (R3): the borrower, the lender, whoever asked, the carrier's holder, the head of the
    borrower's department, and the unit-wide office roles of its unit; always within clearance."""
    from personnel.models import Person

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(borrower_id=user.pk) | Q(lender_id=user.pk) | Q(requested_by_id=user.pk) | Q(carrier__holder_id=user.pk)
    user_roles = roles_of(user)
    if user_roles & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    if roles.DEPARTMENT_HEAD in user_roles and person.department_id:
        need |= Q(borrower_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    return queryset.filter(need, level__lte=person.clearance)


def _visible_loan_extensions(queryset: QuerySet, user) -> QuerySet:
    from carriers.use.models import Loan

    return queryset.filter(loan_id__in=_visible_loans(Loan.objects.all(), user).values("pk"))


def _visible_carry_out_requests(queryset: QuerySet, user) -> QuerySet:
    """The requester, the person carrying, whoever checked the carriers out or holds one of them
    (to check them out), whoever may see its approval request (its approvers), and the unit-wide
    office roles of its unit; always within clearance (the request's highest level)."""
    from approvals.models import ApprovalRequest
    from carriers.carrying.models import CarryOutRequest

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(requester_id=user.pk) | Q(carrier_person_id=user.pk) | Q(checked_out_by_id=user.pk)
    need |= Q(pk__in=CarryOutRequest.carriers.through.objects.filter(carrier__holder_id=user.pk)
              .values("carryoutrequest_id"))
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_retentions(queryset: QuerySet, user) -> QuerySet:
    """Storage (R6): the person keeping it, whoever may see its approval request (its approvers),
    the unit-wide office roles of its unit, the head of the keeper's department; within clearance."""
    from approvals.models import ApprovalRequest
    from personnel.models import Person

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(holder_id=user.pk)
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    user_roles = roles_of(user)
    if user_roles & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    if roles.DEPARTMENT_HEAD in user_roles and person.department_id:
        need |= Q(holder_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    return queryset.filter(need, level__lte=person.clearance)


def _visible_filings(queryset: QuerySet, user) -> QuerySet:
    """Storage (R6): who filed, the archives keeper, and the unit-wide office roles of its unit;
    within clearance (the filing's highest level)."""
    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(filed_by_id=user.pk) | Q(handover__taker_id=user.pk)
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_inventories(queryset: QuerySet, user) -> QuerySet:
    """Inventory checks: the unit-wide office roles of its unit, cleared for its highest level."""
    person = person_of(user)
    if person is None or not roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        return queryset.none()
    return queryset.filter(unit_id=person.unit_id, level__lte=person.clearance)


def _visible_container_access(queryset: QuerySet, user) -> QuerySet:
    """A container's access log: the registered people of the container's unit."""
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(container__unit_id=person.unit_id)


def _visible_copy_licences(queryset: QuerySet, user) -> QuerySet:
    """Copying (R4): licences to copy are seen by the registered people of their unit (records for
    the unit itself and for its departments)."""
    person = person_of(user)
    if person is None:
        return queryset.none()
    return queryset.filter(Q(unit_id=person.unit_id) | Q(unit__parent_id=person.unit_id))


def _visible_meetings(queryset: QuerySet, user) -> QuerySet:
    """R8: the organiser, the attendees, whoever may see its approval request (its approvers), and
    the unit-wide office roles of its unit; always within clearance (the meeting's level)."""
    from approvals.models import ApprovalRequest
    from meetings.models import Attendee

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(organiser_id=user.pk)
    need |= Q(pk__in=Attendee.objects.filter(user_id=user.pk).values("meeting_id"))
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_secrecy_file_rows(queryset: QuerySet, user) -> QuerySet:
    """Personnel (R10, R14): pledges, training, inspections and passport movements of a person are
    seen by the person, the unit-wide office roles of their unit and the head of their department."""
    person = person_of(user)
    if person is None:
        return queryset.none()
    need = Q(person__user_id=user.pk)
    user_roles = roles_of(user)
    if user_roles & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(person__unit_id=person.unit_id)
    if roles.DEPARTMENT_HEAD in user_roles and person.department_id:
        need |= Q(person__department_id=person.department_id)
    return queryset.filter(need)


def _visible_personnel_requests(queryset: QuerySet, user) -> QuerySet:
    """Personnel (R11, R12), travel requests and departures: the person they concern, who asked,
    whoever may see its approval request (its approvers), the unit-wide office roles of its unit;
    always within clearance (the level of the person's post)."""
    from approvals.models import ApprovalRequest

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    subject = "traveller" if queryset.model._meta.model_name == "travelrequest" else "person"
    need = Q(**{f"{subject}__user_id": user.pk}) | Q(requested_by_id=user.pk)
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_declassification_reviews(queryset: QuerySet, user) -> QuerySet:
    """Who proposed it, whoever may see its approval request (its approvers), and the unit-wide
    office roles of the reviewing unit; always within clearance (the level it was reviewed at)."""
    from approvals.models import ApprovalRequest

    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(requester_id=user.pk)
    need |= Q(approval_id__in=_visible_approval_requests(ApprovalRequest.objects.all(), user).values("pk"))
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _visible_conditions_met(queryset: QuerySet, user) -> QuerySet:
    """Who recorded it and the unit-wide office roles of the reviewing unit, within clearance."""
    person = person_of(user)
    if person is None or person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(recorded_by_id=user.pk)
    if roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]):
        need |= Q(unit_id=person.unit_id)
    return queryset.filter(need, level__lte=person.clearance)


def _everyone_registered(queryset: QuerySet, user) -> QuerySet:
    return queryset if person_of(user) is not None else queryset.none()


def _own_register_jobs(queryset: QuerySet, user) -> QuerySet:
    """Register exports and chain verifications: only whoever asked for them."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(requester_id=user.pk)


_RESTRICTORS = {
    "registers.registerexport": _own_register_jobs,
    "registers.chainverification": _own_register_jobs,
    "personnel.unit": _visible_units,
    "personnel.person": _visible_people,
    # personnel (R10-R12, R14): a person's secrecy file, travel requests and departures
    "personnel.pledge": _visible_secrecy_file_rows,
    "personnel.trainingrecord": _visible_secrecy_file_rows,
    "personnel.inspection": _visible_secrecy_file_rows,
    "personnel.passportmovement": _visible_secrecy_file_rows,
    "personnel.travelrequest": _visible_personnel_requests,
    "personnel.departure": _visible_personnel_requests,
    "auth.user": _visible_users,
    "approvals.approvalrequest": _visible_approval_requests,
    "approvals.publicationreview": _visible_publication_reviews,
    "approvals.approvalpolicy": _everyone_registered,
    "transmission.dispatch": _visible_dispatches,
    "alerts.alert": _visible_alerts,
    "incidents.incident": _visible_incidents,
    # production places and outside enterprises: the registered people of their unit
    "production.productionplace": _visible_containers,
    "production.enterprise": _visible_containers,
    "production.productionrequest": _visible_stage_requests,
    "production.productionrun": _visible_production_runs,
    # meeting venues: the registered people of their unit
    "meetings.meetingvenue": _visible_containers,
    "meetings.meeting": _visible_meetings,
    "carrying.carryoutrequest": _visible_carry_out_requests,
    "declassification.declassificationreview": _visible_declassification_reviews,
    "declassification.conditionmet": _visible_conditions_met,
    # destruction (R7): facilities are seen by the registered people of their unit
    "destruction.destructionfacility": _visible_containers,
    "destruction.destructionrequest": _visible_destruction_requests,
    # use (R3): reading places are seen by the registered people of their unit
    "use.readingplace": _visible_containers,
    "use.readingsession": _visible_reading_sessions,
    "use.circulation": _visible_circulations,
    "use.loan": _visible_loans,
    "use.loanextension": _visible_loan_extensions,
    # storage (R6) and inventory checks: archives are seen by the registered people of their unit
    "storage.archive": _visible_containers,
    "storage.filing": _visible_filings,
    "storage.temporaryretention": _visible_retentions,
    "storage.containeraccess": _visible_container_access,
    "storage.inventory": _visible_inventories,
    # copying (R4): licences by the registered people of their unit; requests and derivations
    "copying.copylicence": _visible_copy_licences,
    "copying.copyrequest": _visible_stage_requests,
    "copying.derivation": _visible_stage_requests,
}


