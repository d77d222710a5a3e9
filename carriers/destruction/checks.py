"""The destruction stage's scheduled check (alerts.checks): an approved destruction whose carriers
are still not destroyed REGISTRY["DESTRUCTION_MAX_DAYS"] days (default 30) after the approval. The
due function (in selectors) is one set-based query."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

DESTRUCTION_OVERDUE = "destruction_overdue"

register(Check(DESTRUCTION_OVERDUE, _("Approved destruction not carried out"), Severity.WARNING,
               "destruction.destructionrequest", selectors.due_destructions))
