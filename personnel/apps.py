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
        # the scheduled checks (training due, disengagement ending) and the approval hooks for
        # travel and departure requests
        from . import checks, services  # noqa: F401

        services._register_approval_hooks()
        # after every migrate: a table rebuilt by a later migration (SQLite) gets its trigger back
        post_migrate.connect(_reinstall_trigger, sender=self, dispatch_uid="personnel-triggers")
