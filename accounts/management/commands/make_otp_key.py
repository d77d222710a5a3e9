from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import otp_crypto


class Command(BaseCommand):
    help = ("Make the key that encrypts authenticator (TOTP) secrets: a Fernet key in a new file of mode 0400 "
            "at OTP_ENCRYPTION_KEY_FILE (or --path). Keep it off the database server and out of database "
            "backups; without it no stored authenticator works.")

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Where to write the key (default: OTP_ENCRYPTION_KEY_FILE).")

    def handle(self, *args, path=None, **options):
        target = path or otp_crypto.key_file()
        if not target:
            raise CommandError("Give --path or set OTP_ENCRYPTION_KEY_FILE.")
        target = Path(target)
        try:
            otp_crypto.write_key(target)
        except FileExistsError:
            raise CommandError(f"{target} already exists; nothing changed (a new key would leave every "
                               "stored authenticator unreadable)") from None
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc}") from None
        self.stdout.write(f"OTP encryption key written to {target} (mode 0400)")
