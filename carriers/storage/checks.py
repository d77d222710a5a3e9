"""The storage stage's scheduled checks (alerts.checks): a temporary retention past its end date,
and a unit whose last closed unit-wide inventory is older than REGISTRY["INVENTORY_INTERVAL_DAYS"]
(or, never inventoried, whose oldest kept carrier was registered longer ago than that). Each due
function (in selectors) is one set-based query."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

RETENTION_OVERDUE = "retention_overdue"
INVENTORY_OVERDUE = "inventory_overdue"


register(Check(RETENTION_OVERDUE, _("Temporary retention past its end date"), Severity.WARNING,
               "storage.temporaryretention", selectors.due_retentions))
register(Check(INVENTORY_OVERDUE, _("Inventory check overdue"), Severity.WARNING, "personnel.unit",
               selectors.due_inventories, selectors.inventory_office))
