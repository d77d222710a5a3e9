from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorageConfig(AppConfig):
    name = "carriers.storage"
    label = "storage"
    verbose_name = _("Keeping and storage")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("storage", order=80, seed="carriers.storage.demo.seed")
        # the scheduled checks (retention_overdue, inventory_overdue) and the approval hooks
        # (OUTCOME_HANDLERS, SIGNED_TERMS) for temporary retentions; the access policy of storage
        # entries, retentions, archives, filings, access logs and inventories (common.access)
        from . import checks, policy, services  # noqa: F401

        policy.register()
