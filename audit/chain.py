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
