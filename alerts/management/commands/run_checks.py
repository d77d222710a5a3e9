from django.core.management.base import BaseCommand, CommandError

from alerts import services
from alerts.checks import REGISTRY
from common.errors import DomainError


class Command(BaseCommand):
    help = "Run the scheduled checks now (all, or --only KIND) and print what each created and resolved."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", choices=sorted(REGISTRY), help="run only this kind (repeatable)")

    def handle(self, *args, only=None, **options):
        try:
            results = services.run_checks(only=only)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        failed = False
        for kind, result in results.items():
            if result.get("skipped"):
                line = f"{kind}: skipped (its stage is not installed)"
            elif result.get("failed"):
                failed = True
                line = f"{kind}: FAILED (see the log)"
            else:
                line = f"{kind}: {result['created']} created, {result['resolved']} resolved"
            self.stdout.write(line)
        if failed:
            raise CommandError("some checks failed")
