"""The hash chain: canonical form of an event, and the rule that links one event to the next."""

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


def canonical_json(obj) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same bytes for the same data, in any process."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def _number_as_stored(text: str):
    """A JSON number the way PostgreSQL's jsonb gives it back: plain notation, no negative zero
    (1e+20 comes back as 100000000000000000000, -0.0 as 0.0)."""
    value = Decimal(text)
    plain = format(value, "f")
    return json.loads(plain.lstrip("-") if value.is_zero() else plain)


def normalise(obj):
    """What a JSON column gives back: dates as ISO strings, decimals as strings, tuples as lists,
    numbers as jsonb returns them (else the stored event would no longer match its hash)."""
    return json.loads(canonical_json(obj), parse_float=_number_as_stored)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_body(*, seq, at, actor_id, actor_name, action, target_type, target_id, target_label, details) -> dict:
    return {
        "seq": seq,
        "at": timestamp(at),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "details": details,
    }


def link_hash(prev_hash: str, body: dict) -> str:
    """hash = SHA-256(prev_hash || canonical event)."""
    return sha256_hex(prev_hash + canonical_json(body))


def event_hash(event) -> str:
    body = event_body(
        seq=event.seq, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
        action=event.action, target_type=event.target_type, target_id=event.target_id,
        target_label=event.target_label, details=event.details,
    )
    return link_hash(event.prev_hash, body)


# --- the keyed hash: a key the database does not hold -------------------------------------------

_KEY_CACHE: dict[str, bytes] = {}


def hmac_key() -> bytes:
    """The audit trail's HMAC key. From the file named by AUDIT_HMAC_KEY_FILE (production: kept off
    the database server, readable by the application only); in the embedded mode (no such file)
    derived from SECRET_KEY. Never stored in the database."""
    import os

    from django.conf import settings

    path = os.environ.get("AUDIT_HMAC_KEY_FILE", "") or getattr(settings, "AUDIT_HMAC_KEY_FILE", "")
    cache_key = f"file:{path}" if path else f"secret:{hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()}"
    key = _KEY_CACHE.get(cache_key)
    if key is None:
        if path:
            with open(path, "rb") as handle:
                key = handle.read().strip()
            if len(key) < 32:
                raise RuntimeError(f"AUDIT_HMAC_KEY_FILE {path} holds fewer than 32 bytes")
        else:
            key = hashlib.sha256(b"registry audit hmac v1\x00" + settings.SECRET_KEY.encode("utf-8")).digest()
        _KEY_CACHE[cache_key] = key
    return key


def keyed_hash(data: bytes, key: bytes | None = None) -> str:
    """HMAC-SHA256 (hex) of `data` with the audit key: only a holder of the key can make it."""
    import hmac

    return hmac.new(hmac_key() if key is None else key, data, hashlib.sha256).hexdigest()


def canonical_bytes(body: dict) -> bytes:
    return canonical_json(body).encode("utf-8")


def event_mac(event) -> str:
    """The keyed hash of an event: HMAC over its canonical body (the same bytes its hash covers
    after prev_hash), so an event appended without the key fails verification."""
    return keyed_hash(canonical_bytes(_body_of(event)))


def _body_of(event) -> dict:
    return event_body(
        seq=event.seq, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
        action=event.action, target_type=event.target_type, target_id=event.target_id,
        target_label=event.target_label, details=event.details,
    )


# --- fast reads of the chain: plain tuples, no model objects -------------------------------------

# the event's own columns, then its link in the chain (audit_chainlink: position, previous link hash,
# link hash; decision 0022). Events from before the links carry their own prev_hash and the link
# repeats it (pos = seq, link hash = event hash); newer events have prev_hash "" and
# hash = SHA-256(canonical), and the link chains them: link hash = SHA-256(prev link hash || event hash)
ROW_FIELDS = ("seq", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_label",
              "details", "prev_hash", "hash", "mac", "pos", "link_prev", "link_hash")


def flush_links(connection=None) -> None:
    """PostgreSQL: link this transaction's events now (the deferred trigger that links them at
    commit fires at once), so a reader inside the transaction sees them in the chain. Outside a
    transaction there is nothing pending. Takes the chain's lock until commit only if events are
    pending."""
    from django.db import connection as default

    connection = connection or default
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS audit_chain_link IMMEDIATE")
            cursor.execute("SET CONSTRAINTS audit_chain_link DEFERRED")


def body_from_row(row) -> dict:
    seq, at, actor_id, actor_name, action, target_type, target_id, target_label, details = row[:9]
    return {
        "seq": seq, "at": at if isinstance(at, str) else timestamp(at), "actor_id": actor_id, "actor_name": actor_name, "action": action,
        "target_type": target_type, "target_id": target_id, "target_label": target_label, "details": details,
    }


# PostgreSQL: each link by position, its event fetched by primary key. The LATERAL subquery (OFFSET 0
# keeps it a subquery) makes a nested loop over the links' index; a plain join let the planner hash
# each chunk against a full scan of the event table (every chunk read every event: a long history
# verified in time growing with its square). The time as audit.chain.timestamp() writes it, formatted
# by the database (saves parsing it).
_PG_ROWS_SQL = (
    "SELECT l.event_id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), e.actor_id,"
    " e.actor_name, e.action, e.target_type, e.target_id, e.target_label, e.details::text,"
    " e.prev_hash, e.hash, e.mac, l.pos, l.prev_hash, l.hash"
    " FROM audit_chainlink l LEFT JOIN LATERAL"
    " (SELECT * FROM audit_auditevent ev WHERE ev.seq = l.event_id OFFSET 0) e ON true"
    " WHERE l.pos > %s AND l.pos <= %s ORDER BY l.pos LIMIT %s")


def iter_rows(*, first_seq: int = 1, last_seq: int | None = None, chunk_size: int = 20000,
              details_as_text: bool = False):
    """Rows of the chain as tuples in ROW_FIELDS order (details already parsed), by position
    ascending, from position first_seq to last_seq (inclusive), fetched in keyset-paginated chunks.
    PostgreSQL: a raw cursor joining each link to its event, the next chunk fetched while the caller
    works through this one, the JSON parsed once (with details_as_text, not parsed: the column's
    JSON text as PostgreSQL writes it, for a reader that parses it itself); elsewhere values_list()
    of the links, then of their events (details parsed whatever details_as_text says)."""
    from django.db import connection

    from .models import AuditEvent, ChainLink

    after, upper = first_seq - 1, (2**63 - 1 if last_seq is None else last_seq)
    if connection.vendor == "postgresql":
        loads = json.loads
        for fetched in _fetched_ahead(connection, after, upper, chunk_size):
            if details_as_text:
                yield from fetched
            else:
                yield from [(*r[:8], None if r[8] is None else loads(r[8]), *r[9:]) for r in fetched]
        return
    while True:
        links = list(ChainLink.objects.filter(pos__gt=after, pos__lte=upper).order_by("pos")
                     .values_list("pos", "event_id", "prev_hash", "hash")[:chunk_size])
        events = {row[0]: row for row in AuditEvent.objects.filter(seq__in=[lk[1] for lk in links])
                  .values_list(*ROW_FIELDS[:12])}
        # a link whose event is gone: the event's columns empty (the verifier names it missing)
        yield from [(*events.get(eid, (eid,) + (None,) * 11), pos, prev, h) for pos, eid, prev, h in links]
        if len(links) < chunk_size:
            return
        after = links[-1][0]


def _fetched_ahead(connection, after: int, upper: int, chunk_size: int):
    """PostgreSQL: the chain's rows after position `after` up to `upper`, chunk by chunk (keyset
    pagination), each chunk fetched by a thread while the caller works through the one before: the
    database formats the next rows while this process checks these. The thread uses this
    connection (the same transaction, so a check inside one sees its uncommitted events); a query
    the caller makes meanwhile waits for the thread's (psycopg locks the connection for each).
    At most one chunk waits ahead; closing the generator stops the thread and waits for it."""
    import queue
    import threading

    connection.ensure_connection()
    pg = connection.connection  # the psycopg connection under Django's
    chunks, ahead, stop = queue.SimpleQueue(), threading.Semaphore(1), threading.Event()

    def fetch():
        try:
            position = after
            with pg.cursor() as cursor:
                while True:
                    ahead.acquire()
                    if stop.is_set():
                        return
                    cursor.execute(_PG_ROWS_SQL, [position, upper, chunk_size])
                    rows = cursor.fetchall()
                    chunks.put(rows)
                    if len(rows) < chunk_size:
                        return
                    position = rows[-1][12]
        except BaseException as exc:  # handed to the caller's thread, raised there
            chunks.put(exc)
        finally:
            chunks.put(None)

    thread = threading.Thread(target=fetch, name="audit-verify-fetch", daemon=True)
    thread.start()
    try:
        while True:
            rows = chunks.get()
            if rows is None:
                return
            if isinstance(rows, BaseException):
                raise rows
            ahead.release()  # the thread fetches the next chunk while these are checked
            if rows:
                yield rows
    finally:
        stop.set()
        ahead.release()
        thread.join()


def iter_chain(*, first_seq: int = 1, last_seq: int | None = None, chunk_size: int = 20000):
    """(position, link hash, canonical bytes) of every event in chain order. The bytes are the
    event's canonical body."""
    for row in iter_rows(first_seq=first_seq, last_seq=last_seq, chunk_size=chunk_size):
        yield row[12], row[14], canonical_bytes(body_from_row(row))


# --- verifying quickly: the same bytes and the same keyed hash, computed with less Python per event --

try:  # pinned in pyproject.toml; without it verification takes the canonical_json() path only
    import orjson
except ImportError:  # pragma: no cover
    orjson = None


def keyed_hasher(key: bytes):
    """A function data -> HMAC-SHA256(key, data) as hex, the value keyed_hash() gives, with the key
    set up once (RFC 2104: two SHA-256 states already fed with the padded key, copied for each
    message) instead of once per event."""
    if len(key) > 64:  # the SHA-256 block size: a longer key is hashed first
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def mac(data: bytes) -> str:
        h = inner.copy()
        h.update(data)
        o = outer.copy()
        o.update(h.digest())
        return o.hexdigest()

    return mac


def fast_canonical_bytes(row, *, details_as_text: bool) -> bytes | None:
    """A candidate for canonical_bytes(body_from_row(row)) made by orjson (parse of the details, sorted
    compact dump: several times quicker), or None where orjson cannot make one.

    Only a candidate: orjson writes some values otherwise than json.dumps (1e-07 as 1e-7, ...), so
    a verifier trusts it only if it hashes to the event's stored hash (the stored hash was made over
    the canonical bytes: SHA-256 being collision resistant, bytes with that hash are those bytes),
    and else computes the canonical bytes the usual way before it judges the event. orjson parses
    every number as json.loads does (the same double for a decimal, the same int) but for integers
    beyond 64 bits, which it turns into floats; such a float (|x| >= 2**63) is written with an
    exponent ('e+'), so no candidate holding 'e+' is made: such an event (or a string holding 'e+')
    takes the usual path, and no parse that json.loads would not give can pass."""
    if orjson is None:
        return None
    seq, at, actor_id, actor_name, action, target_type, target_id, target_label, details = row[:9]
    try:
        if details_as_text and details is not None:
            details = orjson.loads(details)
        data = orjson.dumps({
            "seq": seq, "at": at if isinstance(at, str) else timestamp(at), "actor_id": actor_id,
            "actor_name": actor_name, "action": action, "target_type": target_type, "target_id": target_id,
            "target_label": target_label, "details": details,
        }, option=orjson.OPT_SORT_KEYS)
    except (TypeError, ValueError):  # orjson's errors: a number beyond a double, a lone surrogate, ...
        return None
    return None if b"e+" in data else data
