"""Reads of the directory app."""

from django.conf import settings
from django.contrib.auth import get_user_model

from .models import DirectoryAccount, SyncRun


def is_directory_account(user) -> bool:
    return user is not None and user.pk is not None and DirectoryAccount.objects.filter(user_id=user.pk).exists()


def last_run() -> SyncRun | None:
    return SyncRun.objects.order_by("-started_at", "-pk").first()


def due_directory_unavailable(*, today, now):
    """The alert check: the last sync could not read the directory (one target: the directory).
    None (skipped) while the directory is off."""
    if not settings.DIRECTORY["ENABLED"]:
        return None
    run = last_run()
    if run is None or run.ok:
        return []
    return [dict(target_id=0, target_label=f"directory sync {run.started_at:%Y-%m-%d %H:%M} UTC", alert_unit=None,
                 alert_level=None, due_on=today, alert_responsible=None)]


def directory_keepers(*, today, now):
    """Told of a failed sync: the secrecy offices (they answer for the accounts of their unit)."""
    from personnel import roles

    users = get_user_model().objects.filter(
        is_active=True, groups__name=roles.SECRECY_OFFICE, person__isnull=False
    ).distinct()
    return [(0, pk) for pk in users.values_list("pk", flat=True)]
