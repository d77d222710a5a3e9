from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from common.scheduler import EmbeddedScheduler


class Command(BaseCommand):
    help = "Serve the registry in embedded mode (no broker): the web server plus the scheduled checks in-process."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if settings.CELERY_BROKER_URL:
            raise CommandError("A broker is configured: run Celery beat and workers instead (see docs/operations.md).")
        scheduler = EmbeddedScheduler()
        scheduler.start()
        self.stdout.write(f"Scheduled checks run in-process: {', '.join(settings.CELERY_BEAT_SCHEDULE)}")
        try:
            call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
        finally:
            scheduler.stop()
