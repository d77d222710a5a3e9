from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The site chrome and the daily work: the dashboard per role, the registry search, the notices
    page, the role menu and breadcrumbs, carrier labels. It reads the other apps only through their
    selectors and the access gate; it writes nothing but through their services."""

    name = "dashboard"
    verbose_name = _("Dashboard")
