"""Celery tasks of the approvals app: thin, one service call each."""

from celery import shared_task

from . import services


@shared_task(name="approvals.tasks.expire_overdue_requests")
def expire_overdue_requests() -> int:
    """Open requests whose validity ran out become expired."""
    return services.expire_overdue()


@shared_task(name="approvals.tasks.sync_approval_grants")
def sync_approval_grants() -> dict:
    """Acting heads whose period began get their grants, those whose period ended lose them."""
    return services.sync_open_grants()
