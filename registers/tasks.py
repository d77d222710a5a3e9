"""Celery tasks of the registers: thin, an id in, one service call."""

from celery import shared_task

from . import services


@shared_task(name="registers.tasks.run_register_export")
def run_register_export(export_id: int) -> dict:
    job = services.run_export(export_id=export_id)
    return {"id": export_id, "status": job.status if job else None}


@shared_task(name="registers.tasks.verify_chain_in_background")
def verify_chain_in_background(verification_id: int) -> dict:
    job = services.run_chain_verification(verification_id=verification_id)
    return {"id": verification_id, "status": job.status if job else None, "ok": job.ok if job else None}


@shared_task(name="registers.tasks.purge_expired_exports")
def purge_expired_exports() -> int:
    return services.purge_expired_exports()
