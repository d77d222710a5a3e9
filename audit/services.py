"""The only writers of the audit trail. record() appends one event to the hash chain inside the
caller's transaction; sign() makes an electronic signature after checking the password again."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import access
from common.errors import Refused, ValidationFailed

from .chain import canonical_json, event_body, keyed_hash, normalise, sha256_hex
from .models import GENESIS_HASH, AuditEvent, AuditEventCarrier, Signature


def _next_seq() -> int:
    """The new event's identity. PostgreSQL: from a sequence, no lock (the chain's order is fixed at
    commit, audit_chainlink); SQLite: BEGIN IMMEDIATE already holds the database's single write lock
    for the whole transaction, so the next number is read."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('audit_event_seq')")
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_auditevent")
        return cursor.fetchone()[0]


def _link_now(event) -> None:
    """SQLite (one writer): the link is appended with the event, by the same rule the PostgreSQL
    commit trigger applies (audit/triggers.py)."""
    from .models import ChainLink

    last = ChainLink.objects.order_by("-pos").values_list("pos", "hash").first() or (0, GENESIS_HASH)
    ChainLink.objects.create(pos=last[0] + 1, event_id=event.seq, prev_hash=last[1],
                             hash=sha256_hex(last[1] + event.hash))


def describe_target(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:200]


def actor_name_of(actor) -> str:
    if actor is None:
        return "system"
    person = getattr(actor, "person", None)
    name = f"{person.full_name} ({actor.get_username()})" if person else actor.get_username()
    # full name (100) + username (150) can exceed the column; the hash covers what is stored.
    return name[: AuditEvent._meta.get_field("actor_name").max_length]


def record(*, actor, action: str, target=None, details: dict | None = None, carriers=()) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records.

    The carriers the event names are indexed with it: those its target names (the gate knows,
    from the target's registered policy) and any passed in `carriers` (ids or carriers) that its
    details mention. The trail shows the event only to readers who may open all of them."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the transaction of the change it records")
    seq = _next_seq()
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
        prev_hash="",  # chained at commit: audit_chainlink (decision 0022)
    )
    canonical = canonical_json(event_body(
        seq=seq, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name, action=action,
        target_type=target_type, target_id=target_id, target_label=target_label, details=event.details,
    ))
    event.hash = sha256_hex(canonical)
    event.mac = keyed_hash(canonical.encode("utf-8"))
    event.save(force_insert=True)
    if connection.vendor != "postgresql":
        _link_now(event)
    named = access.carriers_named(target)
    named.update(getattr(c, "pk", c) for c in carriers)
    if named:
        AuditEventCarrier.objects.bulk_create(AuditEventCarrier(event=event, carrier_id=c) for c in sorted(named))
    return event


def content_hash(content: dict) -> str:
    return sha256_hex(canonical_json(content))


@dataclass(frozen=True)
class Reauthentication:
    """Proof that the signer entered their password at this moment. Made only by
    reauthenticate(); one entry may cover the signatures of one service call (or one batch)."""

    signer_id: int
    at: datetime


class SigningSecret(str):
    """The password typed to sign, carrying the one-time code typed with it (empty if none).
    The API and the forms make it; services pass it on to reauthenticate() untouched."""

    otp: str = ""

    def __new__(cls, password: str, otp: str = ""):
        secret = super().__new__(cls, password)
        secret.otp = (otp or "").strip()
        return secret


def reauthenticate(*, signer, password) -> Reauthentication:
    """A signature needs the signer's password at the moment of signing, and their one-time code
    where they have enrolled an authenticator."""
    if not password:
        raise ValidationFailed({"password": [_("Enter your password to sign.")]})
    # the lockout of the login page holds here too (accounts/lockout.py): refused while the account
    # or the client's address is locked (429); a wrong password audited and counted, in a
    # transaction of its own once the signing service's transaction is rolled back
    from accounts import lockout

    lockout.guard(user=signer, channel=lockout.SIGNING)
    if not signer.is_active or not signer.check_password(password):
        lockout.failed(user=signer, channel=lockout.SIGNING)
        raise ValidationFailed({"password": [_("The password is not correct; nothing was signed.")]})
    person = getattr(signer, "person", None)
    if person is None or person.status != person.Status.ACTIVE:
        raise Refused(_("Only active registered people can sign."))
    # the same authenticator as at login (accounts/factors.py): a code is accepted once, so two
    # signatures cannot share one; a wrong code is audited and counts towards the lockout
    from accounts.factors import check_signing_code

    check_signing_code(signer=signer, code=getattr(password, "otp", ""),
                       request=lockout.axes_request(channel=lockout.SIGNING, actor=signer))
    return Reauthentication(signer_id=signer.pk, at=timezone.now())


def sign(*, signer, credential: Reauthentication, meaning: str, target, content: dict) -> Signature:
    """Sign `content` (the facts the signer vouches for) about `target`, recorded in the chain."""
    if credential.signer_id != signer.pk:
        raise Refused(_("A signature needs the signer's own password."))
    if meaning not in Signature.Meaning.values:
        raise ValueError(f"unknown signature meaning {meaning!r}")
    person = signer.person
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


def verify_scheduled():
    """The scheduled check of the chain: verify only what came after the last point found intact,
    then move that point to the head. A broken chain leaves the point where it was, so every later
    check finds the break again (the alert stays until an auditor deals with it)."""
    from . import selectors
    from .models import ChainLink, VerifiedPoint

    report = selectors.verify_since_last_point()
    if report.ok and report.count:
        head_seq = ChainLink.objects.filter(hash=report.head).values_list("pos", flat=True).first()
        if head_seq is not None:
            with transaction.atomic():
                VerifiedPoint.objects.update_or_create(
                    pk=1, defaults={"seq": head_seq, "hash": report.head, "verified_at": timezone.now()}
                )
    return report
