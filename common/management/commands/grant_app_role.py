"""Grant the application role its privileges (run as the owner, after every migrate)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.db_roles import grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application role (web, workers, beat) its privileges on this database: read and "
        "write every table, only read and append on the audit trail. Run as the schema owner after "
        "every migrate (DATABASE_APP_ROLE does it automatically)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", help="the application role (default: DATABASE_APP_ROLE)")

    def handle(self, *args, role=None, **options):
        role = role or getattr(settings, "DATABASE_APP_ROLE", None)
        if not role:
            raise CommandError("Name the application role (or set DATABASE_APP_ROLE).")
        statements = grant_app_role(role)
        if not statements:
            self.stdout.write("No database roles on this database (SQLite): nothing to grant.")
            return
        self.stdout.write(f"Granted the application privileges to {role} ({len(statements)} statements).")
