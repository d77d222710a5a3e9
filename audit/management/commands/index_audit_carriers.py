"""Index the carriers named by audit events written before the index existed (an upgrade step):
for every event without index rows whose target still exists, the carriers its target names
(asked of the target's registered policy). Safe to run again: it only adds missing rows."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from audit.models import AuditEvent, AuditEventCarrier
from common import access


class Command(BaseCommand):
    help = "Index the carriers named by earlier audit events (run once after upgrading)."

    def handle(self, *args, **options):
        added = 0
        events = (
            AuditEvent.objects.exclude(target_type="").filter(carrier_refs__isnull=True)
            .values_list("seq", "target_type", "target_id").order_by("seq")
        )
        batch = []
        for seq, target_type, target_id in events.iterator(chunk_size=2000):
            try:
                model = apps.get_model(target_type)
            except (LookupError, ValueError):
                continue
            target = model._default_manager.filter(pk=target_id).first() if target_id.isdigit() else None
            for carrier_id in sorted(access.carriers_named(target)):
                batch.append(AuditEventCarrier(event_id=seq, carrier_id=carrier_id))
            if len(batch) >= 2000:
                added += self._write(batch)
                batch = []
        added += self._write(batch)
        self.stdout.write(f"Indexed {added} carrier references of earlier audit events.")

    @staticmethod
    def _write(batch) -> int:
        with transaction.atomic():
            AuditEventCarrier.objects.bulk_create(batch, ignore_conflicts=True)
        return len(batch)
