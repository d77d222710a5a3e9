from django.core.management.base import BaseCommand

from audit.selectors import chain_contains, verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain. Exit 0 when it holds, 1 naming the first broken sequence number."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head", metavar="HASH",
            help="A head printed earlier (kept off the database server, e.g. with a backup): it must still be "
            "in the chain, which catches events cut from the end.",
        )

    def handle(self, *args, expect_head=None, **options):
        report = verify_chain()
        if report.ok and expect_head and not chain_contains(expect_head):
            self.stderr.write(f"BROKEN: the expected head {expect_head} is no longer in the chain (events were removed)")
            raise SystemExit(1)
        if report.ok:
            self.stdout.write(f"OK {report.count} events, head {report.head}")
            return
        self.stderr.write(f"BROKEN at sequence {report.broken_seq}: {report.reason} ({report.count} events verified before it)")
        raise SystemExit(1)
