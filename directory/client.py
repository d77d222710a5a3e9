"""Reading the organisation's directory with python-ldap (the `directory` extra): the service
bind, the user and group searches of the sync and of a login. Any failure to reach or read the
directory raises DirectoryError; a caller that gets one changes nothing."""

from dataclasses import dataclass, field
from pathlib import Path

import ldap
from ldap.controls import SimplePagedResultsControl

PAGE_SIZE = 500
TLS_REQUIRE_CERT = {
    "demand": "OPT_X_TLS_DEMAND", "hard": "OPT_X_TLS_HARD", "try": "OPT_X_TLS_TRY", "allow": "OPT_X_TLS_ALLOW",
    "never": "OPT_X_TLS_NEVER",
}


class DirectoryError(Exception):
    """The directory could not be reached, bound to or read completely."""


@dataclass
class Entry:
    dn: str
    username: str
    full_name: str = ""
    employee_number: str = ""
    email: str = ""
    disabled: bool = False
    groups: list[str] = field(default_factory=list)  # DNs of the groups the entry is a member of


@dataclass
class Group:
    dn: str
    cn: str
    members: frozenset[str]  # lower-case member DNs (or usernames, for memberUid)


def _first(attrs: dict, name: str) -> str:
    for key, values in attrs.items():
        if key.lower() == name.lower() and values:
            value = values[0]
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return ""


def _all(attrs: dict, name: str) -> list[str]:
    for key, values in attrs.items():
        if key.lower() == name.lower():
            return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]
    return []


def connection_options(cfg: dict) -> dict:
    """python-ldap options for every connection (the sync's and django-auth-ldap's)."""
    options = {
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_NETWORK_TIMEOUT: cfg["TIMEOUT"],
        ldap.OPT_TIMEOUT: cfg["TIMEOUT"],
        ldap.OPT_PROTOCOL_VERSION: 3,
    }
    uses_tls = cfg["START_TLS"] or cfg["SERVER_URI"].lower().startswith("ldaps://")
    if uses_tls:
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = getattr(ldap, TLS_REQUIRE_CERT[cfg["TLS_REQUIRE_CERT"]])
        if cfg["TLS_CA_FILE"]:
            options[ldap.OPT_X_TLS_CACERTFILE] = cfg["TLS_CA_FILE"]
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above
    return options


def bind_password(cfg: dict) -> str:
    if not cfg["BIND_DN"]:
        return ""
    try:
        return Path(cfg["BIND_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DirectoryError(f"the bind password file cannot be read: {exc.strerror}") from exc


def connect(cfg: dict):
    """A connection bound as the service account (or anonymously without LDAP_BIND_DN)."""
    password = bind_password(cfg)
    try:
        conn = ldap.initialize(cfg["SERVER_URI"], bytes_mode=False)
        for option, value in connection_options(cfg).items():
            conn.set_option(option, value)
        if cfg["START_TLS"]:
            conn.start_tls_s()
        conn.simple_bind_s(cfg["BIND_DN"] or "", password)
    except ldap.LDAPError as exc:
        raise DirectoryError(describe(exc)) from exc
    return conn


def describe(exc: Exception) -> str:
    """A short, secret-free description of an LDAP error (for the sync run, the alert, the trail)."""
    if isinstance(exc, ldap.LDAPError) and exc.args and isinstance(exc.args[0], dict):
        info = exc.args[0]
        text = info.get("desc", type(exc).__name__)
        if info.get("info"):
            text = f"{text}: {info['info']}"
        return str(text)[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def _search(conn, base: str, filterstr: str, attrs: list[str]) -> list[tuple[str, dict]]:
    """A complete, paged subtree search; an incomplete answer (size limit, referral) is an error."""
    control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
    results = []
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrs, serverctrls=[control])
        _type, data, _msgid, controls = conn.result3(msgid)
        results.extend((dn, entry_attrs) for dn, entry_attrs in data if dn)  # skip search references
        cookie = next((c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType), b"")
        if not cookie:
            return results
        control.cookie = cookie


def _groups(conn, cfg: dict) -> list[Group]:
    if not cfg["GROUP_SEARCH_BASE"]:
        return []
    member_attr = cfg["GROUP_MEMBER_ATTR"]
    out = []
    for dn, attrs in _search(conn, cfg["GROUP_SEARCH_BASE"], cfg["GROUP_FILTER"], ["cn", member_attr]):
        members = frozenset(m.lower() for m in _all(attrs, member_attr))
        out.append(Group(dn=dn, cn=_first(attrs, "cn"), members=members))
    return out


def _entry(cfg: dict, dn: str, attrs: dict, groups: list[Group], disabled: set[str]) -> Entry | None:
    username = _first(attrs, cfg["USERNAME_ATTR"]).strip()
    if not username:
        return None
    keys = {dn.lower(), username.lower()}
    return Entry(
        dn=dn, username=username, full_name=_first(attrs, cfg["FULL_NAME_ATTR"]).strip(),
        employee_number=_first(attrs, cfg["EMPLOYEE_NUMBER_ATTR"]).strip(), email=_first(attrs, cfg["EMAIL_ATTR"]).strip(),
        disabled=dn.lower() in disabled, groups=sorted(g.dn for g in groups if g.members & keys),
    )


def _user_attrs(cfg: dict) -> list[str]:
    return [cfg["USERNAME_ATTR"], cfg["FULL_NAME_ATTR"], cfg["EMPLOYEE_NUMBER_ATTR"], cfg["EMAIL_ATTR"]]


def _disabled_dns(conn, cfg: dict, user_filter: str) -> set[str]:
    if not cfg["DISABLED_FILTER"]:
        return set()
    found = _search(conn, cfg["USER_SEARCH_BASE"], f"(&{user_filter}{cfg['DISABLED_FILTER']})", ["1.1"])
    return {dn.lower() for dn, _attrs in found}


def fetch_all(cfg: dict) -> dict[str, Entry]:
    """Every account of the directory under the user search base, by lower-case username, with
    its groups and whether it is disabled. Raises DirectoryError unless the answer is complete."""
    conn = connect(cfg)
    try:
        groups = _groups(conn, cfg)
        disabled = _disabled_dns(conn, cfg, cfg["USER_FILTER"])
        entries = {}
        for dn, attrs in _search(conn, cfg["USER_SEARCH_BASE"], cfg["USER_FILTER"], _user_attrs(cfg)):
            entry = _entry(cfg, dn, attrs, groups, disabled)
            if entry is not None:
                entries[entry.username.lower()] = entry
        return entries
    except ldap.LDAPError as exc:
        raise DirectoryError(describe(exc)) from exc
    finally:
        try:
            conn.unbind_s()
        except ldap.LDAPError:
            pass


def fetch_one(cfg: dict, dn: str, attrs: dict) -> Entry:
    """The entry of one account at login (django-auth-ldap found it): its groups and whether it is
    disabled, read with the service account."""
    conn = connect(cfg)
    try:
        groups = _groups(conn, cfg)
        disabled = set()
        if cfg["DISABLED_FILTER"]:
            found = conn.search_s(dn, ldap.SCOPE_BASE, f"(&{cfg['USER_FILTER']}{cfg['DISABLED_FILTER']})", ["1.1"])
            disabled = {d.lower() for d, _a in found if d}
        entry = _entry(cfg, dn, attrs, groups, disabled)
        if entry is None:
            raise DirectoryError(f"the entry has no {cfg['USERNAME_ATTR']}")
        return entry
    except ldap.LDAPError as exc:
        raise DirectoryError(describe(exc)) from exc
    finally:
        try:
            conn.unbind_s()
        except ldap.LDAPError:
            pass


def user_search_filter(cfg: dict) -> str:
    """django-auth-ldap's search for the account logging in: the configured filter, the username,
    and never a disabled account."""
    parts = [cfg["USER_FILTER"], f"({cfg['USERNAME_ATTR']}=%(user)s)"]
    if cfg["DISABLED_FILTER"]:
        parts.append(f"(!{cfg['DISABLED_FILTER']})")
    return "(&" + "".join(parts) + ")"

