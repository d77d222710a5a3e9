from django.conf import settings
from django.core.management.base import BaseCommand

from common import demo


class Command(BaseCommand):
    help = "Load the demo unit, people, containers and 240 carriers (once; a second run changes nothing)."

    def handle(self, *args, **options):
        if demo.is_seeded():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        # the demo's own approval notices are not mailed to its invented addresses
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        result = demo.seed()
        self.stdout.write(
            f"Demo data loaded: {result['people']} people, {result['containers']} containers, "
            f"{result['carriers']} carriers, {result['requests']} approval requests."
        )
