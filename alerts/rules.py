"""Who may acknowledge an alert, as pure functions."""

from django.utils.translation import gettext as _

from common.errors import Violation


def may_acknowledge(*, is_responsible: bool, is_recipient: bool, is_unit_office: bool) -> Violation | None:
    if is_responsible or is_recipient or is_unit_office:
        return None
    return Violation(
        _("Only the responsible person, someone it was sent to, or the secrecy office of its unit may "
          "acknowledge this alert."),
        code="not_yours", kind="refused",
    )


def still_open(*, status: str) -> Violation | None:
    if status == "open":
        return None
    if status == "acknowledged":
        return Violation(_("This alert has already been acknowledged."), code="already_acknowledged", kind="conflict")
    return Violation(_("This alert is resolved; there is nothing to acknowledge."), code="resolved", kind="conflict")


def comment_valid(*, comment: str) -> Violation | None:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in comment):
        return Violation(_("Control characters (such as NUL) are not allowed."), field="comment")
    if len(comment) > 1000:
        return Violation(_("Keep the comment under 1000 characters."), field="comment")
    return None
