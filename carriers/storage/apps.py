from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorageConfig(AppConfig):
    name = "carriers.storage"
    label = "storage"
    verbose_name = _("Keeping and storage")

    def ready(self):
        # the scheduled checks (retention_overdue, inventory_overdue) and the approval hooks
        # (OUTCOME_HANDLERS, SIGNED_TERMS) for temporary retentions
        from . import checks, services  # noqa: F401
