from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorageConfig(AppConfig):
    name = "carriers.storage"
    label = "storage"
    verbose_name = _("Keeping and storage")

    def ready(self):
        from . import checks  # noqa: F401  (registers retention_overdue and inventory_overdue)
        from . import services  # noqa: F401  (registers the temporary_retention outcome handler)
