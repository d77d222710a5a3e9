"""manage.py sync_directory: run the organisation's directory sync now (as the scheduler does)."""

from django.core.management.base import BaseCommand, CommandError

from directory import services


class Command(BaseCommand):
    help = "Synchronise accounts from the organisation's directory (LDAP / Active Directory) now."

    def handle(self, *args, **options):
        run = services.sync()
        if run is None:
            raise CommandError("The directory is not enabled (LDAP_ENABLED=1; docs/operations.md).")
        if not run.ok:
            raise CommandError(f"The directory could not be read; nothing was changed: {run.error}")
        summary = run.summary
        self.stdout.write(
            f"created {len(summary['created'])}, updated {len(summary['updated'])}, closed {len(summary['closed'])}, "
            f"unchanged {summary['unchanged']}, problems {len(summary['problems'])}"
        )
        for username, problems in sorted(summary["problems"].items()):
            self.stdout.write(f"  {username}: {'; '.join(problems)}")
