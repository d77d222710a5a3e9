from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_triggers(sender, using, **kwargs):
    from django.db import connections

    from .models import ALLOWED_MOVES, StatusMove
    from .triggers import install

    # the allowed moves as rows, copied from the one Python table, then the triggers that read them
    wanted = {(src, dst) for src, targets in ALLOWED_MOVES.items() for dst in targets}
    rows = StatusMove.objects.using(using)
    if set(rows.values_list("from_status", "to_status")) != wanted:
        rows.all().delete()
        rows.bulk_create(StatusMove(from_status=src, to_status=dst) for src, dst in sorted(wanted))
    install(connections[using])


class CarriersConfig(AppConfig):
    name = "carriers"
    verbose_name = _("Classified carriers")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("carriers", order=20, seed="carriers.demo.seed", totals="carriers.demo.totals")
        # after every migrate: a table rebuilt by a later migration (SQLite) gets its triggers back
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="carriers-triggers")
        from . import policy

        policy.register()
