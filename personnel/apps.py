from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_trigger(sender, using, **kwargs):
    from django.db import connections

    from .triggers import install

    install(connections[using])


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("Personnel")

    def ready(self):
        # who sees and may do what in this app (personnel/policy.py), on the access gate
        from . import policy

        policy.register()
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("personnel", order=10, seed="personnel.demo.seed", is_seeded="personnel.demo.is_seeded",
                             logins="personnel.demo.logins", totals="personnel.demo.totals")
        demo.register_seeder("personnel.records", order=60, seed="personnel.demo.seed_records")
        # the scheduled checks (training due, disengagement ending) and the approval hooks for
        # travel and departure requests
        from . import checks, services  # noqa: F401

        services._register_approval_hooks()
        # after every migrate: a table rebuilt by a later migration (SQLite) gets its trigger back
        post_migrate.connect(_reinstall_trigger, sender=self, dispatch_uid="personnel-triggers")
