from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_triggers(sender, using, **kwargs):
    from django.db import connections

    from .triggers import install

    install(connections[using])


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
        # after every migrate: a table rebuilt by a later migration (SQLite) gets its triggers back
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="audit-triggers")
        from . import policy

        policy.register()
        # every event also to syslog when AUDIT_SYSLOG_HOST is set (after commit, never blocking)
        from . import forwarding

        forwarding.connect()
        # a signed checkpoint after each inventory close and destruction (audit/checkpoints.py)
        from . import checkpoints

        checkpoints.connect()
