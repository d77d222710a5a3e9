"""Reads of the audit trail."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .chain import canonical_json, event_hash, event_mac, sha256_hex
from .models import GENESIS_HASH, AuditEvent, Signature


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


# below this many events a verification runs in this process; above, in parallel worker processes
PARALLEL_FROM = 50_000


def _check_rows(rows, *, keyed_from: int | None, key: bytes, details_as_text: bool = False) -> dict:
    """Check one stretch of the chain (rows by position, as tuples: audit.chain.ROW_FIELDS; with
    details_as_text, their details the column's JSON text, not parsed).
    Within the stretch: no gaps in positions, every link's previous hash is the link before it,
    every event's hash recomputes from its content and every link's hash from the link before it and
    its event, every keyed hash (from the first keyed event on, one is required) matches. The
    stretch's entry (its first position and previous hash) is checked against the stretch before
    it by the caller. A break is named by the event's sequence number.

    The canonical bytes are first made by orjson (audit.chain.fast_canonical_bytes); only bytes
    that hash to the stored hash are taken from it, any other event's bytes are made again by
    canonical_json() and judged on those, so the verdict is canonical_json()'s."""
    import hashlib
    import hmac
    import json

    from .chain import body_from_row, fast_canonical_bytes, keyed_hasher

    sha256, mac_of, compare, loads = hashlib.sha256, keyed_hasher(key), hmac.compare_digest, json.loads
    out = {"ok": True, "count": 0, "first_seq": None, "entry_prev": None, "last_seq": None, "last_hash": None,
           "broken_seq": None, "reason": ""}
    expected = prev = None
    count = 0
    last_pos = last_hash = None
    for row in rows:
        seq, event_prev, event_hash_, mac, pos, link_prev, link_hash_ = row[0], *row[9:15]
        if expected is None:
            out["first_seq"], out["entry_prev"] = pos, link_prev
            expected, prev = pos, link_prev
        if pos != expected:
            out.update(ok=False, broken_seq=seq, reason="missing event (sequence gap)")
            break
        if link_prev != prev:
            out.update(ok=False, broken_seq=seq, reason="previous-hash link broken")
            break
        if event_hash_ is None:  # the link names an event that is not there
            out.update(ok=False, broken_seq=seq, reason="missing event (sequence gap)")
            break
        # written before the links (event_prev set): chained by its own prev_hash, the link repeats it
        prefix = event_prev.encode("ascii")
        canonical = fast_canonical_bytes(row, details_as_text=details_as_text)
        if canonical is None or sha256(prefix + canonical).hexdigest() != event_hash_:
            if details_as_text and row[8] is not None:
                row = (*row[:8], loads(row[8]), *row[9:])
            canonical = canonical_json(body_from_row(row)).encode("utf-8")
            if sha256(prefix + canonical).hexdigest() != event_hash_:
                out.update(ok=False, broken_seq=seq, reason="event content does not match its hash")
                break
        if mac or (keyed_from is not None and seq >= keyed_from):
            if not compare(mac_of(canonical), mac or ""):
                out.update(ok=False, broken_seq=seq,
                           reason="keyed hash does not match: the event was not written with the audit key")
                break
        if (link_hash_ != event_hash_ or event_prev != link_prev) if event_prev else (
                sha256((link_prev + event_hash_).encode("ascii")).hexdigest() != link_hash_):
            out.update(ok=False, broken_seq=seq, reason="the chain's link to this event does not match its hash")
            break
        prev, expected = link_hash_, pos + 1
        count += 1
        last_pos, last_hash = pos, link_hash_
    out["count"] = count
    if count:
        out["last_seq"], out["last_hash"] = last_pos, last_hash
    return out


def _check_stretch(first_seq: int, last_seq: int, keyed_from, key: bytes, chunk_size: int) -> dict:
    from contextlib import closing

    from django.db import connection

    from .chain import iter_rows

    as_text = connection.vendor == "postgresql"  # PostgreSQL: the details as text, parsed by the check
    with closing(iter_rows(first_seq=first_seq, last_seq=last_seq, chunk_size=chunk_size,
                           details_as_text=as_text)) as rows:
        return _check_rows(rows, keyed_from=keyed_from, key=key, details_as_text=as_text)


def _stretch_in_worker(args) -> dict:
    """In a worker process (forked): a fresh database connection of its own."""
    from django.db import connections

    try:
        return _check_stretch(*args)
    finally:
        connections.close_all()


def _keyed_from() -> int | None:
    """The first event written with a key: every later one must carry a keyed hash too (events before
    it predate the keys). Appending never removes it, so a keyless forgery after it is found."""
    return AuditEvent.objects.exclude(mac="").order_by("seq").values_list("seq", flat=True).first()


def verify_chain(*, chunk_size: int = 20000, after_seq: int = 0, after_hash: str = GENESIS_HASH,
                 workers: int | None = None) -> ChainReport:
    """Recompute every link after (after_seq, after_hash) (by default the whole trail from the
    genesis). Reports the first sequence number where the chain breaks. Plain tuples, no model
    objects; a long stretch is split into ranges checked in parallel processes, stitched in order."""
    import os

    from django.db import connection

    from .chain import flush_links, hmac_key
    from .models import ChainLink

    flush_links()
    key, keyed_from = hmac_key(), _keyed_from()
    last = ChainLink.objects.order_by("-pos").values_list("pos", flat=True).first() or 0
    total = last - after_seq
    if workers is None:
        # two per core: each worker waits on the database for its rows half the time (measured at
        # 400,000 events on 2 cores: 132,000 events/s with 2 workers, 144,000 with 4)
        workers = int(os.environ.get("AUDIT_VERIFY_WORKERS", "0")) or 2 * (os.cpu_count() or 1)
    parallel_from = int(os.environ.get("AUDIT_VERIFY_PARALLEL_FROM", "0")) or PARALLEL_FROM
    parallel = (workers > 1 and total >= parallel_from and connection.vendor == "postgresql"
                and not connection.in_atomic_block)
    if parallel:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from django.db import connections

        parts = workers * 4  # smaller pieces balance uneven rows
        size = -(-total // parts)
        bounds = [(after_seq + 1 + i * size, min(after_seq + (i + 1) * size, last)) for i in range(parts)]
        bounds = [(a, b) for a, b in bounds if a <= b]
        connections.close_all()  # never share a connection with the forked workers
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            stretches = list(pool.map(_stretch_in_worker, [(a, b, keyed_from, key, chunk_size) for a, b in bounds]))
    else:
        stretches = [_check_stretch(after_seq + 1, last, keyed_from, key, chunk_size)]
    expected, prev, count = after_seq + 1, after_hash, 0
    for part in stretches:
        if part["first_seq"] is None:  # an empty range: the next one (or the end) shows the gap
            continue
        if part["first_seq"] != expected:
            return ChainReport(False, count, prev, expected, "missing event (sequence gap)")
        if part["entry_prev"] != prev:
            return ChainReport(False, count, prev, expected, "previous-hash link broken")
        if not part["ok"]:
            # the last good hash before the break: the stretch's last checked one, or its entry
            good = part["last_hash"] if part["count"] else prev
            return ChainReport(False, count + part["count"], good, part["broken_seq"], part["reason"])
        count, expected, prev = count + part["count"], part["last_seq"] + 1, part["last_hash"]
    if expected <= last:
        return ChainReport(False, count, prev, expected, "missing event (sequence gap)")
    if after_seq == 0:
        unlinked = _first_unlinked_event()
        if unlinked is not None:
            return ChainReport(False, count, prev, unlinked, "event not in the chain (no link)")
        stale = _first_export_off_the_chain()
        if stale is not None:
            return ChainReport(False, count, prev, stale,
                               "the chain head recorded with this export is not in the chain at its position")
    return ChainReport(True, count, prev)


def _first_export_off_the_chain() -> int | None:
    """An export (a register, its event's details chain_head and chain_count) records the head it
    printed: the link at that position must still carry it. Returns the first event whose recorded
    head the chain no longer holds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        rows = (AuditEvent.objects.filter(details__has_key="chain_head")
                .order_by("seq").values_list("seq", "details"))
        from .models import ChainLink

        for seq, details in rows.iterator():
            head, count = details.get("chain_head") or "", details.get("chain_count")
            if not head or count is None or (int(count) == 0 and head == GENESIS_HASH):
                continue
            if not ChainLink.objects.filter(pos=int(count), hash=head).exists():
                return seq
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(e.seq) FROM audit_auditevent e"
            " LEFT JOIN audit_chainlink l ON l.pos = (e.details ->> 'chain_count')::bigint"
            " WHERE e.details ? 'chain_head' AND coalesce(e.details ->> 'chain_head', '') <> ''"
            "   AND jsonb_typeof(e.details -> 'chain_count') = 'number'"
            "   AND NOT ((e.details ->> 'chain_count')::bigint = 0 AND e.details ->> 'chain_head' = %s)"
            "   AND l.hash IS DISTINCT FROM e.details ->> 'chain_head'", [GENESIS_HASH])
        return cursor.fetchone()[0]


def _first_unlinked_event() -> int | None:
    """A committed event every link skips (written with the linking trigger switched off)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(e.seq) FROM audit_auditevent e WHERE NOT EXISTS"
                       " (SELECT 1 FROM audit_chainlink l WHERE l.event_id = e.seq)")
        return cursor.fetchone()[0]


def verify_since_last_point() -> ChainReport:
    """The scheduled check: only the events after the last point found intact (its cost does not
    grow with the history). The event at that point must still carry the hash seen then."""
    from .chain import flush_links
    from .models import ChainLink, VerifiedPoint

    flush_links()
    point = VerifiedPoint.objects.order_by("-pk").values_list("seq", "hash").first()
    if point is None:
        return verify_chain()
    seq, hash_ = point  # a position in the chain and the link's hash there
    if not ChainLink.objects.filter(pos=seq, hash=hash_).exists():
        return ChainReport(False, 0, hash_, seq, "the last verified event was changed or removed")
    return verify_chain(after_seq=seq, after_hash=hash_)


def visible_events(*, user):
    from common import access

    return access.restrict(AuditEvent.objects.select_related("signature").order_by("-seq"), user)


def verify_signature(signature: Signature, content: dict | None = None) -> list[str]:
    """Problems found with one signature (empty list: it holds)."""
    problems = []
    event = signature.event
    if event_hash(event) != event.hash or (event.mac and event_mac(event) != event.mac):
        problems.append(_("its audit event was altered"))
    if event.details.get("content_hash") != signature.content_hash or event.actor_id != signature.signer_id:
        problems.append(_("the signature does not match its audit event"))
    if content is not None and sha256_hex(canonical_json(content)) != signature.content_hash:
        problems.append(_("the signed content has changed since it was signed"))
    return problems


def chain_contains(head_hash: str) -> bool:
    """Is an earlier head still in the chain? (Truncation from the end leaves a valid but shorter
    chain; only a head kept elsewhere reveals it.)"""
    from .chain import flush_links
    from .models import ChainLink

    flush_links()
    return ChainLink.objects.filter(hash=head_hash.strip().lower()).exists()
