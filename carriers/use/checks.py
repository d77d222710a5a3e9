"""The use stage's scheduled check: loans not returned by their due date (R3: return in time)."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

LOAN_OVERDUE = register(
    Check("loan_overdue", _("Loan overdue"), Severity.WARNING, "use.loan", selectors.due_loans,
          selectors.loan_lenders)
)
