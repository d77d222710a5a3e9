import json
from pathlib import Path

from django.core.management.base import BaseCommand

from audit import checkpoints


class Command(BaseCommand):
    help = ("Check offline a proof the API gave (inclusion of an event, consistency of two checkpoints), or a "
            "checkpoint printed on a register (the QR code's text): its signature, and for a QR code whether the "
            "trail still contains that state. Exit 0 when it holds, 1 when not, 2 on bad input.")

    def add_arguments(self, parser):
        parser.add_argument("proof", help="A proof file (JSON), '-' for standard input, or the QR code's text (RACP1;...)")
        parser.add_argument("--public-key", help="The checkpoint key's public key (PEM; default: the configured key)")

    def handle(self, *args, proof, public_key=None, **options):
        try:
            key = (checkpoints.load_public_key(public_key) if public_key
                   else checkpoints.load_private_key().public_key())
        except (OSError, ValueError) as exc:
            self.stderr.write(f"ERROR: cannot read the public key: {exc}")
            raise SystemExit(2) from None
        text = proof
        if proof == "-":
            import sys

            text = sys.stdin.read()
        elif not proof.startswith(checkpoints.QR_PREFIX) and Path(proof).is_file():
            text = Path(proof).read_text(encoding="utf-8")
        text = text.strip()
        if text.startswith(checkpoints.QR_PREFIX):
            try:
                cp = checkpoints.Checkpoint.from_qr(text)
            except ValueError as exc:
                self.stderr.write(f"ERROR: {exc}")
                raise SystemExit(2) from None
            if not cp.verify_signature(key):
                self.stderr.write("BROKEN: the checkpoint's signature does not verify with this key")
                raise SystemExit(1)
            report = checkpoints.verify_against([cp], key)
            if not report.ok:
                self.stderr.write(f"BROKEN: the trail no longer contains checkpoint {cp.seq}: {report.reason}")
                raise SystemExit(1)
            self.stdout.write(f"OK the trail still contains checkpoint {cp.seq} (head {cp.head}, root {cp.root})")
            return
        try:
            document = json.loads(text)
        except ValueError:
            self.stderr.write("ERROR: neither a proof (JSON) nor a checkpoint's QR text")
            raise SystemExit(2) from None
        ok, message = checkpoints.verify_proof_document(document, key)
        if not ok:
            self.stderr.write(f"BROKEN: {message}")
            raise SystemExit(1)
        self.stdout.write(f"OK {message}")
