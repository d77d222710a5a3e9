"""What the directory decides, as pure functions (no database, no LDAP)."""

UNMANAGED = "unmanaged"  # no group mapping configured: the registry keeps the department
NO_GROUP = "none"  # no mapped group: no department
ONE = "one"
AMBIGUOUS = "ambiguous"  # mapped groups name two departments: nothing is guessed


def group_keys(dn: str) -> set[str]:
    """A group is named in LDAP_GROUP_DEPARTMENTS by its DN or by the value of its first RDN (cn)."""
    first = dn.split(",", 1)[0]
    return {dn.strip().lower(), first.split("=", 1)[-1].strip().lower()}


def department_decision(groups: list[str], mapping: dict[str, str]) -> tuple[str, str | None]:
    """(decision, department code) for an account that is a member of `groups` (DNs)."""
    if not mapping:
        return UNMANAGED, None
    codes = {mapping[key] for dn in groups for key in group_keys(dn) if key in mapping}
    if not codes:
        return NO_GROUP, None
    if len(codes) > 1:
        return AMBIGUOUS, None
    return ONE, codes.pop()


def account_state(*, present: bool, disabled: bool) -> str:
    """Why the sync closes an account ("" when it stays open)."""
    if not present:
        return "directory_removed"
    if disabled:
        return "directory_disabled"
    return ""


def may_close_any(*, listed: int, linked_open: int) -> bool:
    """An answer listing no account at all while directory accounts are open is taken for a wrong
    search base or a directory half restored, never for everyone having left: nobody is closed."""
    return listed > 0 or linked_open == 0
