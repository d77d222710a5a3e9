from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Common")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import access
        from .db_roles import grant_after_migrate
        from .models import IdempotencyRecord

        # idempotency records are read only by the replay machinery, never listed
        access.register(IdempotencyRecord, lambda queryset, user: queryset.none())

        # once per migrate (sender: this app), after every app's tables exist
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="common.grant_app_role")
