"""Reads of the dashboard, the search and the notices page. Every read starts from another app's
selector or from the access gate (common.access.restrict): no count includes a row the user may
not open. Every list is set-based (a fixed number of queries, whatever the number of rows)."""

import re
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from alerts import selectors as alert_selectors
from alerts.models import ACTIVE_STATUSES, Severity
from approvals import selectors as approval_selectors
from approvals.models import ApprovalRequest, Notice
from carriers import selectors as carrier_selectors
from carriers.models import Carrier, Handover, Status
from carriers.transmission import selectors as transmission_selectors
from carriers.use import selectors as use_selectors
from carriers.use.models import Loan
from common import access
from common.levels import Level

SOON_DAYS = 7
LIST_SIZE = 5
SEARCH_LIMIT = 50

SEVERITY_ORDER = (Severity.CRITICAL, Severity.WARNING, Severity.INFO)
OPEN_REQUEST_STATUSES = (ApprovalRequest.Status.SUBMITTED, ApprovalRequest.Status.IN_REVIEW)


def carrier_counts(*, user) -> dict:
    """Visible carriers by level and by status: one GROUP BY over the gate's rows."""
    rows = (
        carrier_selectors.visible_carriers(user=user).order_by()
        .values("level", "status").annotate(n=Count("pk"))
    )
    by_level = {level.value: 0 for level in Level}
    by_status = {status.value: 0 for status in Status}
    total = 0
    for row in rows:
        by_level[row["level"]] = by_level.get(row["level"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        total += row["n"]
    return {
        "total": total,
        "by_level": [{"value": level.value, "label": level.label, "count": by_level[level.value]}
                     for level in sorted(Level, reverse=True)],
        "by_status": [{"value": status.value, "label": status.label, "count": by_status[status.value]}
                      for status in Status if by_status[status.value]],
    }


def alert_summary(*, user) -> dict:
    """Active alerts the user may see: counts by severity, the overdue and the soon due."""
    today = timezone.localdate()
    active = alert_selectors.visible_alerts(user=user).filter(status__in=ACTIVE_STATUSES)
    counts = dict(active.order_by().values_list("severity").annotate(n=Count("pk")))
    by_severity = [{"value": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in SEVERITY_ORDER]
    overdue = active.filter(due_on__lt=today).order_by("due_on", "pk")
    soon = active.filter(due_on__gte=today, due_on__lte=today + timedelta(days=SOON_DAYS)).order_by("due_on", "pk")
    return {
        "by_severity": by_severity,
        "total": sum(counts.values()),
        "overdue": list(overdue[:LIST_SIZE]),
        "overdue_count": overdue.count(),
        "soon": list(soon[:LIST_SIZE]),
        "soon_count": soon.count(),
        "soon_days": SOON_DAYS,
    }


def waiting_for(*, user) -> list[dict]:
    """What waits for this user: decisions, dispatches to count and sign, loans and circulations,
    handovers to accept, unread notices. Each entry: a count and where to go."""
    handovers = carrier_selectors.visible_handovers(user=user).filter(
        taker_id=user.pk, status=Handover.Status.PENDING
    )
    return [
        {"key": "decide", "count": approval_selectors.queue(user=user).count(), "url_name": "approvals:queue"},
        {"key": "dispatches", "count": transmission_selectors.inbox_count(user=user), "url_name": "transmission:inbox"},
        {"key": "use", "count": use_selectors.counts(user=user), "url_name": "use:mine"},
        {"key": "handovers", "count": handovers.count(), "url_name": "use:mine"},
        {"key": "notices", "count": unread_notice_count(user=user), "url_name": "dashboard:notices"},
    ]


def mine(*, user) -> dict:
    """The person's own work: carriers they hold, their loans, their open requests."""
    today = timezone.localdate()
    held = carrier_selectors.visible_carriers(user=user).filter(holder_id=user.pk).order_by("registry_number")
    loans = (
        use_selectors.visible_loans(user=user)
        .filter(borrower_id=user.pk, status__in=Loan.OPEN_STATUSES)
        .order_by("due_on", "pk")
    )
    requests = approval_selectors.requested_by(user=user).filter(status__in=OPEN_REQUEST_STATUSES).order_by("-submitted_at", "-pk")
    return {
        "held": list(held[:LIST_SIZE]),
        "held_count": held.count(),
        "loans": list(loans[:LIST_SIZE]),
        "loans_count": loans.count(),
        "loans_overdue": loans.filter(status=Loan.Status.ON_LOAN, due_on__lt=today).count(),
        "requests": list(requests[:LIST_SIZE]),
        "requests_count": requests.count(),
        "today": today,
    }


# --- notices -----------------------------------------------------------------------------------------


def unread_notice_count(*, user) -> int:
    return (approval_selectors.unread_notices(user=user).count()
            + transmission_selectors.unread_notices(user=user).count())


def notices(*, user, limit: int = 100) -> dict:
    """The user's notices about approval requests and dispatches, newest first (through the
    gate: a notice about a request or dispatch the user may no longer see is left out)."""
    approval = list(
        access.restrict(Notice.objects.filter(recipient_id=user.pk), user)
        .select_related("request").order_by("-created_at", "-pk")[:limit]
    )
    dispatch = list(transmission_selectors.visible_notices(user=user)[:limit])
    return {"approval": approval, "dispatch": dispatch}


def carriers_for_labels(*, user, ids: list[int]):
    """The carriers to print labels for, in the order asked; None when any is not visible."""
    wanted = list(dict.fromkeys(ids))
    found = {c.pk: c for c in carrier_selectors.visible_carriers(user=user).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        return None
    return [found[pk] for pk in wanted]


# --- search ------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalise(query: str) -> str:
    """What a person typed or a scanner sent: trimmed, inner spaces collapsed, control characters out."""
    query = "".join(ch for ch in (query or "") if ch.isprintable())
    return _SPACES.sub(" ", query).strip()[:200]


def exact_carrier(*, user, query: str):
    """The one visible carrier whose registry number is exactly the query (a scan), or None."""
    query = normalise(query)
    if not query:
        return None
    return (
        carrier_selectors.visible_carriers(user=user)
        .filter(Q(registry_number=query) | Q(registry_number__iexact=query))
        .order_by("pk").first()
    )


def _trigram_available() -> bool:
    if connection.vendor != "postgresql":
        return False
    cached = getattr(connection, "_registry_has_trgm", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            cached = cursor.fetchone() is not None
        connection._registry_has_trgm = cached
    return cached


def search_carriers(*, user, query: str, limit: int = SEARCH_LIMIT) -> tuple[list[Carrier], bool]:
    """Visible carriers matching the query in their registry number, document number or title.
    Every word must match one of the three (substring, case-insensitive: PostgreSQL ILIKE, SQLite
    LIKE; Chinese titles have no spaces, so substrings rather than word stems). On PostgreSQL with
    pg_trgm the closest titles come first. Returns (rows, more)."""
    query = normalise(query)
    if not query:
        return [], False
    rows = carrier_selectors.visible_carriers(user=user)
    for word in query.split(" ")[:8]:
        rows = rows.filter(
            Q(registry_number__icontains=word) | Q(document_number__icontains=word) | Q(title__icontains=word)
        )
    if _trigram_available():
        from django.contrib.postgres.search import TrigramSimilarity

        rows = rows.annotate(similarity=TrigramSimilarity("title", query)).order_by("-similarity", "registry_number")
    else:
        rows = rows.order_by("registry_number")
    found = list(rows[: limit + 1])
    return found[:limit], len(found) > limit

