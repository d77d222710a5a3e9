"""The secrecy-period stage's scheduled check: declassification conditions recorded as met and
still awaiting a review after DECLASSIFICATION_REVIEW_DAYS. One set-based query; applying a review
resolves it at once. (Periods ending or ended are the alerts app's own checks.)"""

from django.utils.translation import gettext_lazy as _

from alerts.checks import Check, register
from alerts.models import Severity

from . import selectors

register(Check("declassification_review_due", _("Declassification condition met, review due"), Severity.WARNING,
               "declassification.conditionmet", selectors.due_reviews, selectors.condition_recorders))
