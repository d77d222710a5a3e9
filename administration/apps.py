from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_trigger(sender, using, **kwargs):
    from django.db import connections

    from .triggers import install

    install(connections[using])


class AdministrationConfig(AppConfig):
    """The three administrators (三员分立, issue 15): system administrator, security administrator,
    security auditor; people, accounts, roles, posts and departments managed in the registry."""

    name = "administration"
    verbose_name = _("Administration")

    def ready(self):
        from common import demo

        from . import labels, policy, services

        policy.register()
        labels.register()
        services.register_approval_hooks()
        demo.register_seeder("administration", order=15, seed="administration.demo.seed")
        post_migrate.connect(_reinstall_trigger, sender=self, dispatch_uid="administration-triggers")
