"""Signed checkpoints of the audit trail, anchored outside the database.

A checkpoint states (sequence number, head hash, Merkle root of the event hashes 1..seq, time),
signed with an Ed25519 key the database does not hold (AUDIT_SIGNING_KEY_FILE, made by
`manage.py make_audit_key`; embedded mode: var/audit-signing-key.pem, made on first use). It is
written to the trail (event `audit.checkpoint`), to an append-only file (AUDIT_CHECKPOINT_FILE,
default var/audit-checkpoints.jsonl) and to syslog (AUDIT_SYSLOG_HOST). A rewrite that recomputes
every later hash no longer matches a checkpoint kept outside: `verify_audit --checkpoints FILE`."""

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import merkle

MESSAGE_PREFIX = "registry-audit-checkpoint v1"
QR_PREFIX = "RACP1"
ACTION = "audit.checkpoint"


# --- the key ------------------------------------------------------------------------------------


def key_path() -> Path:
    value = os.environ.get("AUDIT_SIGNING_KEY_FILE", "") or getattr(settings, "AUDIT_SIGNING_KEY_FILE", "")
    return Path(value) if value else Path(settings.VAR_DIR) / "audit-signing-key.pem"


def write_key(path: Path, *, overwrite: bool = False):
    """Make a new Ed25519 key: the private key at `path` (PEM, mode 0600) and its public key at
    `path`.pub. Refuses to replace an existing key unless told."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    if overwrite:
        os.replace(tmp, path)
    else:
        try:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    key = load_private_key(path)
    public_path(path).write_bytes(public_pem(key.public_key()))
    return key


def public_path(path: Path) -> Path:
    return path.with_name(path.name + ".pub")


def public_pem(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: Path | None = None):
    from cryptography.hazmat.primitives import serialization

    path = path or key_path()
    if not path.exists():
        if os.environ.get("AUDIT_SIGNING_KEY_FILE") or getattr(settings, "AUDIT_SIGNING_KEY_FILE", ""):
            raise FileNotFoundError(f"AUDIT_SIGNING_KEY_FILE {path} does not exist (manage.py make_audit_key)")
        return write_key(path)  # embedded mode: made on first use
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def load_public_key(path: Path | str):
    from cryptography.hazmat.primitives import serialization

    data = Path(path).read_bytes()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None).public_key()
    return serialization.load_pem_public_key(data)


def key_id(public_key) -> str:
    import hashlib

    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- the checkpoint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    root: str
    at: str
    key_id: str
    signature: str  # base64

    def message(self) -> bytes:
        return signed_message(self.seq, self.head, self.root, self.at)

    def as_dict(self) -> dict:
        return {"seq": self.seq, "head": self.head, "root": self.root, "at": self.at, "key_id": self.key_id,
                "signature": self.signature}

    def qr_text(self) -> str:
        return ";".join([QR_PREFIX, str(self.seq), self.head, self.root, self.at, self.key_id, self.signature])

    @classmethod
    def from_dict(cls, data: dict) -> "Checkpoint":
        return cls(int(data["seq"]), str(data["head"]).lower(), str(data["root"]).lower(), str(data["at"]),
                   str(data.get("key_id", "")), str(data["signature"]))

    @classmethod
    def from_qr(cls, text: str) -> "Checkpoint":
        parts = text.strip().split(";")
        if len(parts) != 7 or parts[0] != QR_PREFIX:
            raise ValueError("not a checkpoint of the audit trail (RACP1;seq;head;root;time;key;signature)")
        return cls(int(parts[1]), parts[2].lower(), parts[3].lower(), parts[4], parts[5], parts[6])

    def verify_signature(self, public_key) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.message())
            return True
        except (InvalidSignature, ValueError):
            return False


def signed_message(seq: int, head: str, root: str, at: str) -> bytes:
    return f"{MESSAGE_PREFIX}\nseq={seq}\nhead={head}\nroot={root}\nat={at}\n".encode("ascii")


def checkpoint_file() -> Path:
    value = os.environ.get("AUDIT_CHECKPOINT_FILE", "") or getattr(settings, "AUDIT_CHECKPOINT_FILE", "")
    return Path(value) if value else Path(settings.VAR_DIR) / "audit-checkpoints.jsonl"


def _last_checkpoint_event():
    from .models import AuditEvent

    return AuditEvent.objects.filter(action=ACTION).order_by("-seq").values_list("details", flat=True).first()


def latest(*, max_age_seconds: int | None = None) -> Checkpoint | None:
    """The newest checkpoint in the trail (None if none, or none younger than max_age_seconds)."""
    from .models import AuditEvent

    row = AuditEvent.objects.filter(action=ACTION).order_by("-seq").values_list("details", "at").first()
    if row is None:
        return None
    if max_age_seconds is not None and (timezone.now() - row[1]).total_seconds() > max_age_seconds:
        return None
    return Checkpoint.from_dict(row[0])


def all_in_trail() -> list[Checkpoint]:
    from .models import AuditEvent

    return [Checkpoint.from_dict(d) for d in
            AuditEvent.objects.filter(action=ACTION).order_by("seq").values_list("details", flat=True)]


def get(seq: int) -> Checkpoint | None:
    """The checkpoint of the trail that covers exactly events 1..seq."""
    from .models import AuditEvent

    details = (AuditEvent.objects.filter(action=ACTION, details__seq=seq).order_by("seq")
               .values_list("details", flat=True).first())
    return Checkpoint.from_dict(details) if details else None


def _hashes(first_seq: int, last_seq: int):
    """Link hashes (bytes) of chain positions first..last in order; stops at the first gap."""
    from .models import ChainLink

    expected, after = first_seq, first_seq - 1
    while after < last_seq:
        rows = list(ChainLink.objects.filter(pos__gt=after, pos__lte=last_seq).order_by("pos")
                    .values_list("pos", "hash")[:20000])
        if not rows:
            return
        for seq, h in rows:
            if seq != expected:
                return
            yield bytes.fromhex(h)
            expected += 1
        after = rows[-1][0]


def make(*, reason: str = "interval", actor=None) -> Checkpoint:
    """Sign the trail's current head and Merkle root; write the checkpoint to the trail, the file
    and syslog. Costs only the events since the previous checkpoint (its frontier is kept)."""
    from .chain import flush_links
    from .models import ChainLink
    from .services import record

    private = load_private_key()
    flush_links()
    head_seq = ChainLink.objects.order_by("-pos").values_list("pos", flat=True).first() or 0
    previous = _last_checkpoint_event()
    frontier, size = [], 0
    if previous and previous.get("frontier") is not None and int(previous["seq"]) <= head_seq:
        frontier = merkle.frontier_from_json(previous["frontier"])
        size = merkle.frontier_size(frontier)
        if size != int(previous["seq"]):
            frontier, size = [], 0
    frontier = merkle.extend_frontier(frontier, _hashes(size + 1, head_seq))
    size = merkle.frontier_size(frontier)  # up to the first gap (an uncommitted writer) at most
    head = ChainLink.objects.filter(pos=size).values_list("hash", flat=True).first() if size else "0" * 64
    at_text = timezone.now().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    root = merkle.frontier_root(frontier).hex()
    signature = base64.b64encode(private.sign(signed_message(size, head, root, at_text))).decode("ascii")
    checkpoint = Checkpoint(size, head, root, at_text, key_id(private.public_key()), signature)
    with transaction.atomic():
        record(actor=actor, action=ACTION, details={
            **checkpoint.as_dict(), "reason": reason, "frontier": merkle.frontier_to_json(frontier),
        })
        transaction.on_commit(lambda: _write_outside(checkpoint, reason))
    return checkpoint


def _write_outside(checkpoint: Checkpoint, reason: str) -> None:
    """The append-only file and syslog: after the checkpoint is in the trail."""
    import logging

    from . import forwarding

    line = json.dumps({**checkpoint.as_dict(), "reason": reason}, sort_keys=True, separators=(",", ":")) + "\n"
    path = checkpoint_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            handle.write(line)
    except OSError:
        logging.getLogger(__name__).exception("audit checkpoint %s could not be appended to %s", checkpoint.seq, path)
    forwarding.submit(forwarding.format_rfc5424(
        msgid="audit_checkpoint", params={**checkpoint.as_dict(), "reason": reason},
        message=checkpoint.qr_text(),
    ))


def for_document(*, max_age_seconds: int = 3600, actor=None, reason: str = "export") -> Checkpoint:
    """The checkpoint a printed document is drawn from: the newest one, or a new one if none is
    recent or events came since (a register must be covered by the checkpoint it prints)."""
    from .chain import flush_links
    from .models import AuditEvent, ChainLink

    flush_links()
    current = latest(max_age_seconds=max_age_seconds)
    if current is not None:
        later = ChainLink.objects.filter(pos__gt=current.seq).values("event_id")
        after = AuditEvent.objects.filter(seq__in=later).exclude(action=ACTION).exists()
        # events of this transaction not yet linked (SQLite links at once; PostgreSQL flushed above)
        if not after:
            return current
    return make(reason=reason, actor=actor)


def read_file(path: Path | str) -> list[Checkpoint]:
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not a checkpoint ({exc})") from exc
    return out


# --- verification against checkpoints kept outside ----------------------------------------------


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_against(checkpoints: list[Checkpoint], public_key) -> CheckpointReport:
    """Every checkpoint must carry a good signature, and the trail must still hold its state: the
    link at its position with its head hash, and the Merkle root of link hashes 1..seq. One pass, O(n)."""
    from .chain import flush_links
    from .models import ChainLink

    flush_links()
    wanted = sorted(checkpoints, key=lambda c: c.seq)
    for cp in wanted:
        if not cp.verify_signature(public_key):
            return CheckpointReport(False, 0, cp.seq, "the checkpoint's signature does not verify with this key")
    frontier, size, checked = [], 0, 0
    for cp in wanted:
        if cp.seq == 0:
            checked += 1
            continue
        frontier = merkle.extend_frontier(frontier, _hashes(size + 1, cp.seq))
        size = merkle.frontier_size(frontier)
        if size != cp.seq:
            return CheckpointReport(False, checked, cp.seq, "events the checkpoint covers are missing")
        stored = ChainLink.objects.filter(pos=cp.seq).values_list("hash", flat=True).first()
        if stored != cp.head:
            return CheckpointReport(False, checked, cp.seq,
                                    "the event at the checkpoint no longer has the signed head hash (history rewritten)")
        if merkle.frontier_root(frontier).hex() != cp.root:
            return CheckpointReport(False, checked, cp.seq, "the Merkle root of the events up to the checkpoint differs")
        checked += 1
    return CheckpointReport(True, checked)


def contains(checkpoint: Checkpoint) -> tuple[bool, str]:
    """Does the trail still contain the state a (printed) checkpoint names?"""
    report = verify_against([checkpoint], load_private_key().public_key())
    return report.ok, report.reason


# --- proofs from the events table ---------------------------------------------------------------


def subtree_hash(start: int, end: int) -> bytes:
    """The Merkle hash of leaves [start, end): events seq start+1..end."""
    leaves = list(_hashes(start + 1, end))
    if len(leaves) != end - start:
        raise LookupError("events missing from the trail")
    return merkle.root_of(leaves)


def position_of(seq: int) -> int | None:
    """The chain position of event `seq` (None while it is not linked: not committed yet)."""
    from .chain import flush_links
    from .models import ChainLink

    flush_links()
    return ChainLink.objects.filter(event_id=seq).values_list("pos", flat=True).first()


def inclusion_proof(*, seq: int, checkpoint: Checkpoint) -> dict:
    """The proof that event `seq` is in the tree the checkpoint signs: its leaf is the event's link
    hash, at its chain position (index = position - 1)."""
    from .models import ChainLink

    pos = position_of(seq)
    if pos is None:
        raise LookupError("no such event")
    if not 1 <= pos <= checkpoint.seq:
        raise LookupError("the event is not covered by this checkpoint")
    leaf = ChainLink.objects.filter(pos=pos).values_list("hash", flat=True).first()
    path = merkle.inclusion_path(pos - 1, checkpoint.seq, subtree_hash)
    return {"type": "inclusion", "seq": seq, "position": pos, "leaf": leaf, "index": pos - 1,
            "size": checkpoint.seq, "path": [p.hex() for p in path], "checkpoint": checkpoint.as_dict()}


def consistency_proof(*, old: Checkpoint, new: Checkpoint) -> dict:
    if not 0 < old.seq <= new.seq:
        raise LookupError("the first checkpoint must come before the second")
    path = merkle.consistency_path(old.seq, new.seq, subtree_hash)
    return {"type": "consistency", "old": old.as_dict(), "new": new.as_dict(), "path": [p.hex() for p in path]}


def verify_proof_document(proof: dict, public_key) -> tuple[bool, str]:
    """Offline check of a proof as the API gives it (the standalone tool does the same)."""
    try:
        if proof.get("type") == "inclusion":
            cp = Checkpoint.from_dict(proof["checkpoint"])
            if not cp.verify_signature(public_key):
                return False, "the checkpoint's signature does not verify"
            if int(proof["size"]) != cp.seq:
                return False, "the proof is not against this checkpoint"
            ok = merkle.verify_inclusion(bytes.fromhex(proof["leaf"]), int(proof["index"]), cp.seq,
                                         [bytes.fromhex(p) for p in proof["path"]], bytes.fromhex(cp.root))
            return (True, "the event is in the trail signed by the checkpoint") if ok else (
                False, "the inclusion proof does not verify")
        if proof.get("type") == "consistency":
            old, new = Checkpoint.from_dict(proof["old"]), Checkpoint.from_dict(proof["new"])
            if not (old.verify_signature(public_key) and new.verify_signature(public_key)):
                return False, "a checkpoint's signature does not verify"
            ok = merkle.verify_consistency(old.seq, new.seq, bytes.fromhex(old.root), bytes.fromhex(new.root),
                                           [bytes.fromhex(p) for p in proof["path"]])
            return (True, "the later checkpoint extends the earlier one") if ok else (
                False, "the consistency proof does not verify")
    except (KeyError, TypeError, ValueError) as exc:
        return False, f"malformed proof ({exc})"
    return False, "unknown proof type"


# --- for the API and the auditor's workspace ----------------------------------------------------


def _checkpoint_or_latest(checkpoint_seq: int | None) -> Checkpoint:
    from django.http import Http404

    cp = get(checkpoint_seq) if checkpoint_seq is not None else latest()
    if cp is None:
        raise Http404
    return cp


def proof_for_event(*, user, seq: int, checkpoint_seq: int | None = None) -> dict:
    """An inclusion proof of a visible event against a checkpoint (the newest by default): 404 for
    an event the reader may not see or that is not there, 409 when no checkpoint covers it yet."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    from common import access
    from common.errors import Conflict

    from .models import AuditEvent

    if not access.restrict(AuditEvent.objects.filter(seq=seq), user).exists():
        raise Http404
    cp = _checkpoint_or_latest(checkpoint_seq)
    pos = position_of(seq)
    if pos is None or pos > cp.seq:
        raise Conflict(_("No checkpoint covers this event yet: make a checkpoint, then ask again."))
    return inclusion_proof(seq=seq, checkpoint=cp)


def proof_for_signature(*, user, pk: int, checkpoint_seq: int | None = None) -> dict:
    from django.http import Http404

    from common import access

    from .models import Signature

    signature = access.restrict(Signature.objects.filter(pk=pk), user).select_related("event").first()
    if signature is None:
        raise Http404
    proof = proof_for_event(user=user, seq=signature.event.seq, checkpoint_seq=checkpoint_seq)
    return {**proof, "signature": signature.pk}


def proof_between(*, old_seq: int, new_seq: int | None = None) -> dict:
    from django.utils.translation import gettext as _

    from common.errors import Conflict

    old, new = _checkpoint_or_latest(old_seq), _checkpoint_or_latest(new_seq)
    if old.seq > new.seq or old.seq == 0:
        raise Conflict(_("The first checkpoint must be an earlier, non-empty one."))
    return consistency_proof(old=old, new=new)


def witness(*, actor=None, reason: str = "export") -> dict:
    """What a printed document shows of the checkpoint it was drawn from: the checkpoint, its QR
    text (RACP1;seq;head;root;time;key;signature) and the QR code rendered locally
    (segno) as inline SVG, for `verify_proof` / tools/verify_audit_proof.py to check later."""
    import segno

    cp = for_document(actor=actor, reason=reason)
    text = cp.qr_text()
    # inline SVG markup (no URL to fetch: the PDF renderer loads nothing from outside)
    return {"checkpoint": cp, "text": text, "qr_svg": segno.make(text, error="m").svg_inline(scale=2, border=2)}


# --- when checkpoints are made ------------------------------------------------------------------

# besides the schedule (audit.tasks.make_checkpoint) and every printed register: after these events
# commit, a checkpoint seals them
SEALING_ACTIONS = frozenset({"inventory.closed", "destruction.destroyed", "destruction.certificate_recorded"})


def _seal_after_commit(sender, instance, created, **kwargs):
    if created and instance.action in SEALING_ACTIONS:
        transaction.on_commit(_seal_quietly)


def _seal_quietly() -> None:
    """A checkpoint in a transaction of its own; a failure (no key) is logged, never raised into
    the request whose change already committed."""
    import logging

    try:
        make(reason="sealed")
    except Exception:
        logging.getLogger(__name__).exception("audit checkpoint after a sealing event failed")


def connect() -> None:
    from django.db.models.signals import post_save

    from .models import AuditEvent

    post_save.connect(_seal_after_commit, sender=AuditEvent, dispatch_uid="audit-checkpoint-sealing")
