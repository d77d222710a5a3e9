from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from personnel import services
from personnel.models import Person


class Command(BaseCommand):
    help = ("Enrol an authenticator (TOTP) for a person's signatures, as the secrecy office; prints the "
            "provisioning URI to load into the authenticator app. --remove takes it away.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="username of the secrecy-office member doing it")
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, username, by, remove, **options):
        users = get_user_model().objects
        try:
            person = Person.objects.select_related("user").get(user__username=username)
            actor = users.get(username=by)
        except (Person.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        uri = services.enrol_one_time_code(actor=actor, person=person, remove=remove)
        self.stdout.write("removed" if remove else uri)
