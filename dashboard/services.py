"""Writes of the dashboard: none of its own; it calls the owning apps' services."""

from django.db import transaction

from approvals import services as approval_services
from carriers.transmission import services as transmission_services


def mark_all_notices_read(*, actor) -> int:
    """Every unread notice of the actor (approval requests and dispatches) marked read at once."""
    with transaction.atomic():
        return (approval_services.mark_notices_read(actor=actor)
                + transmission_services.mark_notices_read(actor=actor))
