"""Celery tasks of the registers: thin, an id in, one service call.

Late acknowledgement and reject-on-worker-lost (settings) mean a task whose pool process was
killed is delivered again at once; the service then sees the job running with a heartbeat that is
still young (Busy), and the task looks again after the heartbeat had time to grow old: a live
worker's job is left to it, a dead one's is run again once (registers.services.run_export)."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="registers.tasks.run_register_export", bind=True, acks_late=True, max_retries=None)
def run_register_export(self, export_id: int) -> dict:
    try:
        job = services.run_export(export_id=export_id)
    except services.Busy as busy:
        stale = settings.REGISTRY["REGISTER_HEARTBEAT_STALE_SECONDS"]
        if self.request.retries >= 60:  # an hour of a live duplicate: the sweeper watches it
            return {"id": export_id, "status": "running"}
        raise self.retry(countdown=stale + 1, exc=busy) from busy
    return {"id": export_id, "status": job.status if job else None}


@shared_task(name="registers.tasks.verify_chain_in_background")
def verify_chain_in_background(verification_id: int) -> dict:
    job = services.run_chain_verification(verification_id=verification_id)
    return {"id": verification_id, "status": job.status if job else None, "ok": job.ok if job else None}


@shared_task(name="registers.tasks.purge_expired_exports")
def purge_expired_exports() -> int:
    return services.purge_expired_exports()


@shared_task(name="registers.tasks.sweep_background_jobs")
def sweep_background_jobs() -> dict:
    return services.sweep_background_jobs()
