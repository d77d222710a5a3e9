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
        parser.add_argument(
            "--checkpoints", metavar="FILE",
            help="Signed checkpoints kept outside the database (AUDIT_CHECKPOINT_FILE, a copy of it, or the syslog's): "
            "every one must verify and the trail must still hold its head and Merkle root, which catches a "
            "rewrite that recomputed every later hash.",
        )
        parser.add_argument("--public-key", metavar="PEM", help="The checkpoint key's public key (default: the "
                            "configured signing key's).")

    def handle(self, *args, expect_head=None, checkpoints=None, public_key=None, **options):
        report = verify_chain()
        if report.ok and checkpoints:
            self._check_checkpoints(checkpoints, public_key)
        if report.ok and expect_head and not chain_contains(expect_head):
            self.stderr.write(f"BROKEN: the expected head {expect_head} is no longer in the chain (events were removed)")
            raise SystemExit(1)
        if report.ok:
            self.stdout.write(f"OK {report.count} events, head {report.head}")
            return
        self.stderr.write(f"BROKEN at sequence {report.broken_seq}: {report.reason} ({report.count} events verified before it)")
        raise SystemExit(1)

    def _check_checkpoints(self, path, public_key):
        from audit import checkpoints as cps

        try:
            entries = cps.read_file(path)
            key = cps.load_public_key(public_key) if public_key else cps.load_private_key().public_key()
        except (OSError, ValueError) as exc:
            self.stderr.write(f"ERROR: {exc}")
            raise SystemExit(2) from None
        result = cps.verify_against(entries, key)
        if not result.ok:
            self.stderr.write(f"BROKEN at checkpoint {result.broken_seq}: {result.reason} "
                              f"({result.checked} checkpoints held before it)")
            raise SystemExit(1)
        self.stdout.write(f"OK {result.checked} checkpoints hold")
