from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit trail. Written only by audit.record()."""

    seq = models.BigIntegerField(_("sequence number"), primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"), db_constraint=True,
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # HMAC-SHA256 of the canonical event with a key the database does not hold (audit.chain.hmac_key);
    # empty only on events written before keys were introduced
    mac = models.CharField(_("keyed hash"), max_length=64, blank=True, default="", db_default="")
    # the writing transaction (PostgreSQL: set by a trigger to txid_current(), whatever was sent), so a
    # trigger can tell an event of the current transaction from any other
    txid = models.BigIntegerField(_("transaction"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx"),
            models.Index(fields=["txid"], name="audit_txid_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}"


class ChainLink(models.Model):
    """One link of the chain, in the order events were committed (issue 16, item 1; decision 0022).

    An event is written during its transaction with `seq` (its identity, from a sequence on
    PostgreSQL: gaps where a transaction rolled back) and `hash` = SHA-256 of its canonical body;
    the link is appended at commit by a deferred database trigger, under a lock held only from the
    commit's triggers to the end of COMMIT: `hash` = SHA-256(prev_hash || event hash). `pos` is
    the event's place in the chain (what checkpoints, Merkle proofs and the verified point count).
    Events from before this table (their own prev_hash not empty) are linked as they were:
    link.hash = event.hash. INSERT-only, written by the database (PostgreSQL) or record() (SQLite)."""

    pos = models.BigIntegerField(_("chain position"), primary_key=True)
    event_id = models.BigIntegerField(_("audit event"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["pos"]
        verbose_name = _("link of the audit chain")
        verbose_name_plural = _("links of the audit chain")
        default_permissions = ()

    def __str__(self) -> str:
        return f"@{self.pos} #{self.event_id} {self.hash[:12]}"


class VerifiedPoint(models.Model):
    """The last point up to which the scheduled check found the chain intact (one row): the next
    check verifies only what came after it, so its cost does not grow with the history. A hint for
    speed only: `manage.py verify_audit` always verifies everything."""

    seq = models.BigIntegerField(_("sequence number"))  # the position in the chain (ChainLink.pos)
    hash = models.CharField(_("hash"), max_length=64)  # the link's hash there
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("verified point of the audit chain")
        verbose_name_plural = _("verified points of the audit chain")
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditEventCarrier(models.Model):
    """Which carriers an event names (its target's and any in its details), indexed so that the
    trail shows an event only to readers who may open every carrier it names. Written by
    audit.record() in the same transaction, append-only like the events. The audit app knows no
    carrier model: it keeps the id."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="carrier_refs", db_constraint=True)
    carrier_id = models.BigIntegerField(_("carrier"))

    class Meta:
        verbose_name = _("carrier named by an audit event")
        verbose_name_plural = _("carriers named by audit events")
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["event", "carrier_id"], name="audit_event_carrier_once")]
        indexes = [models.Index(fields=["carrier_id", "event"], name="audit_carrier_event_idx")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.carrier_id}"


class Signature(models.Model):
    """An electronic signature: who, when, what it means, bound to the hash of what was signed
    and to the audit event that records it. Made only by audit.signatures.sign()."""

    class Meaning(models.TextChoices):
        REGISTERED = "registered", _("Registered: I entered this carrier and vouch for its data")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        HANDED_OVER = "handed_over", _("Handed over")
        RECEIVED = "received", _("Received and counted")
        WITNESSED = "witnessed", _("Witnessed")
        READ = "read", _("Read and passed on as listed")
        PLEDGED = "pledged", _("Pledged to keep state secrets")
        DESTROYED = "destroyed", _("Destroyed beyond recovery")
        SUPERVISED = "supervised", _("Supervised the destruction on the spot")
        CHECKED = "checked", _("Checked: vouches for the inventory's result")

    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="signature", verbose_name=_("audit event")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("signer")
    )
    printed_name = models.CharField(_("printed name"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"))
    meaning = models.CharField(_("meaning"), max_length=32, choices=Meaning.choices)
    content_hash = models.CharField(_("hash of what was signed"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [models.Index(fields=["target_type", "target_id"], name="signature_target_idx")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.printed_name} {self.get_meaning_display()} {self.signed_at:%Y-%m-%d %H:%M}"
