"""Celery tasks of the audit app: thin, one service call each."""

import logging

from celery import shared_task

from .selectors import verify_chain

log = logging.getLogger(__name__)


@shared_task(name="audit.tasks.verify_audit_chain")
def verify_audit_chain() -> dict:
    """Nightly: recompute the whole chain. A broken chain is logged as critical."""
    report = verify_chain()
    if not report.ok:
        log.critical("audit chain broken at sequence %s: %s", report.broken_seq, report.reason)
    return {"ok": report.ok, "count": report.count, "head": report.head, "broken_seq": report.broken_seq}


@shared_task(name="audit.tasks.make_checkpoint")
def make_checkpoint() -> dict:
    """On the schedule (AUDIT_CHECKPOINT_INTERVAL_MINUTES): sign the trail's head and Merkle root
    and write the checkpoint to the trail, the checkpoint file and syslog."""
    from .checkpoints import make

    checkpoint = make(reason="interval")
    return checkpoint.as_dict()
