from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerImportConfig(AppConfig):
    name = "ledger_import"
    verbose_name = _("Legacy ledger import")

    def ready(self):
        # who sees and may do what (ledger_import/policy.py), on the access gate
        from . import labels, policy

        policy.register()
        labels.register()
