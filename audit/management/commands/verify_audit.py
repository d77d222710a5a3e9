from django.core.management.base import BaseCommand

from audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain. Exit 0 when it holds, 1 naming the first broken sequence number."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK {report.count} events, head {report.head}")
            return
        self.stderr.write(f"BROKEN at sequence {report.broken_seq}: {report.reason} ({report.count} events verified before it)")
        raise SystemExit(1)
