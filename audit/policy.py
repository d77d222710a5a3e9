"""Access policy of the audit trail, registered with the gate in AuditConfig.ready().

Auditors and the secrecy office read the trail, but only about what they may see through the gate:
the trail carries titles and registry numbers, so it is no way around clearance or need-to-know,
nor into another unit. An event about a gated object is shown only with that object; an event
about anything else (or nothing) shows when its actor is of the reader's unit, or the system. And
an event naming carriers (its AuditEventCarrier rows) is shown only to a reader who may open every
one of them (the gate's names_carriers)."""

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from common import access
from common.access import CarrierLink

from .models import AuditEvent, AuditEventCarrier, Signature

VIEW_AUDIT = "view_audit"
# the office roles that read the trail (role names as data: audit imports no domain app)
# (the security auditor, issue 15: the administrators' trail and the chain's verification; it opens
# no carrier, so no event naming one)
AUDIT_READERS = {"auditor", "secrecy_office", "security_auditor"}


def may_view_audit(user, obj=None) -> bool:
    return access.has_role(user, *AUDIT_READERS)


def present_target_types() -> list[str]:
    """The target types the trail holds (a handful), read off the target index: on PostgreSQL a
    loose index scan (one probe per type), not a scan of the trail."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH RECURSIVE t(v) AS (
                    (SELECT target_type FROM audit_auditevent ORDER BY target_type LIMIT 1)
                    UNION ALL
                    SELECT (SELECT target_type FROM audit_auditevent WHERE target_type > t.v
                            ORDER BY target_type LIMIT 1) FROM t WHERE t.v IS NOT NULL
                ) SELECT v FROM t WHERE v IS NOT NULL
                """
            )
            return [row[0] for row in cursor.fetchall()]
    return list(AuditEvent.objects.order_by().values_list("target_type", flat=True).distinct())


def _visible(queryset: QuerySet, user, actor: str, event: str) -> QuerySet:
    if not may_view_audit(user):
        return queryset.none()
    gated = sorted(label for label in access.registered_models() if not label.startswith("audit."))
    present = set(present_target_types())
    visible = Q(pk__in=[])
    for label in gated:
        if label not in present:
            continue
        if label == access.CARRIER:
            # an event about a carrier names it in its own carrier index (record(): a carrier names
            # itself; a signature: its event's index), and the gate checks every carrier an event
            # names (names_carriers): the target is visible exactly when that index row is there
            # and passes. No set of every visible carrier id as text (1,000,000 of them cannot be
            # hashed: the trail's first page took 61 s at that scale)
            own_index = (AuditEventCarrier.objects.filter(event_id=OuterRef(event))
                         .annotate(_audit_target=Cast("carrier_id", CharField()))
                         .filter(_audit_target=OuterRef("target_id")))
            visible |= Q(target_type=label) & Q(Exists(own_index))
            continue
        # the carriers an event names are checked once, through the event's own carrier index
        # (names_carriers below), not again inside every target type's visibility
        ids = access.restrict_label(label, user, inherit_carriers=False).annotate(_audit_target=Cast("pk", CharField()))
        visible |= Q(target_type=label, target_id__in=ids.values("_audit_target"))
    visible |= ~Q(target_type__in=gated) & (
        Q(**{f"{actor}__isnull": True}) | Q(**{f"{actor}__person__unit_id": access.person_of(user).unit_id})
    )
    return queryset.filter(visible)


def visible_events(queryset: QuerySet, user) -> QuerySet:
    return _visible(queryset, user, "actor", "pk")


def visible_signatures(queryset: QuerySet, user) -> QuerySet:
    return _visible(queryset, user, "signer", "event_id")


def nobody(queryset: QuerySet, user) -> QuerySet:
    """The carrier index is read only through the events' own visibility."""
    return queryset.none()


def register() -> None:
    index = CarrierLink(through="audit.auditeventcarrier", parent="event_id", field="carrier_id")
    access.register(AuditEvent, visible_events, names_carriers=[index])
    access.register(
        Signature, visible_signatures,
        names_carriers=[CarrierLink(through="audit.auditeventcarrier", parent="event__signature", field="carrier_id")],
    )
    access.register(AuditEventCarrier, nobody)
    access.register_action(VIEW_AUDIT, may_view_audit)
