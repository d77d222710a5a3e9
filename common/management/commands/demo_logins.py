from django.core.management.base import BaseCommand

from common import demo


class Command(BaseCommand):
    help = "Print the demo accounts."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write("Classified Carrier Registry: http://127.0.0.1:8000/  (API docs: /api/docs/)")
        self.stdout.write(f"Demo accounts, all with the password  {demo.DEMO_PASSWORD}")
        for username, name, role, post in demo.logins():
            self.stdout.write(f"  {username:<16} {name:<6}  role: {role:<16} secrecy post: {post}")
        self.stdout.write("")
