"""The scheduled check of the directory app (alerts.checks.register): the last sync could not
read the organisation's directory. Opened by the failed run itself, resolved by the next good one."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors
from .services import ALERT_KIND, ALERT_TARGET

register(Check(ALERT_KIND, _("Directory unavailable: accounts not synchronised"), Severity.WARNING, ALERT_TARGET,
               selectors.due_directory_unavailable, selectors.directory_keepers))
