from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    """The lists' shared work: a filtered list exported as CSV or PDF (audited like the registers'
    exports), and the bulk actions on selected rows (a preview with the reason per row, then one
    signature for the batch, all or nothing). It reads the other apps only through their selectors
    and tables, and writes only through their services."""

    name = "lists"
    verbose_name = _("Lists")

    def ready(self):
        # audit action labels, registered with common.labels
        from . import labels

        labels.register()
