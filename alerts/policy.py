"""Access policy of the alerts app, registered with the gate in AlertsConfig.ready(): who sees an
alert and who may acknowledge it.

An alert's text is its kind and its target's label: a registry number, a dispatch or request
number, an employee number (never a title). So an alert is seen only with what it names:

- its carrier (the `carrier` column, filled when the alert is about a carrier or names one): the
  gate's names_carriers hides the alert from whoever may not open that carrier;
- its target (a loan, a dispatch, a retention, a meeting copy, an incident ...): the alert is seen
  only by whoever may see that target through the gate, so it inherits the target's clearance and
  need-to-know, including the carriers the target names. Targets that are not rows (the audit
  chain) have no such clause.

Hidden, not redacted: an alert is about one thing, so there is nothing left to show without it.
The digest mails go through the same gate (services.send_daily_digest).

A policy function is called only for a registered, active person (the gate answers nothing
otherwise), so `access.person_of(user)` is never None here."""

from django.apps import apps
from django.db.models import Q, QuerySet

from common import access
from common.access import CarrierLink
from common.levels import NO_CLEARANCE
from personnel import roles
from personnel.models import Person

from . import checks, rules
from .models import Alert, DigestSent, ScheduledRun

ACKNOWLEDGE = "acknowledge_alert"


def _target_models() -> tuple[list[str], list[str]]:
    """(the labels of the models alerts may target, every model label): alerts of a target kind no
    check registers any more are still gated when their target_type names a model."""
    every = sorted(model._meta.label_lower for model in apps.get_models())
    targets = sorted({check.target_type for check in checks.REGISTRY.values()} & set(every))
    return targets, every


def _target_visible(user, candidates: QuerySet) -> Q:
    """The target clause, built only for the target kinds the candidate rows (the alerts the
    reader's need-to-know and clearance already admit) actually have: one small query instead of
    a gate subquery for every kind (the navigation counts alerts on every page). A kind no
    candidate has would match none of them, so the rows kept are the same."""
    targets, every = _target_models()
    present = set(candidates.order_by().values_list("target_type", flat=True).distinct())
    visible = Q(pk__in=[])
    for label in targets:
        if label not in present:
            continue
        visible |= Q(target_type=label, target_id__in=access.restrict_label(label, user).values("pk"))
    # a target of a kind no check registers now: hidden unless it is not a row (e.g. "audit.chain")
    visible |= ~Q(target_type__in=every)
    return visible


def visible_alerts(queryset: QuerySet, user) -> QuerySet:
    """The responsible person and those told; the unit-wide office roles of the alert's unit (and
    of every unit for unit-less alerts such as a broken audit chain); a department head for alerts
    whose responsible person is in their department. Never above the reader's clearance, and only
    with its target (above)."""
    person = access.person_of(user)
    if person.clearance == NO_CLEARANCE:
        return queryset.none()
    need = Q(responsible_id=user.pk)
    need |= Q(pk__in=Alert.recipients.through.objects.filter(user_id=user.pk).values("alert_id"))
    if access.is_unit_wide(user):
        need |= Q(unit_id=person.unit_id) | Q(unit_id__isnull=True)
    if access.has_role(user, roles.DEPARTMENT_HEAD) and person.department_id:
        need |= Q(responsible_id__in=Person.objects.filter(department_id=person.department_id).values("user_id"))
    candidates = queryset.filter(need).filter(Q(level__isnull=True) | Q(level__lte=person.clearance))
    return candidates.filter(_target_visible(user, candidates))


def own_digests(queryset: QuerySet, user) -> QuerySet:
    """The daily digest's once-a-day marks: the recipient's own (they name no alert)."""
    return queryset.filter(user_id=user.pk)


def scheduler_record(queryset: QuerySet, user) -> QuerySet:
    """The scheduler's record (when each beat task last ran) names nothing classified: the unit-wide
    office roles (secrecy office, auditors) may read it; the alerts page shows it to anyone as one
    line, through alerts.beat.checks_status."""
    return queryset if access.is_unit_wide(user) else queryset.none()


def acknowledge_refusal(user, alert: Alert):
    """Why this user may not acknowledge this alert (a Violation), or None: the responsible person,
    someone it was sent to, or the secrecy office of its unit (of any unit for a unit-less alert)."""
    person = access.person_of(user)
    return rules.may_acknowledge(
        is_responsible=alert.responsible_id == user.pk,
        # through the prefetch cache when the caller prefetched recipients (a list page)
        is_recipient=any(told.pk == user.pk for told in alert.recipients.all()),
        is_unit_office=person is not None and access.has_role(user, roles.SECRECY_OFFICE)
        and (alert.unit_id is None or alert.unit_id == person.unit_id),
    )


def may_acknowledge(user, alert: Alert | None = None) -> bool:
    if alert is None:
        return access.person_of(user) is not None
    return alert.status == Alert.Status.OPEN and acknowledge_refusal(user, alert) is None


def register() -> None:
    access.register(Alert, visible_alerts, names_carriers=[CarrierLink(field="carrier_id")])
    access.register(DigestSent, own_digests)
    access.register(ScheduledRun, scheduler_record)
    access.register_action(ACKNOWLEDGE, may_acknowledge)
