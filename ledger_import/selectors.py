"""Reads of the legacy import: a batch's preview (every row checked against the registration
rules and the numbers already imported), through the gate."""

from dataclasses import dataclass, field

from django.http import Http404

from common import access

from . import rules
from .models import ImportBatch, ImportedCarrier


@dataclass
class Row:
    number: int  # the row of the file (the header is row 1)
    values: dict  # field -> text
    fields: dict  # register_carrier's fields when the row passes
    errors: list  # [(field, message)]
    excluded: bool = False


@dataclass
class Preview:
    batch: ImportBatch
    rows: list
    failing: int = 0
    excluded: int = 0
    ready: int = 0
    labels: dict = field(default_factory=dict)


def batch_get(*, user, pk) -> ImportBatch:
    batch = access.restrict(ImportBatch.objects.filter(pk=pk), user).first()
    if batch is None:
        raise Http404
    return batch


def batches_of(*, user):
    return access.restrict(ImportBatch.objects.all(), user).defer("rows")[:20]


def preview(*, batch: ImportBatch, actor) -> Preview:
    """Every row as the registry reads it, with all its refusals: empty or unreadable cells, the
    registration rules (level above the importer's clearance included), and a number of the old
    ledger that is repeated in the file or was imported before. Writes nothing (the dry run)."""
    from django.utils.translation import gettext as _

    from .services import containers_of

    person = access.person_of(actor)
    containers = containers_of(person)
    index = {column: i for i, column in enumerate(batch.headers)}
    mapped = {f: index[c] for f, c in batch.mapping.items() if c in index}
    numbers = [(row[mapped["legacy_number"]] if mapped["legacy_number"] < len(row) else "").strip()
               for row in batch.rows]
    already = dict(ImportedCarrier.objects.filter(unit_id=batch.unit_id, legacy_number__in=set(numbers))
                   .values_list("legacy_number", "batch_id"))
    first_seen: dict[str, int] = {}
    excluded = set(batch.excluded)
    result = []
    for i, raw in enumerate(batch.rows):
        number = i + 2
        values = {f: (raw[c] if c < len(raw) else "") for f, c in mapped.items()}
        fields, errors = rules.row_fields(values, person=person, containers=containers)
        legacy = numbers[i]
        if legacy and legacy in first_seen:
            errors.append(("legacy_number", _("The number %(number)s is also on row %(row)s.")
                           % {"number": legacy, "row": first_seen[legacy]}))
        elif legacy:
            first_seen[legacy] = number
        if legacy in already:
            errors.append(("legacy_number", _("The number %(number)s was already imported (import #%(batch)s).")
                           % {"number": legacy, "batch": already[legacy]}))
        result.append(Row(number, values, fields if not errors else {}, errors, number in excluded))
    return Preview(
        batch=batch, rows=result, failing=sum(1 for r in result if r.errors and not r.excluded),
        excluded=sum(1 for r in result if r.excluded), ready=sum(1 for r in result if not r.errors and not r.excluded),
        labels={f: label for f, (label, _n) in rules.FIELDS.items()},
    )
