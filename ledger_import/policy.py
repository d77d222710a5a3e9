"""Access policy of the legacy import, registered with the gate in LedgerImportConfig.ready().

A batch holds the rows of the old ledger as read, titles included, also of rows refused for being
above the importer's clearance: it is seen only by the clerk who uploaded it. An imported carrier's
mark is seen with its carrier (names_carriers), by the unit-wide office roles of its unit."""

from django.db.models import QuerySet

from common import access
from common.access import CarrierLink

from .models import ImportBatch, ImportedCarrier


def own_batches(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(uploaded_by_id=user.pk)


def marks_of_the_unit(queryset: QuerySet, user) -> QuerySet:
    person = access.person_of(user)
    if not access.is_unit_wide(user):
        return queryset.filter(batch__uploaded_by_id=user.pk)
    return queryset.filter(unit_id=person.unit_id)


def register() -> None:
    access.register(ImportBatch, own_batches)
    access.register(ImportedCarrier, marks_of_the_unit, names_carriers=[CarrierLink(field="carrier_id")])
