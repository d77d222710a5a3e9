"""The carrying stage's scheduled check: carriers carried out and not checked back in by their
expected return date (R5). One set-based query; check-in resolves the alert at once."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

register(Check("carry_out_overdue", _("Carried-out carriers not returned"), Severity.WARNING,
               "carrying.carryoutrequest", selectors.due_carry_outs, selectors.carry_out_givers))
