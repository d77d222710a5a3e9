"""The main menu by role, the current section (aria-current) and the breadcrumbs.

One table of menu items: who sees each (roles, or a gate action), which paths belong to its section,
which counter it shows. A person sees only the items of their roles; the pages themselves still
answer by the gate (a hidden menu item is not a permission)."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import access

OFFICE_ROLES = frozenset({"secrecy_office", "unit_head", "auditor", "department_head"})
EVERYONE = None


@dataclass(frozen=True)
class Item:
    key: str
    url_name: str
    label: object
    group: str
    roles: frozenset | None = EVERYONE  # None: every registered person
    flag: str = ""  # a context flag that must be true (a gate answer computed once per request)
    prefixes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    badges: tuple[str, ...] = field(default=())


GROUPS = {
    "daily": _("Daily work"),
    "stages": _("Life-cycle stages"),
    "oversight": _("Oversight"),
}

ITEMS = (
    Item("home", "home", _("Dashboard"), "daily", prefixes=("/search/", "/notices/")),
    Item("carriers", "carriers:list", _("Carriers"), "daily", prefixes=("/carriers/", "/lists/carriers/", "/lists/handovers/"),
         excludes=("/carriers/register/", "/carriers/classification/")),
    Item("register", "carriers:register", _("Register a carrier"), "daily", flag="can_register_carrier",
         prefixes=("/carriers/register/",)),
    Item("import", "ledger_import:upload", _("Import an old ledger"), "daily", flag="can_register_carrier",
         prefixes=("/import/",)),
    Item("use", "use:mine", _("My carriers"), "daily", prefixes=("/use/",), badges=("use_count",)),
    Item("dispatch", "transmission:inbox", _("Dispatch and receipt"), "daily", prefixes=("/dispatches/",),
         badges=("dispatch_count",)),
    Item("approvals", "approvals:queue", _("Approvals"), "daily", prefixes=("/approvals/", "/lists/approvals-"),
         excludes=("/approvals/publications/",), badges=("decide_count", "notice_count")),
    Item("alerts", "alerts:list", _("Alerts"), "daily", prefixes=("/alerts/", "/lists/alerts/"), badges=("alert_count",)),
    Item("production", "production:list", _("Production"), "stages", prefixes=("/production/",)),
    Item("copying", "copying:index", _("Copying"), "stages", prefixes=("/copying/",)),
    Item("carrying", "carrying:list", _("Carrying out"), "stages", prefixes=("/carrying/",)),
    Item("storage", "storage:index", _("Storage"), "stages", prefixes=("/storage/",)),
    Item("destruction", "destruction:list", _("Destruction"), "stages", prefixes=("/destruction/",)),
    # everyone: the queue holds the carriers the person may review (their unit's, as holder or classifier)
    Item("declassification", "declassification:queue", _("Secrecy periods"), "stages", prefixes=("/declassification/",)),
    Item("meetings", "meetings:list", _("Meetings"), "stages", prefixes=("/meetings/",)),
    Item("publications", "approvals:publications", _("Publication reviews"), "stages",
         prefixes=("/approvals/publications/",)),
    # everyone: staff see their own secrecy file there (training, pledge, asking to leave the post)
    Item("personnel", "personnel:list", _("Personnel"), "oversight", prefixes=("/personnel/",)),
    Item("incidents", "incidents:list", _("Incidents"), "oversight", prefixes=("/incidents/",)),
    Item("holds", "holds:list", _("Holds"), "oversight", roles=OFFICE_ROLES, prefixes=("/holds/",)),
    Item("reviews", "reviews:index", _("Holdings reviews and spot checks"), "oversight", prefixes=("/reviews/",)),
    Item("classification", "carriers:classification", _("Classification basis"), "oversight", roles=OFFICE_ROLES,
         prefixes=("/carriers/classification/",)),
    Item("audit", "audit:events", _("Audit trail"), "oversight", flag="can_view_audit", prefixes=("/audit/",)),
    Item("registers", "registers:index", _("Registers"), "oversight", flag="can_view_audit",
         prefixes=("/registers/",)),
    # the three administrators (issue 15, administration app)
    Item("administration", "administration:people", _("Administration"), "oversight",
         roles=frozenset({"system_admin", "security_admin", "security_auditor"}), prefixes=("/administration/",)),
)

BADGE_TITLES = {
    "use_count": _("Loans and circulations waiting for you"),
    "dispatch_count": _("Dispatches waiting for you"),
    "decide_count": _("Requests waiting for your decision"),
    "notice_count": _("Unread notices"),
    "alert_count": _("Open alerts you may see"),
}

HOME_LABEL = pgettext_lazy("breadcrumb", "Dashboard")


def _matches(item: Item, path: str, url: str) -> bool:
    if any(path.startswith(prefix) for prefix in item.excludes):
        return False
    if path == url:
        return True
    return any(path.startswith(prefix) for prefix in item.prefixes)


def menu_for(user, path: str, flags: dict) -> list[dict]:
    """The groups of menu items this user sees, each item with its URL, counters and whether it is
    the current page or section."""
    roles = access.roles_of(user)
    current_key = None
    visible: list[tuple[Item, str]] = []
    for item in ITEMS:
        if item.roles is not None and not (roles & item.roles):
            continue
        if item.flag and not flags.get(item.flag):
            continue
        visible.append((item, reverse(item.url_name)))
    # the most specific match names the section (the longest matching prefix)
    best = -1
    for item, url in visible:
        if not _matches(item, path, url):
            continue
        length = len(url) if path == url else max((len(p) for p in item.prefixes if path.startswith(p)), default=0)
        if length > best:
            best, current_key = length, item.key
    groups: dict[str, dict] = {}
    for item, url in visible:
        group = groups.setdefault(item.group, {"key": item.group, "label": GROUPS[item.group], "items": []})
        badges = [
            {"name": name, "count": flags.get(name) or 0, "title": BADGE_TITLES[name]}
            for name in item.badges if flags.get(name)
        ]
        group["items"].append({
            "key": item.key, "url": url, "label": item.label, "badges": badges,
            "current": "page" if item.key == current_key and path == url else ("true" if item.key == current_key else ""),
        })
    return list(groups.values())


def section_of(menu: list[dict]) -> dict | None:
    for group in menu:
        for item in group["items"]:
            if item["current"]:
                return item
    return None
