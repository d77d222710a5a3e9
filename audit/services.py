"""The only writers of the audit trail. record() appends one event to the hash chain inside the
caller's transaction; sign() makes an electronic signature after checking the password again."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import Refused, ValidationFailed

from .chain import canonical_json, event_hash, normalise, sha256_hex
from .models import GENESIS_HASH, AuditEvent, Signature

# Any constant will do: every process that appends takes the same transaction-level lock.
_CHAIN_LOCK_KEY = 0x5EC2E7


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: the settings open every transaction with BEGIN IMMEDIATE, which already holds the
    # database's single write lock for the whole transaction.


def describe_target(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:200]


def actor_name_of(actor) -> str:
    if actor is None:
        return "system"
    person = getattr(actor, "person", None)
    return f"{person.full_name} ({actor.get_username()})" if person else actor.get_username()


def record(*, actor, action: str, target=None, details: dict | None = None) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the transaction of the change it records")
    _lock_chain()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    target_type, target_id, target_label = describe_target(target)
    event = AuditEvent(
        seq=seq,
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name_of(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        details=normalise(details or {}),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event


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


def content_hash(content: dict) -> str:
    return sha256_hex(canonical_json(content))


def check_password_again(*, signer, password) -> None:
    """A signature needs the signer's password at the moment of signing."""
    if not password:
        raise ValidationFailed({"password": [_("Enter your password to sign.")]})
    if not signer.is_active or not signer.check_password(password):
        raise ValidationFailed({"password": [_("The password is not correct; nothing was signed.")]})


def sign(*, signer, password: str, meaning: str, target, content: dict) -> Signature:
    """Sign `content` (the facts the signer vouches for) about `target`, recorded in the chain."""
    check_password_again(signer=signer, password=password)
    person = getattr(signer, "person", None)
    if person is None or person.status != person.Status.ACTIVE:
        raise Refused(_("Only active registered people can sign."))
    if meaning not in Signature.Meaning.values:
        raise ValueError(f"unknown signature meaning {meaning!r}")
    digest = content_hash(content)
    with transaction.atomic():
        event = record(
            actor=signer,
            action="signature.made",
            target=target,
            details={"meaning": meaning, "content_hash": digest, "printed_name": person.full_name},
        )
        target_type, target_id, _label = describe_target(target)
        return Signature.objects.create(
            event=event,
            signer=signer,
            printed_name=person.full_name,
            signed_at=event.at,
            meaning=meaning,
            content_hash=digest,
            target_type=target_type,
            target_id=target_id,
        )


def verify_signature(signature: Signature, content: dict | None = None) -> list[str]:
    """Problems found with one signature (empty list: it holds)."""
    problems = []
    event = signature.event
    if event_hash(event) != event.hash:
        problems.append(str(_("its audit event was altered")))
    if event.details.get("content_hash") != signature.content_hash or event.actor_id != signature.signer_id:
        problems.append(str(_("the signature does not match its audit event")))
    if content is not None and content_hash(content) != signature.content_hash:
        problems.append(str(_("the signed content has changed since it was signed")))
    return problems
