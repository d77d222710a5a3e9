"""Scheduled checks of the personnel app (alerts.checks.register): confidentiality training due
(R14) and disengagement periods ending or ended (R12). Each due function is one set-based query
(personnel.selectors)."""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

TRAINING_DUE = "training_due"
DISENGAGEMENT_ENDING = "disengagement_ending"

register(Check(TRAINING_DUE, _("Confidentiality training due"), Severity.INFO, "personnel.person",
               selectors.due_training))
register(Check(DISENGAGEMENT_ENDING, _("Disengagement period ending or ended"), Severity.INFO, "personnel.departure",
               selectors.due_disengagement, selectors.disengagement_office))
