"""Reads of the audit trail."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .chain import canonical_json, event_hash, sha256_hex
from .models import GENESIS_HASH, AuditEvent, Signature


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    """Recompute every link. Reports the first sequence number where the chain breaks."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, count, prev_hash, expected_seq, "missing event (sequence gap)")
        if event.prev_hash != prev_hash:
            return ChainReport(False, count, prev_hash, event.seq, "previous-hash link broken")
        if event_hash(event) != event.hash:
            return ChainReport(False, count, prev_hash, event.seq, "event content does not match its hash")
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return ChainReport(True, count, prev_hash)


def visible_events(*, user):
    from common import access

    return access.restrict(AuditEvent.objects.select_related("signature").order_by("-seq"), user)


def verify_signature(signature: Signature, content: dict | None = None) -> list[str]:
    """Problems found with one signature (empty list: it holds)."""
    problems = []
    event = signature.event
    if event_hash(event) != event.hash:
        problems.append(_("its audit event was altered"))
    if event.details.get("content_hash") != signature.content_hash or event.actor_id != signature.signer_id:
        problems.append(_("the signature does not match its audit event"))
    if content is not None and sha256_hex(canonical_json(content)) != signature.content_hash:
        problems.append(_("the signed content has changed since it was signed"))
    return problems


def chain_contains(head_hash: str) -> bool:
    """Is an earlier head still in the chain? (Truncation from the end leaves a valid but shorter
    chain; only a head kept elsewhere reveals it.)"""
    return AuditEvent.objects.filter(hash=head_hash.strip().lower()).exists()
