"""Who may lift a lockout, as pure functions: given facts, None (allowed) or the reason why not."""

from django.utils.translation import gettext_lazy as _

from common.errors import Violation


def may_unlock(*, is_unit_office: bool, is_self: bool) -> Violation | None:
    """The secrecy office of the person's unit unlocks an account; never its own (a second person
    looks at why it was locked)."""
    if is_self:
        return Violation(_("You cannot unlock your own account: another member of the secrecy office does."),
                         kind="refused", code="own_account")
    if not is_unit_office:
        return Violation(_("Only the secrecy office of the person's unit unlocks an account."), kind="refused")
    return None


def is_locked(*, locked: bool) -> Violation | None:
    if not locked:
        return Violation(_("This account is not locked."), kind="conflict", code="not_locked")
    return None
