"""The alert of the accounts app (alerts.checks.register): an account locked after too many failed
attempts, to the secrecy office of the person's unit. Raised at once when the lockout happens
(services.record_login_failure), resolved at once by unlock_account, or by the next scheduled run
once the cool-off is over."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

ACCOUNT_LOCKED = "account_locked"

register(Check(ACCOUNT_LOCKED, _("Account locked after failed attempts"), Severity.CRITICAL, "personnel.person",
               selectors.due_locked_accounts, selectors.locked_account_office))
