from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import checkpoints


class Command(BaseCommand):
    help = ("Make the Ed25519 key that signs the audit trail's checkpoints: the private key at "
            "AUDIT_SIGNING_KEY_FILE (or --path), mode 0600, and its public key next to it (.pub) for auditors. "
            "Keep the private key off the database server.")

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Where to write the private key (default: AUDIT_SIGNING_KEY_FILE or var/).")
        parser.add_argument("--force", action="store_true", help="Replace an existing key (old checkpoints then "
                            "verify only with the old public key: keep it).")

    def handle(self, *args, path=None, force=False, **options):
        target = Path(path) if path else checkpoints.key_path()
        try:
            key = checkpoints.write_key(target, overwrite=force)
        except FileExistsError:
            raise CommandError(f"{target} already exists; nothing changed (--force replaces it)") from None
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc}") from None
        self.stdout.write(f"private key {target}\npublic key {checkpoints.public_path(target)}\n"
                          f"key id {checkpoints.key_id(key.public_key())}")
