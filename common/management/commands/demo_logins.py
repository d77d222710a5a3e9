from django.core.management.base import BaseCommand

from common import demo


class Command(BaseCommand):
    help = "Print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="the address make run serves on (HOST=)")
        parser.add_argument("--port", default="8000", help="the port make run serves on (PORT=)")

    def handle(self, *args, host, port, **options):
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        self.stdout.write("")
        self.stdout.write(f"Classified Carrier Registry: http://{shown}:{port}/  (API docs: /api/docs/)")
        self.stdout.write(f"Demo accounts, all with the password  {demo.DEMO_PASSWORD}")
        from django.contrib.auth import get_user_model

        active = set(get_user_model().objects.filter(is_active=True).values_list("username", flat=True))
        for username, name, role, post in demo.logins():
            closed = "" if username in active else "  (departed: account closed, cannot log in)"
            self.stdout.write(f"  {username:<16} {name:<6}  role: {role:<16} secrecy post: {post}{closed}")
        self.stdout.write("")
