"""Every write of the legacy import: upload a ledger (read and kept for the preview), leave rows
out, discard, and import — one signed batch that registers each carrier through the carriers'
registration service (its own audit event and signature each) and marks it imported. Nothing is
registered until every row left in passes the rules; one transaction, all or nothing."""

import hashlib

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Signature
from carriers import services as carrier_services
from carriers.models import Container
from common import access
from common.errors import Conflict, Refused, ValidationFailed

from . import rules
from .models import ImportBatch, ImportedCarrier


def _may_import(actor):
    if not access.can(actor, "register_carrier"):
        raise Refused(_("Only the secrecy office may import a ledger."))
    return access.person_of(actor)


def read_file(*, filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """The columns and rows of an Excel (.xlsx) or CSV file; refused clearly when it is neither."""
    import tablib

    name = (filename or "").lower()
    if len(content) > rules.MAX_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than 10 MB: split the ledger into several files.")]})
    try:
        if name.endswith(".xlsx"):
            data = tablib.Dataset().load(content, format="xlsx")
        elif name.endswith(".csv"):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = content.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError("encoding")
            data = tablib.Dataset().load(text, format="csv")
        else:
            raise ValidationFailed({"file": [_("Upload the ledger as an Excel file (.xlsx) or a CSV file (.csv).")]})
    except ValidationFailed:
        raise
    except Exception:  # a file that claims to be a spreadsheet and is not one
        raise ValidationFailed({"file": [_("This file cannot be read as a spreadsheet.")]}) from None
    headers = [rules.cell(h) for h in (data.headers or [])]
    if not headers or not any(headers):
        raise ValidationFailed({"file": [_("The file has no header row.")]})
    rows = [[rules.cell(v) for v in row] for row in data]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise ValidationFailed({"file": [_("The file has no rows.")]})
    if len(rows) > rules.MAX_ROWS:
        raise ValidationFailed({"file": [_("The file has more than %(max)s rows: split it.") % {"max": rules.MAX_ROWS}]})
    return headers, rows


def upload(*, actor, filename: str, content: bytes, mapping: dict | None = None) -> ImportBatch:
    """Read a ledger and keep it for the preview: wrong columns are refused at once (nothing kept)."""
    person = _may_import(actor)
    headers, rows = read_file(filename=filename, content=content)
    mapping = {k: v for k, v in (mapping or {}).items() if v} or rules.guess_mapping(headers)
    errors = rules.mapping_refusals(headers=headers, mapping=mapping)
    if errors:
        raise ValidationFailed(errors, code="wrong_columns")
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            unit=person.unit, uploaded_by=actor, filename=filename[:255], sha256=hashlib.sha256(content).hexdigest(),
            headers=headers, mapping=mapping, rows=rows,
        )
        audit.record(actor=actor, action="ledger_import.uploaded", target=batch,
                     details={"filename": batch.filename, "sha256": batch.sha256, "rows": len(rows),
                              "mapping": mapping})
    return batch


def _get(actor, batch_id, *, lock=False) -> ImportBatch:
    query = ImportBatch.objects.filter(pk=batch_id)
    if lock:
        query = query.select_for_update()
    batch = access.restrict(query, actor).first()
    if batch is None:
        raise Http404
    if batch.status != ImportBatch.Status.PREVIEW:
        raise Conflict(_("This import is %(status)s; nothing more can be done with it.")
                       % {"status": batch.get_status_display().lower()}, code="import_finished")
    return batch


def exclude_rows(*, actor, batch_id: int, rows: list[int]) -> ImportBatch:
    """The clerk leaves these rows (file row numbers) out of the import, or puts them back."""
    _may_import(actor)
    with transaction.atomic():
        batch = _get(actor, batch_id, lock=True)
        valid = set(range(2, len(batch.rows) + 2))
        wrong = sorted(set(rows) - valid)
        if wrong:
            raise ValidationFailed({"excluded": [_("The file has no row %(rows)s.") % {"rows": ", ".join(map(str, wrong))}]})
        batch.excluded = sorted(set(rows))
        batch.save(update_fields=["excluded"])
        audit.record(actor=actor, action="ledger_import.rows_excluded", target=batch,
                     details={"excluded": batch.excluded})
    return batch


def discard(*, actor, batch_id: int) -> ImportBatch:
    _may_import(actor)
    with transaction.atomic():
        batch = _get(actor, batch_id, lock=True)
        batch.status = ImportBatch.Status.DISCARDED
        batch.rows = []  # the old ledger's rows are not kept once the import is abandoned
        batch.save(update_fields=["status", "rows"])
        audit.record(actor=actor, action="ledger_import.discarded", target=batch, details={"sha256": batch.sha256})
    return batch


def import_batch(*, actor, batch_id: int, password: str) -> list:
    """Register every row not left out, in one signed batch: refused with each row's reasons (and
    nothing written) while any row left in fails a rule."""
    from .selectors import preview

    _may_import(actor)
    with transaction.atomic():
        batch = _get(actor, batch_id, lock=True)
        checked = preview(batch=batch, actor=actor)
        failing = [row for row in checked.rows if row.errors and not row.excluded]
        if failing:
            raise ValidationFailed({"rows": [
                _("Row %(row)s: %(reasons)s") % {"row": row.number, "reasons": "; ".join(m for _f, m in row.errors)}
                for row in failing[:200]
            ]}, code="rows_refused")
        wanted = [row for row in checked.rows if not row.excluded]
        if not wanted:
            raise ValidationFailed({"rows": [_("Every row is left out: there is nothing to import.")]})
        carriers = carrier_services.register_carriers_batch(actor=actor, password=password,
                                                            items=[dict(row.fields) for row in wanted])
        ImportedCarrier.objects.bulk_create([
            ImportedCarrier(batch=batch, carrier=carrier, unit=batch.unit, row_number=row.number,
                            legacy_number=row.values["legacy_number"].strip())
            for row, carrier in zip(wanted, carriers, strict=True)
        ])
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "imported_at"])
        facts = {"filename": batch.filename, "sha256": batch.sha256, "rows": len(batch.rows),
                 "excluded": batch.excluded, "carriers": [c.registry_number for c in carriers],
                 "legacy_numbers": [row.values["legacy_number"].strip() for row in wanted]}
        audit.record(actor=actor, action="ledger_import.imported", target=batch, details=facts)
        credential = audit.reauthenticate(signer=actor, password=password)
        audit.sign(signer=actor, credential=credential, meaning=Signature.Meaning.REGISTERED, target=batch,
                   content=facts)
    return carriers


def containers_of(person) -> dict:
    return {c.code.lower(): c for c in Container.objects.filter(unit_id=person.unit_id)}
